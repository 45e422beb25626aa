"""The optional encoder scorer: its arithmetic and reasons (with a stand-in encoder), the shipped
file, the fallback without the extra, and pinned sentences (with the real encoder).

Tests that need the real encoder are skipped with a message where the `encoder` extra is not
installed; CI installs it, so there a missing encoder is a failure.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import numpy as np
import pytest

from factcheck.analysis import checkworthiness_encoder, checkworthiness_model
from factcheck.analysis.checkworthiness_encoder import (
    ENCODER_FORMAT,
    ENCODER_MODEL_PATH,
    ENCODER_REASON,
    EncoderScorer,
)
from factcheck.analysis.checkworthiness_model import (
    MODEL_PATH,
    default_scorer,
    linear_scorer,
    select_scorer,
)
from factcheck.analysis.checkworthiness_training import file_sha256, train
from factcheck.analysis.claim_detector import DEFAULT_THRESHOLD, ClaimDetector
from factcheck.analysis.features import extract_features
from factcheck.analysis.sentence_encoder import DIMENSIONS, MODEL_NAME, encoder_installed
from tests.unit.analysis.test_checkworthiness_model import _synthetic_rows, _write_tsv

FIXTURES = Path(__file__).parent / "fixtures"


class StandInEncoder:
    """Unit vectors along axis 0 for sentences mentioning 'tariff', axis 1 otherwise."""

    name, dimensions = MODEL_NAME, DIMENSIONS

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts):
        self.calls.append(len(texts))
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row, 0 if "tariff" in text else 1] = 1.0
        return vectors


def stand_in_data(**overrides):
    weights = [0.0] * DIMENSIONS
    weights[0] = 3.0
    data = {"format": ENCODER_FORMAT, "encoder": MODEL_NAME, "dimensions": DIMENSIONS,
            "weights": weights, "center": 1.0, "base_weight": 0.5, "bias": 0.0,
            "slope": 1.0, "offset": 0.0, "min_encoder_reason": 0.3}
    return data | overrides


@pytest.fixture
def stand_in():
    encoder = StandInEncoder()
    return EncoderScorer(stand_in_data(), base=linear_scorer(), encoder=encoder), encoder


def test_the_score_stacks_the_linear_logit_and_the_embedding(stand_in):
    scorer, _ = stand_in
    features = extract_features("The tariff rose to 25 percent in 2019.")
    z_base, _ = scorer.base.logit(features)
    expected = checkworthiness_model.sigmoid(0.5 * z_base + (3.0 - 1.0))
    assert scorer.score(features).score == pytest.approx(expected)


def test_the_reasons_keep_the_rules_and_name_the_encoder_once(stand_in):
    scorer, _ = stand_in
    scored = scorer.score(extract_features("The tariff rose to 25 percent in 2019."))
    reasons = [reason for reason, _ in scored.contributions]
    assert "statistic: 25 percent" in reasons
    assert reasons.count(ENCODER_REASON) == 1
    weights = [w for _, w in scored.contributions]
    assert weights == sorted(weights, key=lambda w: -abs(w))


def test_a_weak_encoder_part_gives_no_encoder_reason(stand_in):
    scorer, _ = stand_in
    scorer.center = 2.9  # the embedding's part is now 3.0 - 2.9 = 0.1, below min_encoder_reason
    scored = scorer.score(extract_features("The tariff rose to 25 percent in 2019."))
    assert ENCODER_REASON not in [reason for reason, _ in scored.contributions]


def test_a_batch_scores_like_one_at_a_time_with_one_encoder_call(stand_in):
    scorer, encoder = stand_in
    features = [extract_features(s) for s in ("The tariff rose to 25 percent in 2019.",
                                               "I think we need to do better.", "Thank you.")]
    batch = scorer.score_batch(features)
    assert encoder.calls == [3]
    assert batch == [scorer.score(f) for f in features]
    assert scorer.score_batch([]) == []


def test_the_detector_scores_through_the_batch_path(stand_in):
    scorer, encoder = stand_in
    results = ClaimDetector(scorer=scorer).score_sentences(
        ["The tariff rose to 25 percent in 2019.", "I think we need to do better."])
    assert encoder.calls == [2]
    assert results[0].is_claim and not results[1].is_claim
    assert ENCODER_REASON in results[0].reasons


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"format": "something else"}, "not a"), ({"encoder": "another-model"}, "trained on")],
)
def test_a_file_for_another_format_or_encoder_is_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        EncoderScorer(stand_in_data(**overrides), base=linear_scorer(), encoder=StandInEncoder())


def test_a_model_stacked_on_another_linear_model_is_refused(tmp_path):
    path = tmp_path / "encoder.json"
    path.write_text(json.dumps(stand_in_data(base_model={"sha256": "0" * 64})), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        EncoderScorer.load(path, encoder=StandInEncoder())


def test_the_shipped_encoder_model_is_small_json_stacked_on_the_shipped_linear_model():
    assert ENCODER_MODEL_PATH.stat().st_size < 100_000
    data = json.loads(ENCODER_MODEL_PATH.read_text(encoding="utf-8"))
    assert data["format"] == ENCODER_FORMAT
    assert data["encoder"] == MODEL_NAME and len(data["weights"]) == DIMENSIONS
    assert data["threshold"] == DEFAULT_THRESHOLD
    assert data["base_model"]["sha256"] == file_sha256(MODEL_PATH)


def test_without_the_extra_the_setting_falls_back_to_the_default_scorer(monkeypatch, caplog):
    monkeypatch.setattr(checkworthiness_model, "_DEFAULT", {})
    monkeypatch.setattr("factcheck.analysis.sentence_encoder.encoder_installed", lambda: False)
    assert select_scorer(encoder=True) is default_scorer()
    assert "not installed" in caplog.text
    assert select_scorer(encoder=True, vectors=False) is linear_scorer()
    assert select_scorer(encoder=False) is default_scorer()


# --- with the real encoder ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def encoder_scorer():
    if not encoder_installed():
        if os.environ.get("CI"):
            pytest.fail("CI must run the encoder tests: `make encoder` installs the extra",
                        pytrace=False)
        pytest.skip("the `encoder` extra is not installed (make encoder)")
    return checkworthiness_encoder.EncoderScorer.load()


def misclassified_pins(scorer, fixture: str = "checkworthy_encoder_pins.tsv") -> list:
    """The pinned sentences (text, label) a scorer gets wrong, with its score and reasons."""
    with (FIXTURES / fixture).open(encoding="utf-8", newline="") as f:
        sentences, labels = zip(*[(row["text"], row["label"] == "Yes")
                                  for row in csv.DictReader(f, delimiter="\t")])
    results = ClaimDetector(scorer=scorer).score_sentences(list(sentences))
    return [(r.text, round(r.score, 3), r.reasons) for r, label in zip(results, labels)
            if r.is_claim is not label]


def test_the_encoder_scorer_classifies_the_pinned_sentences(encoder_scorer):
    assert not misclassified_pins(encoder_scorer)


def test_the_encoder_scorer_keeps_the_reference_article_behaviour(encoder_scorer):
    assert_reference_article_behaviour(encoder_scorer)


def assert_reference_article_behaviour(scorer) -> None:
    """The reference article's claims queued; its opinion sentence and the author's bio not."""
    text = (FIXTURES / "reference_article.txt").read_text(encoding="utf-8")
    results = ClaimDetector(scorer=scorer).detect(text, published_at=dt.date(2023, 3, 20))

    def queued(needle):
        return next(r for r in results if needle in r.text).is_claim

    for needle in ("March 8", "80,000", "Abbottabad", "Peshawar mosque",
                   "Khyber Pakhtunkhwa provinces"):
        assert queued(needle), needle
    assert not queued("need to engage in an honest dialogue")
    bio = text[text.index("Abdul Mussawer Safi is"):]
    assert not any(r.is_claim for r in results if r.text in bio)


def test_select_scorer_gives_the_encoder_scorer_when_the_extra_is_installed(encoder_scorer,
                                                                             monkeypatch):
    monkeypatch.setattr(checkworthiness_model, "_DEFAULT", {})
    assert isinstance(select_scorer(encoder=True), EncoderScorer)


def test_train_with_the_encoder_writes_a_stacked_model_that_loads(encoder_scorer, tmp_path):
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    base, stacked = tmp_path / "model.json", tmp_path / "encoder.json"

    report = train([data], out_path=base, folds=2, encoder_out=stacked)

    assert report.encoder is not None and report.encoder.terms == DIMENSIONS
    assert report.encoder.size_bytes == stacked.stat().st_size
    scorer = EncoderScorer.load(stacked, base_path=base)
    claim, opinion = ClaimDetector(scorer=scorer).score_sentences(
        ["Unemployment rose to 9 percent in 2009.", "I think we need to work together."])
    assert claim.score > opinion.score and not opinion.is_claim


def test_the_setting_makes_every_detector_of_the_product_use_the_encoder(encoder_scorer,
                                                                          monkeypatch):
    from factcheck.services.ingest import make_detector  # noqa: PLC0415
    from factcheck.settings import Settings  # noqa: PLC0415

    monkeypatch.setattr(checkworthiness_model, "_DEFAULT", {})
    on = make_detector(Settings(_env_file=None, detector_encoder=True, claim_threshold=0.6))
    off = make_detector(Settings(_env_file=None))
    assert isinstance(on.scorer, EncoderScorer) and on.threshold == 0.6
    assert off.scorer is default_scorer() and off.threshold == DEFAULT_THRESHOLD
