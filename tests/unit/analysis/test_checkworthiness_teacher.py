"""The teacher (a fine-tuned MiniLM, training only) and learning from its transfer sentences."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from factcheck.analysis.checkworthiness_readout import ReadoutScorer
from factcheck.analysis.checkworthiness_teacher import (
    Teacher,
    augmented,
    read_transfer,
    write_transfer,
)
from factcheck.analysis.checkworthiness_training import train
from factcheck.cli.detector import app
from tests.extras import require_encoder
from tests.unit.analysis.test_checkworthiness_model import _synthetic_rows, _write_tsv


def test_a_transfer_file_round_trips(tmp_path):
    path = tmp_path / "t.tsv"
    write_transfer(path, ["Taxes rose 4% in 2020.", "A tab\there\tand  spaces."], [0.91234, 0.05])
    texts, probabilities, copy_of = read_transfer(path)
    assert texts == ["Taxes rose 4% in 2020.", "A tab here and spaces."]
    assert probabilities.tolist() == [0.9123, 0.05]
    assert copy_of == [None, None]
    assert not path.with_name("t.tsv.partial").exists()
    assert path.read_text(encoding="utf-8").splitlines()[0] == "text\tteacher_probability"


def test_a_transfer_file_with_copies_names_the_sentence_each_was_copied_from(tmp_path):
    path = tmp_path / "t.tsv"
    write_transfer(path, ["Crime fell in 1999.", "Taxes rose 4%."], [0.7, 0.8],
                   copy_of=[None, "Taxes  rose 4% in 2020."])
    texts, probabilities, copy_of = read_transfer(path)
    assert texts == ["Crime fell in 1999.", "Taxes rose 4%."]
    assert copy_of == [None, "Taxes rose 4% in 2020."]


@pytest.mark.parametrize(("content", "message"), [
    ("Sentence_id\tText\tclass_label\n1\tHello.\tYes\n", "not a transfer file"),
    ("text\tteacher_probability\nHello there.\t1.5\n", "line 2: expected a text and a probability in"),
    ("text\tteacher_probability\nHello there.\tlikely\n", "line 2: expected a text and a probability"),
    ("text\tteacher_probability\nonly one column\n", "line 2"),
    ("text\tteacher_probability\n", "no sentences"),
    ("text\tteacher_probability\nHello.\t0.5\textra\n", "line 2: expected a text and a probability"),
    ("text\tteacher_probability\tcopy_of\nHello.\t0.5\n", "line 2: expected a text, a probability"),
    ("text\tprobability\tcopy_of\nHello there.\t0.5\t\n", "not a transfer file"),
])
def test_a_bad_transfer_file_is_refused_with_the_line(tmp_path, content, message):
    path = tmp_path / "t.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_transfer(path)


def _transfer_with_a_new_word(tmp_path, probability):
    # "zorblat" never occurs in the labelled sentences: whatever the model learns about it comes
    # from the teacher's probabilities alone.
    texts = [f"The zorblat figures for district {i} were published." for i in range(30)]
    texts.append("We need to work together.")  # labelled already: left out
    path = tmp_path / "transfer.tsv"
    write_transfer(path, texts, [probability] * len(texts))
    return path


@pytest.mark.parametrize(("probability", "sign"), [(0.95, 1), (0.05, -1)])
def test_training_learns_the_teachers_probabilities_for_transfer_sentences(tmp_path, probability, sign):
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    out = tmp_path / "model.json"

    report = train([data], out_path=out, folds=2,
                   transfer_path=_transfer_with_a_new_word(tmp_path, probability))

    assert report.sentences == 40 and report.transfer == 30  # the labelled sentence left out
    meta = json.loads(out.read_text(encoding="utf-8"))
    assert meta["transfer"] == {"file": "transfer.tsv", "sentences": 30, "copies": 0, "weight": 1.0,
                                "mean_probability": probability}
    weight = meta["terms"]["zorblat"][1]
    assert np.sign(weight) == sign


def test_without_transfer_sentences_training_is_unchanged(tmp_path):
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    train([data], out_path=a, folds=2)
    train([data], out_path=b, folds=2)
    assert a.read_bytes() == b.read_bytes()
    assert "transfer" not in json.loads(a.read_text(encoding="utf-8"))


def test_the_read_out_learns_from_transfer_sentences_too(tmp_path):
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    base, readout = tmp_path / "model.json", tmp_path / "vectors.json"

    report = train([data], out_path=base, folds=2, vectors_out=readout,
                   transfer_path=_transfer_with_a_new_word(tmp_path, 0.95))

    assert report.vectors is not None and report.vectors.transfer == 30
    scorer = ReadoutScorer.load(readout, base_path=base)
    assert scorer.meta["transfer"]["sentences"] == 30 and scorer.meta["sentences"] == 40


def test_the_train_command_takes_a_transfer_file_and_says_its_figures_lean_optimistic(tmp_path):
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    out = tmp_path / "model.json"
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--out", str(out), "--folds", "2",
                                      "--transfer", str(_transfer_with_a_new_word(tmp_path, 0.9))])
    assert result.exit_code == 0, result.output
    assert "transfer         30 sentences" in result.output and "optimistic" in result.output


def test_the_train_command_refuses_a_bad_transfer_file_and_writes_nothing(tmp_path):
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    bad = tmp_path / "bad.tsv"
    bad.write_text("text\tteacher_probability\nHello there.\t2\n", encoding="utf-8")
    out = tmp_path / "model.json"
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--out", str(out),
                                      "--transfer", str(bad)])
    assert result.exit_code == 2 and "bad.tsv, line 2" in result.output
    assert not out.exists()


def test_the_teacher_command_needs_the_encoder_extra(tmp_path, monkeypatch):
    monkeypatch.setattr("factcheck.analysis.sentence_encoder.encoder_installed", lambda: False)
    result = CliRunner().invoke(app, ["teacher", "--data", str(tmp_path / "x.tsv"), "--texts",
                                      str(tmp_path / "y.tsv"), "--out", str(tmp_path / "t.tsv")])
    assert result.exit_code == 2 and "encoder" in result.output


def test_the_teacher_command_refuses_missing_files_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr("factcheck.analysis.sentence_encoder.encoder_installed", lambda: True)
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    out = tmp_path / "t.tsv"
    result = CliRunner().invoke(app, ["teacher", "--data", str(data), "--texts",
                                      str(tmp_path / "missing.tsv"), "--out", str(out)])
    assert result.exit_code == 2 and "missing.tsv" in result.output
    assert not out.exists()


def test_the_teacher_learns_and_labels_the_corpus(tmp_path):
    """The real fine-tuning, on a few sentences (the `encoder` extra's MiniLM)."""
    require_encoder()
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    corpus = tmp_path / "corpus.tsv"
    corpus.write_text("text\nUnemployment rose to 12 percent in 2011.\n"
                      "The state spent $40 million on bridges in 2003.\n"
                      "Thank you so much, everybody.\nI think we should all do better.\n"
                      "We need to work together.\n"  # labelled
                      "Crime fell 8 percent in 1999.\n", encoding="utf-8")  # to be measured on
    measured = tmp_path / "dev.tsv"
    _write_tsv(measured, [("d1", "Crime  fell 8 percent in 1999.", "Yes")])
    out = tmp_path / "transfer.tsv"

    result = CliRunner().invoke(app, ["teacher", "--data", str(data), "--texts", str(corpus),
                                      "--out", str(out), "--epochs", "8",
                                      "--leave-out", str(measured)])

    assert result.exit_code == 0, result.output
    assert ("4 sentences of the corpus (1 left out: already labelled; 1 left out for measurement)"
            in result.output)
    texts, p, _ = read_transfer(out)
    assert len(texts) == 4 and "We need to work together." not in texts
    assert "Crime fell 8 percent in 1999." not in texts
    assert min(p[:2]) > max(p[2:])  # the figures above the opinions and thanks


def test_the_teacher_labels_perturbed_copies_after_the_corpus_and_keeps_its_weights(tmp_path):
    require_encoder()
    data = tmp_path / "tiny.tsv"
    rows = _synthetic_rows()
    _write_tsv(data, rows)
    corpus = tmp_path / "corpus.tsv"
    corpus.write_text("text\nUnemployment rose to 12 percent in 2011.\nThank you so much.\n",
                      encoding="utf-8")
    out, weights = tmp_path / "transfer.tsv", tmp_path / "teacher.pt"

    result = CliRunner().invoke(app, ["teacher", "--data", str(data), "--texts", str(corpus),
                                      "--out", str(out), "--epochs", "1", "--augment", "2",
                                      "--save-weights", str(weights)])

    assert result.exit_code == 0, result.output
    texts, p, copy_of = read_transfer(out)
    labelled = [text for _, text, _ in rows]
    copies = augmented(labelled, 2, seed=0)
    assert texts == ["Unemployment rose to 12 percent in 2011.", "Thank you so much.",
                     *(copy for copy, _ in copies)]
    assert copy_of == [None, None, *(labelled[i] for _, i in copies)]
    assert f"and {len(copies)} perturbed copies" in result.output
    # The kept weights score as the teacher did (the corpus was scored apart from the copies).
    again = Teacher().load(weights).logits(texts[:2])
    assert np.allclose(1 / (1 + np.exp(-again)), p[:2], atol=1e-4)


def test_perturbed_copies_are_new_deterministic_and_keep_numbers_numbers():
    texts = ["Unemployment rose to 12 percent in 2011 under the governor.",
             "We spent $40 million on roads and bridges last year in Ohio.",
             "Hi.",  # too short to perturb
             "Thank you all for coming here tonight to this debate."]
    pairs = augmented(texts, 5, seed=3)
    copies = [copy for copy, _ in pairs]

    assert pairs == augmented(texts, 5, seed=3) and pairs != augmented(texts, 5, seed=4)
    assert 0 < len(copies) <= 15 and len(set(copies)) == len(copies)
    assert not set(copies) & set(texts) and 2 not in {i for _, i in pairs}
    for copy, origin in pairs:
        words = copy.split()
        assert len(words) >= 2
        assert len(set(words) & set(texts[origin].split())) >= len(words) // 2  # made from it
        numbers = [w for w in words if any(c.isdigit() for c in w)]
        assert all(w.strip("$,.%").isdigit() for w in numbers)  # a number stays a number
    assert augmented(texts, 0) == []


@pytest.mark.parametrize("named", [False, True])
def test_cross_validation_keeps_the_copies_of_a_folds_sentences_out_of_its_model(tmp_path, named):
    # Labels that the words cannot predict (each sentence its own made-up words, labels at
    # random): only copies of a measured sentence, carrying its label, could score it right.
    rng = np.random.default_rng(1)
    def made_up(i):
        return "".join(chr(ord("a") + d) for d in divmod(i, 26))

    rows = [(i, " ".join(f"{w}{made_up(i)}" for w in ("vor", "tel", "mas", "dun", "pik", "sol")),
             "Yes" if rng.random() < 0.5 else "No") for i in range(60)]
    data = tmp_path / "random.tsv"
    _write_tsv(data, rows)
    copies = [(" ".join(text.split()[k:k + 5]), text, 1.0 if label == "Yes" else 0.0)
              for _, text, label in rows for k in (0, 1)]
    transfer = tmp_path / "copies.tsv"
    write_transfer(transfer, [c for c, _, _ in copies], [p for _, _, p in copies],
                   copy_of=[o for _, o, _ in copies] if named else None)
    out = tmp_path / "model.json"

    report = train([data], out_path=out, folds=3, transfer_path=transfer)

    meta = json.loads(out.read_text(encoding="utf-8"))
    assert meta["transfer"]["copies"] == (120 if named else 0)
    assert "voraa" in meta["terms"]  # the model fitted on everything learns from every copy
    if named:  # nothing of a measured sentence reached its fold's model: chance, all "Yes" at best
        assert report.best_cv_f1 < 0.75
    else:  # unnamed copies are ordinary transfer sentences and hand each fold its labels
        assert report.best_cv_f1 > 0.95


@pytest.mark.parametrize("with_transfer", [False, True])
def test_the_vocabulary_is_pruned_and_refitted_with_or_without_transfer(tmp_path, with_transfer):
    data = tmp_path / "tiny.tsv"
    _write_tsv(data, _synthetic_rows())
    out = tmp_path / "model.json"
    transfer = _transfer_with_a_new_word(tmp_path, 0.95) if with_transfer else None

    report = train([data], out_path=out, folds=2, max_terms=12, transfer_path=transfer)

    assert report.terms == 12
    assert len(json.loads(out.read_text(encoding="utf-8"))["terms"]) == 12
