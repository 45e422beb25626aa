import datetime as dt
from pathlib import Path

import pytest

from factcheck.analysis.checkworthiness_model import (
    VECTORS_REASON,
    RuleScorer,
    Scored,
    default_scorer,
)
from factcheck.analysis.claim_detector import (
    DEFAULT_THRESHOLD,
    ClaimDetector,
    FactSpan,
    SentenceResult,
)
from factcheck.analysis.features import extract_features

PUBLISHED = dt.date(2023, 3, 20)
REFERENCE = (Path(__file__).parent / "fixtures" / "reference_article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reference_results():
    return ClaimDetector().detect(REFERENCE, published_at=PUBLISHED)


def result_containing(results, needle):
    return next(r for r in results if needle in r.text)


def facts_of(result):
    return {(f.kind, f.text, f.value) for f in result.facts}


class TestReferenceArticle:
    def test_it_queues_the_briefing_by_ned_price_with_its_date(self, reference_results):
        r = result_containing(reference_results, "March 8")
        assert r.is_claim
        assert ("date", "March 8", "2023-03-08") in facts_of(r)
        assert ("person", "Ned Price", None) in facts_of(r)
        assert {"date", "event"} <= set(r.kinds)

    def test_it_queues_the_80000_lives_over_two_decades(self, reference_results):
        r = result_containing(reference_results, "80,000")
        assert r.is_claim
        assert ("quantity", "more than 80,000", ">80000") in facts_of(r)
        assert ("quantity", "two decades", "20 years") in facts_of(r)
        assert "statistic: more than 80,000" in r.reasons

    def test_it_queues_the_abbottabad_raid(self, reference_results):
        r = result_containing(reference_results, "Abbottabad")
        assert r.is_claim
        assert ("year", "2011", "2011") in facts_of(r)
        assert ("place", "Abbottabad", "Abbottabad, Pakistan") in facts_of(r)
        assert ("person", "Osama bin Laden", None) in facts_of(r)

    @pytest.mark.parametrize("needle", ["Peshawar mosque", "Khyber Pakhtunkhwa provinces",
                                        "Islamic State – Khorasan Province"])
    def test_it_queues_the_attacks_and_the_groups(self, reference_results, needle):
        assert result_containing(reference_results, needle).is_claim

    def test_it_names_the_groups_with_their_acronyms(self, reference_results):
        r = result_containing(reference_results, "Tehrik-i-Taliban")
        values = {f.value for f in r.facts if f.kind == "organization"}
        assert {"TTP", "BLA", "ISKP"} <= values

    def test_it_does_not_queue_pure_opinion(self, reference_results):
        r = result_containing(reference_results, "need to engage in an honest dialogue")
        assert not r.is_claim
        assert any(reason.startswith("opinion: need to") for reason in r.reasons)

    def test_the_author_bio_scores_low(self, reference_results):
        bio = REFERENCE[REFERENCE.index("Abdul Mussawer Safi is"):]
        bio_results = [r for r in reference_results if r.text in bio]
        assert len(bio_results) == 4
        assert all(r.score < DEFAULT_THRESHOLD for r in bio_results)

    def test_every_offset_indexes_the_article(self, reference_results):
        for r in reference_results:
            assert REFERENCE[r.start:r.end] == r.text
            for f in r.facts:
                assert REFERENCE[f.start:f.end] == f.text
        assert [r.index for r in reference_results] == list(range(len(reference_results)))


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("On March 8, spokesperson Ned Price said the two countries held talks.", "date: March 8"),
        ("On March 8, spokesperson Ned Price said the two countries held talks.",
         "attributed to Ned Price"),
        ("Militants killed 12 soldiers in a raid near Quetta on Sunday.", "event: killed"),
        ("Unemployment rose to 7.5 percent last year.", "statistic: 7.5 percent"),
    ],
)
def test_claims_are_queued_with_reasons(sentence, reason):
    [r] = ClaimDetector().score_sentences([sentence], published_at=PUBLISHED)
    assert r.is_claim
    assert reason in r.reasons


@pytest.mark.parametrize(
    "sentence",
    [
        "Both governments need to engage in an honest dialogue.",
        "I think we should do better for our children.",
        "Is this really the country we want to be?",
        "Thank you very much, and good evening.",
        "She is an author and a student of international relations.",
    ],
)
def test_opinion_questions_and_bios_are_not_queued(sentence):
    [r] = ClaimDetector().score_sentences([sentence])
    assert not r.is_claim


def test_to_dict_has_exactly_the_contract_fields():
    [r] = ClaimDetector().score_sentences(["In 2011 the raid killed 3 people in Abbottabad."])
    d = r.to_dict()
    assert list(d) == ["index", "start", "end", "text", "score", "is_claim", "kinds", "facts",
                       "reasons"]
    assert d["score"] == round(r.score, 4)
    assert isinstance(d["kinds"], list) and isinstance(d["reasons"], list)
    assert set(d["facts"][0]) == {"kind", "text", "start", "end", "value"}


def test_results_are_frozen_and_typed():
    [r] = ClaimDetector().score_sentences(["In 2011 the raid killed 3 people."])
    assert isinstance(r, SentenceResult) and all(isinstance(f, FactSpan) for f in r.facts)
    assert isinstance(r.kinds, tuple) and isinstance(r.reasons, tuple)
    with pytest.raises(AttributeError):
        r.score = 1.0  # type: ignore[misc]


def test_detect_lines_scores_each_non_blank_line_with_absolute_offsets():
    text = "  First, 40 people died in 2020.\n\n\tWe must act now.  \nIn March prices rose 5%.\n"
    results = ClaimDetector().detect_lines(text, published_at=PUBLISHED)
    assert [r.text for r in results] == ["First, 40 people died in 2020.", "We must act now.",
                                         "In March prices rose 5%."]
    for r in results:
        assert text[r.start:r.end] == r.text
        for f in r.facts:
            assert text[f.start:f.end] == f.text


def test_score_sentences_offsets_are_relative_to_each_sentence():
    sentence = "   Turnout was 61.5% in 2019.  "
    [r] = ClaimDetector().score_sentences([sentence])
    assert (r.start, r.end, r.text) == (3, 29, "Turnout was 61.5% in 2019.")
    for f in r.facts:
        assert sentence[f.start:f.end] == f.text


def test_is_claim_follows_the_threshold():
    sentence = ["The two countries held talks."]
    [low] = ClaimDetector(threshold=0.0).score_sentences(sentence)
    [high] = ClaimDetector(threshold=1.01).score_sentences(sentence)
    assert low.is_claim and not high.is_claim
    assert 0.0 <= low.score <= 1.0


def test_empty_input_gives_no_sentences():
    assert ClaimDetector().detect_lines("\n  \n") == []
    assert ClaimDetector().score_sentences([]) == []


def test_the_default_scorer_is_built_once_per_process():
    assert default_scorer() is default_scorer()
    assert ClaimDetector().scorer is ClaimDetector().scorer


def test_an_overall_wording_reason_comes_after_the_named_ones_and_takes_no_place():
    class Read:
        def score(self, features):
            named = tuple((f"reason {i}", 1.0 / (i + 2)) for i in range(8))
            return Scored(0.9, ((VECTORS_REASON, 2.0), *named))

    [result] = ClaimDetector(scorer=Read()).score_sentences(["Prices rose 5 percent."])
    assert result.reasons == (*(f"reason {i}" for i in range(6)), VECTORS_REASON)


def test_a_scorer_can_be_swapped_in():
    class Always:
        def score(self, features):
            return Scored(0.9, (("always", 1.0),))

    [r] = ClaimDetector(scorer=Always()).score_sentences(["Hello."])
    assert r.is_claim and r.reasons == ("always",)


def test_the_rule_scorer_explains_itself():
    [r] = ClaimDetector(scorer=RuleScorer()).score_sentences(
        ["Pakistan has lost more than 80,000 lives, which is undoubtedly a high price."])
    assert "statistic: more than 80,000" in r.reasons
    assert "evaluative: undoubtedly" in r.reasons


@pytest.mark.parametrize(("sentence", "number"), [
    ("On March 8, the talks began.", "8"),
    ("More than 80,000. That is the toll.", "80,000"),
    ("Rates rose 7.5 percent.", "7.5"),
])
def test_the_number_reason_names_the_number_without_the_punctuation_after_it(sentence, number):
    features = extract_features(sentence)
    assert features.reason("shape:digit") == f"contains a number: {number}"
