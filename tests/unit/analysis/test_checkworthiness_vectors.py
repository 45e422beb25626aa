"""The static-vector check-worthiness scorer (no extra needed): the shipped file, the setting,
training, the read-out evaluated as scikit-learn does, and the pinned sentences and reference
article."""

from __future__ import annotations

import json

import numpy as np
import pytest

from factcheck.analysis import checkworthiness_model
from factcheck.analysis.checkworthiness_model import (
    MODEL_PATH,
    LinearModel,
    default_scorer,
    plain_word,
    select_scorer,
)
from factcheck.analysis.checkworthiness_readout import (
    READOUT_FORMAT,
    VECTORS_MODEL_PATH,
    VECTORS_REASON,
    VECTORS_REASON_AGAINST,
    ReadoutScorer,
    load_vectors_scorer,
    readout_inputs,
)
from factcheck.analysis.checkworthiness_training import file_sha256, train
from factcheck.analysis.claim_detector import DEFAULT_THRESHOLD, ClaimDetector
from factcheck.analysis.features import extract_features
from factcheck.analysis.static_vectors import static_vectors
from tests.unit.analysis.test_checkworthiness_encoder import (
    assert_reference_article_behaviour,
    misclassified_pins,
)
from tests.unit.analysis.test_checkworthiness_model import _synthetic_rows, _write_tsv


@pytest.fixture(scope="module")
def scorer() -> ReadoutScorer:
    return load_vectors_scorer()


def test_the_shipped_model_is_small_json_beside_the_shipped_linear_model():
    assert VECTORS_MODEL_PATH.stat().st_size < 400_000
    data = json.loads(VECTORS_MODEL_PATH.read_text(encoding="utf-8"))
    assert data["format"] == READOUT_FORMAT and data["vectors"] == static_vectors().name
    assert len(data["hidden"]["weights"]) == data["dimensions"] + len(data["rules"])
    assert data["threshold"] == DEFAULT_THRESHOLD and 0 < data["blend"] <= 1
    assert data["base_model"]["sha256"] == file_sha256(MODEL_PATH)


def test_the_pinned_sentences_are_classified_as_the_linear_model_does(scorer):
    assert not misclassified_pins(scorer, "checkworthy_pins.tsv")


def test_the_reference_article_keeps_its_claims_queued_and_its_opinions_and_bio_out(scorer):
    assert_reference_article_behaviour(scorer)


def overall(result) -> str:
    [reason] = [r for r in result.reasons if r.startswith("overall wording")]
    return reason


def test_its_reasons_keep_the_facts_and_name_the_wording_plainly(scorer):
    result = ClaimDetector(scorer=scorer).score_sentences(
        ["On March 8, State Department spokesman Ned Price said more than 80,000 lives were lost."])[0]
    assert result.is_claim
    assert "statistic: more than 80,000" in result.reasons
    assert "attributed to Ned Price" in result.reasons
    assert overall(result).startswith(VECTORS_REASON) and result.reasons[-1] == overall(result)


def test_the_wording_reason_says_which_way_it_pushed(scorer):
    results = ClaimDetector(scorer=scorer).score_sentences([
        "In 2019 the unemployment rate fell to 3.5 percent, the lowest in fifty years.",
        "Thank you, it is a pleasure to be here tonight with all of you."])
    assert overall(results[0]).startswith(VECTORS_REASON + " (")
    assert overall(results[1]) == VECTORS_REASON_AGAINST and not results[1].is_claim  # no words:
    # they are named for sentences scored as claims only


def brute_force_drops(scorer, text):
    """Each word's effect on the read-out, by re-encoding the sentence without it."""
    features = extract_features(text)
    words = text.split()

    def read(t):
        x = readout_inputs(scorer.vectors.encode([t]), [features.values()], scale=scorer.scale)
        return float(scorer.readout(x)[0])

    full = read(text)
    return {w: scorer.blend * (full - read(" ".join(words[:i] + words[i + 1:])))
            for i, w in enumerate(words)}, full


@pytest.mark.parametrize("text", [
    "Unemployment rose to 7.9 percent last year, the highest rate since 1983.",
    "Pakistan has lost more than 80,000 lives over the past two decades.",
    "The senator voted against the bill 14 times between 2003 and 2008, records show.",
])
def test_the_named_words_are_those_whose_removal_moves_the_read_out_most(scorer, text):
    drops, full = brute_force_drops(scorer, text)
    features = extract_features(text)
    x = readout_inputs(scorer.vectors.encode([text]), [features.values()], scale=scorer.scale)
    raw, pre = scorer._readout(x)
    assert float(raw[0]) == pytest.approx(full)
    named = scorer.driving_words(text, pre[0], float(raw[0]), True)
    expected = [w.strip(".,").lower() for w, d in sorted(drops.items(), key=lambda kv: -kv[1])
                if d >= 0.1 and not plain_word(w.strip(".,"))][:2]
    assert named and named == expected


def test_a_one_word_sentence_names_no_words(scorer):
    features = extract_features("Yes.")
    x = readout_inputs(scorer.vectors.encode(["Yes."]), [features.values()], scale=scorer.scale)
    raw, pre = scorer._readout(x)
    assert scorer.driving_words("Yes.", pre[0], float(raw[0]), True) == []


def test_it_is_the_default_and_the_setting_turns_it_off(monkeypatch):
    from factcheck.services.ingest import make_detector  # noqa: PLC0415
    from factcheck.settings import Settings  # noqa: PLC0415

    monkeypatch.setattr(checkworthiness_model, "_DEFAULT", {})
    on = make_detector(Settings(_env_file=None))
    off = make_detector(Settings(_env_file=None, detector_vectors=False))
    assert isinstance(on.scorer, ReadoutScorer) and on.scorer.vectors is static_vectors()
    assert isinstance(off.scorer, LinearModel)
    assert select_scorer() is on.scorer is default_scorer()  # the default, built once per process
    assert ClaimDetector().scorer is on.scorer


def test_without_its_file_the_setting_falls_back_to_the_linear_model(monkeypatch, caplog, tmp_path):
    monkeypatch.setattr(checkworthiness_model, "_DEFAULT", {})
    monkeypatch.setattr("factcheck.analysis.checkworthiness_readout.VECTORS_MODEL_PATH",
                        tmp_path / "missing.json")
    assert isinstance(select_scorer(vectors=True), LinearModel)
    assert "no static-vector" in caplog.text


def test_a_model_beside_another_linear_model_is_refused_and_the_setting_falls_back(
        monkeypatch, caplog, tmp_path):
    other = tmp_path / "other.json"
    other.write_text(MODEL_PATH.read_text(encoding="utf-8").replace('"seed":0', '"seed":1', 1),
                     encoding="utf-8")
    with pytest.raises(ValueError, match="retrain both"):
        ReadoutScorer.load(VECTORS_MODEL_PATH, base_path=other)
    monkeypatch.setattr(checkworthiness_model, "_DEFAULT", {})
    monkeypatch.setattr("factcheck.analysis.checkworthiness_readout.MODEL_PATH", other)
    assert load_vectors_scorer() is None and "retrain both" in caplog.text


def test_a_file_that_is_not_a_read_out_is_refused_as_such():
    with pytest.raises(ValueError, match="is not a factcheck-checkworthiness-readout/1 model"):
        ReadoutScorer.load(MODEL_PATH)


def test_the_read_out_is_scikit_learns_network_evaluated_in_numpy(tmp_path):
    from sklearn.neural_network import MLPClassifier  # noqa: PLC0415

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    y = x[:, 0] + x[:, 1] * x[:, 2] > 0
    net = MLPClassifier((7,), solver="lbfgs", max_iter=5000, random_state=0).fit(x, y)
    data = json.loads(VECTORS_MODEL_PATH.read_text(encoding="utf-8"))
    scorer = ReadoutScorer(data, base=LinearModel.load(), vectors=static_vectors())
    scorer.hidden_weights, scorer.hidden_bias = net.coefs_[0], net.intercepts_[0]
    scorer.output_weights, scorer.output_bias = net.coefs_[1][:, 0], float(net.intercepts_[1][0])
    assert np.allclose(1 / (1 + np.exp(-scorer.readout(x))), net.predict_proba(x)[:, 1], atol=1e-9)


def test_read_out_inputs_put_the_rules_in_their_columns():
    x = readout_inputs(np.array([[0.6, 0.8]]), [["b", "z"]], scale=4.0, rules=["a", "b"])
    assert x.tolist() == [[2.4, 3.2, 0.0, 1.0]]


def test_train_with_vectors_writes_a_model_that_loads(tmp_path):
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    base, readout = tmp_path / "model.json", tmp_path / "vectors.json"

    report = train([data], out_path=base, folds=2, vectors_out=readout)

    assert report.vectors is not None and report.vectors.terms == 128 and report.encoder is None
    assert report.blocked_f1 is not None and report.vectors.blocked_f1 is not None
    scorer = ReadoutScorer.load(readout, base_path=base)
    claim, opinion = ClaimDetector(scorer=scorer).score_sentences(
        ["Unemployment rose to 9 percent in 2009.", "I think we need to work together."])
    assert claim.score > opinion.score and not opinion.is_claim


def test_the_train_command_writes_and_reports_the_static_vector_model(tmp_path):
    from typer.testing import CliRunner

    from factcheck.cli.detector import app

    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    out, readout = tmp_path / "model.json", tmp_path / "vectors.json"
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--out", str(out),
                                      "--folds", "2", "--vectors-out", str(readout)])
    assert result.exit_code == 0, result.output
    assert "static-vector model" in result.output and "128 hidden units" in result.output
    assert "held-out debates" in result.output
    assert ReadoutScorer.load(readout, base_path=out).meta["folds"] == 2
