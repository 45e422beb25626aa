"""The segmenter's fast path (clear sentence ends skip pySBD) agrees with pySBD where it matters."""

from __future__ import annotations

import pytest

from factcheck.analysis.segmenter import segment


def sentences(text: str) -> list[str]:
    return [text[s.start:s.end] for s in segment(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Officials met today. The talks lasted hours.",
         ["Officials met today.", "The talks lasted hours."]),
        ("Capt. Ahmed led the raid. Troops followed.", ["Capt. Ahmed led the raid.", "Troops followed."]),
        ("The firm is called Acme Corp. It makes anvils.", ["The firm is called Acme Corp.", "It makes anvils."]),
        ("Prices rose etc. Then they fell.", ["Prices rose etc.", "Then they fell."]),
        ("U.S. officials said so. Pakistan agreed.", ["U.S. officials said so.", "Pakistan agreed."]),
        ("1) The first item 2) The second item", ["1) The first item", "2) The second item"]),
        ("Was it true? Nobody knows! We checked.", ["Was it true?", "Nobody knows!", "We checked."]),
    ],
)
def test_clear_and_ambiguous_ends(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He met officials of the U.S. embassy at 10 a.m. on Monday. They left.",
         ["He met officials of the U.S. embassy at 10 a.m. on Monday.", "They left."]),
        ("Prices rose about 5 percent in Jan. last year. Then they fell.",
         ["Prices rose about 5 percent in Jan. last year.", "Then they fell."]),
        ("The talks took place in Washington D.C. The delegation left.",
         ["The talks took place in Washington D.C.", "The delegation left."]),
    ],
)
def test_abbreviations_before_lowercase_words_stay_inside_the_sentence(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('The talks began. "We won," he said.', ["The talks began.", '"We won," he said.']),
        ('He said "we won." The team left.', ['He said "we won."', "The team left."]),
        ("It rose in size. (A millionth of a meter.) When it fell, nobody noticed.",
         ["It rose in size.", "(A millionth of a meter.)", "When it fell, nobody noticed."]),
        ("The mission in Kosovo (UNMIK). Allow me to thank it.",
         ["The mission in Kosovo (UNMIK).", "Allow me to thank it."]),
        ("Turnout was 58%. At one station the queue was long.",
         ["Turnout was 58%.", "At one station the queue was long."]),
        ("Some do not know what it is. Can you explain?",
         ["Some do not know what it is.", "Can you explain?"]),
        ("The rally drew 40,000. Many more watched.", ["The rally drew 40,000.", "Many more watched."]),
        ("He met Dr. Alonda Smith and K.C. Maurer at podiobooks.com, then left. "
         "Jonathan M. Stan stayed.",
         ["He met Dr. Alonda Smith and K.C. Maurer at podiobooks.com, then left.",
          "Jonathan M. Stan stayed."]),
        ("The union (UAAR) has launched a petition for the law (2015). It failed.",
         ["The union (UAAR) has launched a petition for the law (2015).", "It failed."]),
    ],
)
def test_certain_cases_are_decided_without_pysbd(monkeypatch, text, expected):
    from factcheck.analysis import segmenter

    def fail(*_args):
        raise AssertionError("pySBD was asked")

    monkeypatch.setattr(segmenter, "_pysbd_only_starts", fail)
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # pySBD decides: list markers, "I", "U.S." before a sentence starter, times.
        ("You either a) stay or b) go. We left.", ["You either a) stay or b) go.", "We left."]),
        ("We make a good team, you and I. Did you see Albert I. Jones yesterday?",
         ["We make a good team, you and I.", "Did you see Albert I. Jones yesterday?"]),
        ("At 5 a.m. Mr. Smith went to the bank. He left the bank at 6 P.M. "
         "Mr. Smith then went home.",
         ["At 5 a.m. Mr. Smith went to the bank.", "He left the bank at 6 P.M.",
          "Mr. Smith then went home."]),
        ("(LAUGHTER) I think so.", ["(LAUGHTER)", "I think so."]),
    ],
)
def test_uncertain_cases_still_go_to_pysbd(text, expected):
    assert sentences(text) == expected
