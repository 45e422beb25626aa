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
