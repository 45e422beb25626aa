import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.analysis.segmenter import SentenceSpan, segment

GOLDEN = json.loads((Path(__file__).parent / "fixtures" / "golden_rules.json").read_text("utf-8"))


def sentences(text: str) -> list[str]:
    return [text[span.start : span.end] for span in segment(text)]


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda case: case["title"])
def test_it_passes_the_golden_rules(case):
    assert sentences(case["text"]) == case["sentences"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # An initialism ends the sentence when a sentence starter follows it ...
        (
            "The contest was held in Washington D.C. The six-member team won.",
            ["The contest was held in Washington D.C.", "The six-member team won."],
        ),
        # ... but not when a noun follows.
        (
            "U.S. officials said it was over. The U.S. Army agreed.",
            ["U.S. officials said it was over.", "The U.S. Army agreed."],
        ),
        (
            "I work for the U.S. Government in Virginia.",
            ["I work for the U.S. Government in Virginia."],
        ),
        # Quotes ending sentences.
        (
            '"We won," he said. "It was hard." She smiled.',
            ['"We won," he said.', '"It was hard."', "She smiled."],
        ),
        (
            'She turned to him, "This is great." she said.',
            ['She turned to him, "This is great." she said.'],
        ),
        (
            "He had a motto: ‘Be true to the men in blue.’ Of course that was long ago.",
            ["He had a motto: ‘Be true to the men in blue.’", "Of course that was long ago."],
        ),
        # A quotation of several sentences is split inside, as news copy is read.
        (
            'Obama tweeted: "Cool clock, Ahmed. Want to bring it to the White House?" He did.',
            ['Obama tweeted: "Cool clock, Ahmed.', 'Want to bring it to the White House?"', "He did."],
        ),
        # A closing quote after the last sentence stays with it.
        (
            '"We played well. We were able to focus better."',
            ['"We played well.', 'We were able to focus better."'],
        ),
        # Ellipses.
        ("Wait... What happened? I don't know...", ["Wait...", "What happened?", "I don't know..."]),
        (
            "The projections are quite consistent [...] Ozone is something we understand.",
            ["The projections are quite consistent [...]", "Ozone is something we understand."],
        ),
        # Numbered lists: markers inside a sentence are not boundaries; list items are.
        (
            "You either 1) sacrifice breadth, or 2) you sacrifice quality.",
            ["You either 1) sacrifice breadth, or 2) you sacrifice quality."],
        ),
        ("1) The first item. 2) The second item.", ["1) The first item.", "2) The second item."]),
        (
            "He ranked No. 5 in the world. No. 6 was next.",
            ["He ranked No. 5 in the world.", "No. 6 was next."],
        ),
        # Times.
        (
            "The meeting starts at 10 a.m. Monday in the hall.",
            ["The meeting starts at 10 a.m. Monday in the hall."],
        ),
        ("It began at 6:13 p.m. EDT on Friday.", ["It began at 6:13 p.m. EDT on Friday."]),
        ("He left at 6 P.M. Mr. Smith stayed.", ["He left at 6 P.M.", "Mr. Smith stayed."]),
        # Initials and degrees.
        ("J. R. R. Tolkien wrote it. He was British.", ["J. R. R. Tolkien wrote it.", "He was British."]),
        (
            "I needed an internship for my M.Sc. studies, and wrote to them.",
            ["I needed an internship for my M.Sc. studies, and wrote to them."],
        ),
        ("Apple sold more phones. iPhone sales rose.", ["Apple sold more phones.", "iPhone sales rose."]),
        # Repeated sentences get their own offsets (pySBD's char spans do not).
        ("Yes. Yes. Yes.", ["Yes.", "Yes.", "Yes."]),
    ],
)
def test_it_fixes_what_news_text_needs(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # A headline line with no final punctuation, then a sentence.
        (
            "Storm hits the coast\nHeavy rain fell across the region on Monday, officials said.",
            ["Storm hits the coast", "Heavy rain fell across the region on Monday, officials said."],
        ),
        (
            "Flood warning issued\nWASHINGTON (AP) — The agency warned residents on Tuesday.",
            ["Flood warning issued", "WASHINGTON (AP) — The agency warned residents on Tuesday."],
        ),
        # Hard-wrapped prose: the next word would not have fitted, so the line was wrapped.
        (
            "The committee said on Tuesday that the report, which was published late\n"
            "Monday, contained several errors that had been corrected by the authors.",
            [
                "The committee said on Tuesday that the report, which was published late\n"
                "Monday, contained several errors that had been corrected by the authors."
            ],
        ),
        ("The minister said\nthat it was over.", ["The minister said\nthat it was over."]),
        ("Key points:\n- Rates rise\n- Prices fall", ["Key points:", "- Rates rise", "- Prices fall"]),
        ("First line.\r\nSecond line.", ["First line.", "Second line."]),
    ],
)
def test_it_reads_single_line_breaks(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", []),
        (" \n\t\u00a0\r\n ", []),
        ("One.\n\nTwo", ["One.", "Two"]),
        ("Heading\n \t\nBody text is here.", ["Heading", "Body text is here."]),
        ("  Padded sentence.  ", ["Padded sentence."]),
        (
            "Café owners protested.\r\n\r\nThe mayor 😀 said no.",
            ["Café owners protested.", "The mayor 😀 said no."],
        ),
        ("Prices rose.\u00a0Wages fell.\tRents held.", ["Prices rose.", "Wages fell.", "Rents held."]),
        ("“It’s over,” she said. “We’re done.”", ["“It’s over,” she said.", "“We’re done.”"]),
        (
            "Zoë Ågren spoke in São Paulo. Éric listened.",
            ["Zoë Ågren spoke in São Paulo.", "Éric listened."],
        ),
    ],
)
def test_it_handles_whitespace_and_unicode(text, expected):
    assert sentences(text) == expected


def test_it_returns_frozen_spans():
    span = segment("Hello world.")[0]
    assert span == SentenceSpan(0, 12)
    with pytest.raises(AttributeError):
        span.start = 1  # type: ignore[misc]


def test_it_cuts_a_long_paragraph_without_losing_text():
    text = " ".join(f"Sentence number {i} is here." for i in range(2000))
    spans = segment(text)
    assert len(spans) == 2000
    assert text[spans[1234].start : spans[1234].end] == "Sentence number 1234 is here."


def assert_well_formed(text: str, spans: list[SentenceSpan]) -> None:
    previous_end = 0
    for span in spans:
        chunk = text[span.start : span.end]
        assert previous_end <= span.start < span.end <= len(text)
        assert chunk == chunk.strip()
        assert not re.search(r"\n\s*\n", chunk)
        previous_end = span.end
    # Together the spans hold every non-space character: nothing is dropped.
    covered = "".join(text[s.start : s.end] for s in spans)
    assert "".join(covered.split()) == "".join(text.split())


NEWSY = st.lists(
    st.sampled_from(
        ["The", "U.S.", "said", "Mr.", "Smith", "10", "a.m.", ".", "!", "?", "...", '"', "“", "”",
         "’", "(", ")", "1)", "a.", "No.", "\n", "\n\n", "\r\n", "\t", "\u00a0", " ", "😀", "é",
         "[...]", "D.C.", "it", "is", "over", ":", ","]
    ),
    max_size=60,
).map(" ".join)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text(max_size=300))
def test_spans_are_exact_for_arbitrary_text(text):
    assert_well_formed(text, segment(text))


@FAST
@given(NEWSY)
def test_spans_are_exact_for_news_like_text(text):
    assert_well_formed(text, segment(text))


@FAST
@given(NEWSY, NEWSY)
def test_no_span_crosses_a_blank_line(first, second):
    text = f"{first}\n \n{second}"
    boundary = len(first)
    for span in segment(text):
        assert span.end <= boundary or span.start > boundary + 2
