import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.analysis.facts import extract_facts, parse_number

PUBLISHED = dt.date(2023, 3, 20)


def facts_of(text, published_at=PUBLISHED):
    return [(f.kind, f.text, f.value) for f in extract_facts(text, published_at=published_at)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("On March 8, the spokesman spoke.", ("date", "March 8", "2023-03-08")),
        ("It happened on 8 March 2021.", ("date", "8 March 2021", "2021-03-08")),
        ("The vote was on November 5.", ("date", "November 5", "2022-11-05")),
        ("Talks were held in March.", ("date", "March", "2023-03")),
        ("Prices peaked in May 2019.", ("date", "May 2019", "2019-05")),
        ("The report is dated 2022-12-01.", ("date", "2022-12-01", "2022-12-01")),
        ("They met yesterday.", ("date", "yesterday", "2023-03-19")),
        ("They met on Tuesday.", ("date", "Tuesday", "2023-03-14")),
        ("Sales fell last year.", ("year", "last year", "2022")),
        ("The raid took place in 2011.", ("year", "2011", "2011")),
        ("Crime rose in the 1990s.", ("year", "the 1990s", "1990s")),
        ("The blast came at 3 p.m. local time.", ("time", "3 p.m.", "15:00")),
        ("The country lost more than 80,000 lives.", ("quantity", "more than 80,000", ">80000")),
        ("Over the past two decades it grew.", ("quantity", "two decades", "20 years")),
        ("It employs 2.5 million people.", ("quantity", "2.5 million", "2500000")),
        ("At least 300 people were hurt.", ("quantity", "At least 300", ">=300")),
        ("About a dozen shops closed.", ("quantity", "About a dozen", "~12")),
        ("The road is 40 km long.", ("quantity", "40 km", "40 km")),
        ("Unemployment is 35 percent.", ("percentage", "35 percent", "35%")),
        ("Turnout was 61.5%.", ("percentage", "61.5%", "61.5%")),
        ("Support fell by nearly 4 percentage points.",
         ("percentage", "nearly 4 percentage points", "~4 percentage points")),
        ("Half of all voters stayed home.", ("percentage", "Half", "~50%")),
        ("The US pledged $2 billion in aid.", ("money", "$2 billion", "USD 2000000000")),
        ("It cost £5.5m to build.", ("money", "£5.5m", "GBP 5500000")),
        ("They paid under $40,000 a year.", ("money", "under $40,000", "USD <40000")),
        ("The fine was 300 million euros.", ("money", "300 million euros", "EUR 300000000")),
        ("It was the third attack this month.", ("ordinal", "third", "3")),
        ("He finished 22nd.", ("ordinal", "22nd", "22")),
        ("Three ministers resigned.", ("number", "Three", "3")),
    ],
)
def test_it_extracts_a_typed_normalised_fact(sentence, expected):
    assert expected in facts_of(sentence)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Spokesperson Ned Price addressed a briefing.", ("person", "Ned Price", None)),
        ("The raid led to the killing of Osama bin Laden.", ("person", "Osama bin Laden", None)),
        ("According to Price, terrorism is global.", ("person", "Price", None)),
        ("President Biden visited Kyiv.", ("person", "Biden", None)),
        ("Forces raided a compound in Abbottabad.", ("place", "Abbottabad", "Abbottabad, Pakistan")),
        ("Attacks hit Khyber Pakhtunkhwa again.",
         ("place", "Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa, Pakistan")),
        ("Pakistan and the U.S. held talks.", ("place", "U.S.", "United States")),
        ("Pakistan and the U.S. held talks.", ("place", "Pakistan", "Pakistan")),
        ("The Tehrik-i-Taliban Pakistan claimed it.", ("organization", "Tehrik-i-Taliban Pakistan", "TTP")),
        ("The TTP and the BLA claimed it.", ("organization", "BLA", "BLA")),
        ("Officials blamed ISKP for the blast.", ("organization", "ISKP", "ISKP")),
        ("He studies at National Defense University.",
         ("organization", "National Defense University", None)),
    ],
)
def test_it_finds_named_entities(sentence, expected):
    assert expected in facts_of(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "No one knows what may happen next.",
        "One of the reasons is simple.",
        "They said it was a second chance.",
    ],
)
def test_it_finds_no_numeric_fact_in_ordinary_words(sentence):
    kinds = {kind for kind, _, _ in facts_of(sentence)}
    assert not kinds & {"date", "quantity", "number", "ordinal", "year"}


def test_a_count_of_things_is_not_a_year():
    assert ("quantity", "2000", "2000") in facts_of("We hired 2000 workers.")


def test_dates_without_a_publication_date_keep_an_unknown_year():
    assert ("date", "March 8", "--03-08") in facts_of("On March 8 they met.", published_at=None)


def test_fact_offsets_index_the_sentence_exactly():
    text = "On March 8, Ned Price said Pakistan lost more than 80,000 lives since 2001."
    facts = extract_facts(text, published_at=PUBLISHED)
    assert len(facts) >= 5
    for fact in facts:
        assert text[fact.start:fact.end] == fact.text
    assert [f.start for f in facts] == sorted(f.start for f in facts)


@pytest.mark.parametrize(
    ("text", "value"),
    [("80,000", 80000), ("two", 2), ("twenty-five", 25), ("2.5 billion", 2.5e9),
     ("a dozen", 12), ("three hundred thousand", 300000), ("lives", None)],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


_PIECES = ["March 8", "2011", "$2 billion", "35%", "more than 80,000", "two decades", "third",
           "Ned Price said", "Pakistan", "U.S.", "TTP", "İstanbul", "ß", "\n", " ", ",", "’s",
           "May", "at 3 p.m.", "half of", "Osama bin Laden", "1990s"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=8)), max_size=12))
def test_facts_always_index_the_text_and_never_overlap(pieces):
    text = " ".join(pieces)
    facts = extract_facts(text, published_at=PUBLISHED)
    for fact in facts:
        assert text[fact.start:fact.end] == fact.text and fact.start < fact.end
    for a, b in zip(facts, facts[1:]):
        assert a.end <= b.start
