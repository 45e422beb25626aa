"""The cheap tests that let a sentence skip an extractor answer as the original regexes did."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factcheck.analysis.facts import _mentions_date
from factcheck.analysis.quantities import _MONEY_HINT, _mentions_money, has_digit

# The single regex _mentions_date replaced.
DATE_HINT = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|\d[-/]\d|day\b|"
                       r"\b(?:[Ll]ast|[Tt]his|[Nn]ext) |[Tt]omorrow|\d0s\b")

SAMPLES = [
    "", "On March 8, the spokesman spoke.", "They met Tuesday", "today", "Today's talks",
    "days later", "Monday-Friday", "last  week", "This week", "next", "Tomorrow", "tomorrows",
    "in 3/4 of cases", "the 1990s", "the 90s crowd", "Marching on", "mayday", "birthday!",
    "He paid $5.", "USD100", "usd 5", "Rs. 500", "the yen rose", "yen-denominated", "petrodollars",
    "EUROPE", "Euros", "rs", "pounds sterling", "ROUBLES", "5 € only", "₹ 40", "Ｒs 5", "ℝs",
    "about 40 percent", "٣ apples", "² squared", "no digits here",
]
TEXT = st.text(alphabet=st.sampled_from(list("abcdeiklmnorstuyADEGJMNRSTUY $£€¥₹ -/0123459'.²٣ſK")),
               max_size=40)


@pytest.mark.parametrize("text", SAMPLES)
def test_the_gates_agree_with_the_original_tests(text):
    assert _mentions_date(text) == bool(DATE_HINT.search(text))
    assert _mentions_money(text) == bool(_MONEY_HINT.search(text))
    assert has_digit(text) == any(c.isdigit() for c in text)


@given(TEXT)
def test_the_gates_agree_on_generated_text(text):
    assert _mentions_date(text) == bool(DATE_HINT.search(text))
    assert _mentions_money(text) == bool(_MONEY_HINT.search(text))
    assert has_digit(text) == any(c.isdigit() for c in text)
