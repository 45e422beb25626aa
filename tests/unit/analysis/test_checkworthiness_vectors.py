"""The check-worthiness scorer stacked on the shipped static sentence vectors (no extra needed):
the shipped file, the setting, training, and the pinned sentences and reference article."""

from __future__ import annotations

import json

import pytest

from factcheck.analysis import checkworthiness_model
from factcheck.analysis.checkworthiness_encoder import (
    ENCODER_FORMAT,
    VECTORS_MODEL_PATH,
    VECTORS_REASON,
    EncoderScorer,
    load_vectors_scorer,
)
from factcheck.analysis.checkworthiness_model import MODEL_PATH, LinearModel, select_scorer
from factcheck.analysis.checkworthiness_training import file_sha256, train
from factcheck.analysis.claim_detector import DEFAULT_THRESHOLD, ClaimDetector
from factcheck.analysis.static_vectors import static_vectors
from tests.unit.analysis.test_checkworthiness_encoder import (
    assert_reference_article_behaviour,
    misclassified_pins,
)
from tests.unit.analysis.test_checkworthiness_model import _synthetic_rows, _write_tsv


@pytest.fixture(scope="module")
def scorer() -> EncoderScorer:
    return load_vectors_scorer()


def test_the_shipped_model_is_small_json_stacked_on_the_shipped_linear_model():
    assert VECTORS_MODEL_PATH.stat().st_size < 20_000
    data = json.loads(VECTORS_MODEL_PATH.read_text(encoding="utf-8"))
    assert data["format"] == ENCODER_FORMAT
    assert data["encoder"] == static_vectors().name and len(data["weights"]) == 128
    assert data["threshold"] == DEFAULT_THRESHOLD and data["reason"] == VECTORS_REASON
    assert data["base_model"]["sha256"] == file_sha256(MODEL_PATH)


def test_the_pinned_sentences_are_classified_as_the_linear_model_does(scorer):
    assert not misclassified_pins(scorer, "checkworthy_pins.tsv")


def test_the_reference_article_keeps_its_claims_queued_and_its_opinions_and_bio_out(scorer):
    assert_reference_article_behaviour(scorer)


def test_its_reasons_keep_the_facts_and_name_the_wording_plainly(scorer):
    result = ClaimDetector(scorer=scorer).score_sentences(
        ["On March 8, State Department spokesman Ned Price said more than 80,000 lives were lost."])[0]
    assert result.is_claim
    assert "statistic: more than 80,000" in result.reasons
    assert "attributed to Ned Price" in result.reasons
    assert VECTORS_REASON in result.reasons and "overall wording (encoder)" not in result.reasons


def test_the_setting_selects_it_and_the_encoder_setting_wins(monkeypatch):
    from factcheck.services.ingest import make_detector  # noqa: PLC0415
    from factcheck.settings import Settings  # noqa: PLC0415

    monkeypatch.setattr(checkworthiness_model, "_DEFAULT", {})
    on = make_detector(Settings(_env_file=None, detector_vectors=True))
    off = make_detector(Settings(_env_file=None))
    assert isinstance(on.scorer, EncoderScorer) and on.scorer.encoder is static_vectors()
    assert isinstance(off.scorer, LinearModel)
    assert select_scorer(vectors=True) is on.scorer  # built once per process


def test_without_its_file_the_setting_falls_back_to_the_linear_model(monkeypatch, caplog, tmp_path):
    monkeypatch.setattr(checkworthiness_model, "_DEFAULT", {})
    monkeypatch.setattr("factcheck.analysis.checkworthiness_encoder.VECTORS_MODEL_PATH",
                        tmp_path / "missing.json")
    assert isinstance(select_scorer(vectors=True), LinearModel)
    assert "no static-vector" in caplog.text


def test_train_with_vectors_writes_a_stacked_model_that_loads(tmp_path):
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    base, stacked = tmp_path / "model.json", tmp_path / "vectors.json"

    report = train([data], out_path=base, folds=2, vectors_out=stacked)

    assert report.vectors is not None and report.vectors.terms == 128 and report.encoder is None
    scorer = EncoderScorer.load(stacked, base_path=base, encoder=static_vectors())
    claim, opinion = ClaimDetector(scorer=scorer).score_sentences(
        ["Unemployment rose to 9 percent in 2009.", "I think we need to work together."])
    assert claim.score > opinion.score and not opinion.is_claim


def test_the_train_command_writes_and_reports_the_static_vector_model(tmp_path):
    from typer.testing import CliRunner

    from factcheck.cli.detector import app

    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    out, stacked = tmp_path / "model.json", tmp_path / "vectors.json"
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--out", str(out),
                                      "--folds", "2", "--vectors-out", str(stacked)])
    assert result.exit_code == 0, result.output
    assert "static-vector model" in result.output and "128 dimensions" in result.output
    assert EncoderScorer.load(stacked, base_path=out, encoder=static_vectors()).meta["folds"] == 2
