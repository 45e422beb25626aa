import csv
import json
from pathlib import Path

import pytest

from factcheck.analysis.checkworthiness_model import (
    MODEL_FORMAT,
    MODEL_PATH,
    LinearModel,
    linear_scorer,
    shown_term,
    word_ngrams,
)
from factcheck.analysis.checkworthiness_training import read_labelled, train
from factcheck.analysis.claim_detector import DEFAULT_THRESHOLD, ClaimDetector
from factcheck.analysis.features import extract_features

FIXTURES = Path(__file__).parent / "fixtures"


def pins():
    with (FIXTURES / "checkworthy_pins.tsv").open(encoding="utf-8", newline="") as f:
        return [(row["text"], row["label"] == "Yes") for row in csv.DictReader(f, delimiter="\t")]


@pytest.mark.parametrize(("sentence", "check_worthy"), pins())
def test_the_shipped_model_classifies_the_pinned_sentences(sentence, check_worthy):
    [result] = ClaimDetector().score_sentences([sentence])
    assert result.is_claim is check_worthy, (result.score, result.reasons)


def test_the_shipped_model_is_a_small_json_file():
    assert MODEL_PATH.stat().st_size < 5_000_000
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["format"] == MODEL_FORMAT
    assert data["threshold"] == DEFAULT_THRESHOLD
    assert isinstance(linear_scorer(), LinearModel)


def test_the_linear_model_alone_classifies_the_pinned_sentences():
    results = ClaimDetector(scorer=linear_scorer()).score_sentences([s for s, _ in pins()])
    assert [(r.text, r.is_claim) for r in results] == pins()


def test_reasons_name_wording_and_rules():
    [result] = ClaimDetector().score_sentences(
        ["Unemployment rose to 7.9 percent last year, the highest rate since 1983."])
    assert result.is_claim
    assert "statistic: 7.9 percent" in result.reasons
    assert any(r.startswith("wording: '") for r in result.reasons)


def test_wording_reasons_show_a_folded_number_as_a_number():
    assert shown_term("0 people") == "[number] people"
    assert shown_term("unemployment") == "unemployment"
    [result] = ClaimDetector().score_sentences(["The army killed 80,000 people in 2011."])
    wording = [r for r in result.reasons if r.startswith("wording: '")]
    assert wording and not any(" 0" in r or "'0" in r for r in wording)


def test_a_number_inside_a_date_or_figure_is_named_once():
    model = LinearModel.load()
    features = extract_features("On March 8, the ministry said more than 80,000 people had left.")
    assert "shape:digit" in features.values()  # the rule fires and still counts
    _, reasons = model.logit(features)
    names = [r for r, _ in reasons]
    assert "date: March 8" in names
    assert not any(r.startswith("contains a number") for r in names)
    [result] = ClaimDetector().score_sentences(["Pakistan has lost more than 80,000 lives."])
    assert "statistic: more than 80,000" in result.reasons
    assert not any(r.startswith(("contains a number", "comparison")) for r in result.reasons)


def test_word_ngrams_fold_numbers_and_apostrophes():
    assert word_ngrams("It’s 80,000 lives") == ["it's", "0", "lives", "it's 0", "0 lives"]


def _write_tsv(path, rows, header=("Sentence_id", "Text", "class_label")):
    lines = ["\t".join(header)] + ["\t".join(map(str, row)) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _synthetic_rows():
    claims = ["Unemployment rose to {} percent in {}.", "The state spent ${} million on roads in {}.",
              "In {} the army lost {} soldiers."]
    opinions = ["I think we should do better for our kids.", "Thank you very much.",
                "We need to work together.", "That is not right, I believe."]
    rows = []
    for i in range(40):
        if i % 2:
            rows.append((i, claims[i % 3].format(i + 2, 1990 + i), "Yes"))
        else:
            rows.append((i, opinions[i % 4], "No"))
    return rows


def test_train_writes_a_model_that_loads_and_scores(tmp_path):
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    out = tmp_path / "model.json"

    report = train([data], out_path=out, folds=2)

    assert report.sentences == 40 and report.positives == 20 and report.folds == 2
    assert 0.0 <= report.cv_precision <= 1.0 and 0.0 < report.cv_f1 <= 1.0
    assert report.size_bytes == out.stat().st_size
    model = LinearModel.load(out)
    detector = ClaimDetector(scorer=model)
    claim, opinion = detector.score_sentences(["Unemployment rose to 9 percent in 2009.",
                                               "I think we need to work together."])
    assert claim.score > opinion.score
    assert not opinion.is_claim


def test_train_reads_the_debates_format(tmp_path):
    data = tmp_path / "debates.tsv"
    rows = [("d1", i, "SPEAKER", text, 1 if label == "Yes" else 0)
            for i, (_, text, label) in enumerate(_synthetic_rows())]
    _write_tsv(data, rows, header=("debate", "line_number", "speaker", "text", "label"))
    texts, labels, docs = read_labelled(data)
    assert len(texts) == 40 and sum(labels) == 20 and set(docs) == {"d1"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a\tb\n1\t2\n", "expected columns"),
        ("Sentence_id\tText\tclass_label\n1\tHello.\tMaybe\n", "label must be"),
        ("Sentence_id\tText\tclass_label\n", "no sentences"),
    ],
)
def test_bad_training_files_are_refused_with_a_clear_message(tmp_path, content, message):
    data = tmp_path / "bad.tsv"
    data.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        train([data], out_path=tmp_path / "m.json", folds=2)


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    with pytest.raises(ValueError, match="not a"):
        LinearModel.load(path)


def test_the_model_uses_the_rule_features():
    model = linear_scorer()
    features = extract_features("Militants killed 40 people in 2011.")
    z, contributions = model.logit(features)
    assert any(reason == "event: killed" for reason, _ in contributions)


def test_the_train_command_reports_bad_input_in_one_line_with_exit_code_2(tmp_path):
    from typer.testing import CliRunner

    from factcheck.cli.detector import app

    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "missing.tsv")])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error:") and result.output.count("\n") == 1


def test_the_train_command_prints_cross_validated_figures(tmp_path):
    from typer.testing import CliRunner

    from factcheck.cli.detector import app

    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    out = tmp_path / "model.json"
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--out", str(out),
                                      "--folds", "2"])
    assert result.exit_code == 0, result.output
    for word in ("precision", "recall", "F1", "threshold"):
        assert word in result.output
    assert LinearModel.load(out).meta["folds"] == 2
