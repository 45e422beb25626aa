"""The read-out scorer over the optional encoder: its arithmetic and reasons (with a stand-in
encoder), the shipped file, the fallback without the extra, and pinned sentences (with the real
encoder).

Tests that need the real encoder are skipped with a message where the `encoder` extra is not
installed; CI installs it, so there a missing encoder is a failure.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from factcheck.analysis import checkworthiness_model
from factcheck.analysis.checkworthiness_model import (
    ENCODER_REASON,
    ENCODER_REASON_AGAINST,
    MODEL_PATH,
    default_scorer,
    linear_scorer,
    select_scorer,
)
from factcheck.analysis.checkworthiness_readout import (
    ENCODER_MODEL_PATH,
    READOUT_FORMAT,
    ReadoutScorer,
    load_encoder_scorer,
)
from factcheck.analysis.checkworthiness_training import file_sha256, train
from factcheck.analysis.claim_detector import DEFAULT_THRESHOLD, ClaimDetector
from factcheck.analysis.features import extract_features
from factcheck.analysis.sentence_encoder import DIMENSIONS, MODEL_NAME
from tests.extras import require_encoder
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
    """A read-out whose logit is 3 for 'tariff' sentences and 0 otherwise (no rule columns)."""
    hidden = np.zeros((DIMENSIONS, 2))
    hidden[0, 0] = 1.0
    data = {"format": READOUT_FORMAT, "vectors": MODEL_NAME, "dimensions": DIMENSIONS,
            "rules": [], "scale": 1.0, "hidden": {"weights": hidden.tolist(), "bias": [0.0, 0.0]},
            "output": {"weights": [3.0, 0.0], "bias": 0.0}, "blend": 0.5, "center": 1.0,
            "slope": 1.0, "offset": 0.0, "min_reason": 0.3,
            "reasons": [ENCODER_REASON, ENCODER_REASON_AGAINST]}
    return data | overrides


@pytest.fixture
def stand_in():
    encoder = StandInEncoder()
    return ReadoutScorer(stand_in_data(), base=linear_scorer(), vectors=encoder), encoder


def test_the_score_adds_the_blended_read_out_to_the_linear_logit(stand_in):
    scorer, _ = stand_in
    for sentence, moved in (("The tariff rose to 25 percent in 2019.", 0.5 * (3.0 - 1.0)),
                            ("Inflation rose to 5 percent in 2019.", 0.5 * (0.0 - 1.0))):
        features = extract_features(sentence)
        z_base, _ = scorer.base.logit(features)
        assert scorer.score(features).score == pytest.approx(
            checkworthiness_model.sigmoid(z_base + moved))


def test_the_reasons_keep_the_rules_and_say_once_which_way_the_encoder_pushed(stand_in):
    scorer, _ = stand_in
    scored = scorer.score(extract_features("The tariff rose to 25 percent in 2019."))
    reasons = [reason for reason, _ in scored.contributions]
    assert "statistic: 25 percent" in reasons
    assert reasons.count(ENCODER_REASON) == 1 and ENCODER_REASON_AGAINST not in reasons
    weights = [w for _, w in scored.contributions]
    assert weights == sorted(weights, key=lambda w: -abs(w))
    against = scorer.score(extract_features("Inflation rose to 5 percent in 2019."))
    assert ENCODER_REASON_AGAINST in [reason for reason, _ in against.contributions]


def test_a_weak_read_out_gives_no_encoder_reason(stand_in):
    scorer, _ = stand_in
    scorer.center = 2.9  # the read-out's part is now 0.5 · (3.0 - 2.9), below min_reason
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
    [({"format": "something else"}, "not a"), ({"vectors": "another-model"}, "trained on"),
     ({"output": {"weights": [3.0], "bias": 0.0}}, "shapes")],
)
def test_a_file_for_another_format_encoder_or_shape_is_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        ReadoutScorer(stand_in_data(**overrides), base=linear_scorer(), vectors=StandInEncoder())


def test_a_model_trained_beside_another_linear_model_is_refused(tmp_path):
    path = tmp_path / "encoder.json"
    path.write_text(json.dumps(stand_in_data(base_model={"sha256": "0" * 64})), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        ReadoutScorer.load(path, vectors=StandInEncoder())


def test_the_shipped_encoder_model_is_json_beside_the_shipped_linear_model():
    assert ENCODER_MODEL_PATH.stat().st_size < 1_000_000
    data = json.loads(ENCODER_MODEL_PATH.read_text(encoding="utf-8"))
    assert data["format"] == READOUT_FORMAT
    assert data["vectors"] == MODEL_NAME and data["dimensions"] == DIMENSIONS
    assert len(data["hidden"]["weights"]) == DIMENSIONS + len(data["rules"])
    assert data["threshold"] == DEFAULT_THRESHOLD
    assert data["reasons"] == [ENCODER_REASON, ENCODER_REASON_AGAINST]
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
    require_encoder()
    scorer = load_encoder_scorer()
    assert scorer is not None, "the shipped encoder model did not load (see the log)"
    return scorer


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
    scorer = select_scorer(encoder=True)
    assert isinstance(scorer, ReadoutScorer) and scorer.vectors.name == MODEL_NAME


def test_train_with_the_encoder_writes_a_read_out_that_loads(encoder_scorer, tmp_path):
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    base, readout = tmp_path / "model.json", tmp_path / "encoder.json"

    report = train([data], out_path=base, folds=2, encoder_out=readout)

    assert report.encoder is not None and report.encoder.terms == 128
    assert report.encoder.size_bytes == readout.stat().st_size
    scorer = ReadoutScorer.load(readout, base_path=base, vectors=encoder_scorer.vectors)
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
    assert on.scorer.vectors is encoder_scorer.vectors and on.threshold == 0.6
    assert off.scorer is default_scorer() and off.threshold == DEFAULT_THRESHOLD
