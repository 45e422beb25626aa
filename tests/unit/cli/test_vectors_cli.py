"""`factcheck vectors distill`: clear errors for bad input, nothing written; reading the corpus."""

from __future__ import annotations

import json

import pytest
from factcheck.analysis.static_vectors_training import read_corpus
from factcheck.cli import app

@pytest.fixture
def have_encoder(monkeypatch):
    # The refusals below come before any encoding; they must not depend on the extra being here.
    monkeypatch.setattr("factcheck.analysis.sentence_encoder.encoder_installed", lambda: True)


def test_a_missing_corpus_file_is_a_clear_error_and_nothing_is_written(runner, tmp_path, have_encoder):
    out = tmp_path / "v.npz"
    result = runner.invoke(app, ["vectors", "distill", "--corpus", str(tmp_path / "nope.tsv"),
                                 "--out", str(out)])
    assert result.exit_code == 2
    assert "nope.tsv" in result.output and "No such file" in result.output
    assert not out.exists()


def test_a_tsv_without_a_text_column_is_refused(runner, tmp_path, have_encoder):
    corpus = tmp_path / "c.tsv"
    corpus.write_text("id\tsentence\n1\tHello there.\n", encoding="utf-8")
    result = runner.invoke(app, ["vectors", "distill", "--corpus", str(corpus),
                                 "--out", str(tmp_path / "v.npz")])
    assert result.exit_code == 2
    assert "no `text` column" in result.output


def test_a_corpus_too_small_to_distil_is_refused(runner, tmp_path, have_encoder):
    corpus = tmp_path / "c.tsv"
    corpus.write_text("Text\n" + "".join(f"Sentence number {i} here.\n" for i in range(20)),
                      encoding="utf-8")
    result = runner.invoke(app, ["vectors", "distill", "--corpus", str(corpus),
                                 "--out", str(tmp_path / "v.npz")])
    assert result.exit_code == 2
    assert "20 sentences" in result.output and "at least 100" in result.output
    assert not (tmp_path / "v.npz").exists()


def test_without_the_encoder_extra_distilling_is_refused(runner, tmp_path, monkeypatch):
    monkeypatch.setattr("factcheck.analysis.sentence_encoder.encoder_installed", lambda: False)
    result = runner.invoke(app, ["vectors", "distill", "--corpus", str(tmp_path / "c.tsv")])
    assert result.exit_code == 2
    assert "`encoder` extra" in result.output


def test_the_corpus_reader_takes_claims_titles_texts_and_text_columns(tmp_path):
    claims = tmp_path / "v.jsonl"
    claims.write_text(json.dumps({"vclaim": "Taxes rose by 4% in 2020.", "title": "A title here",
                                  "other": "ignored"}) + "\n\n"
                      + json.dumps({"text": "First sentence of a long text. " * 14
                                    + "And a last one that ends it."}) + "\n", encoding="utf-8")
    table = tmp_path / "q.tsv"
    table.write_text("query_id\ttext\nq1\tTaxes rose by 4% in 2020.\nq2\tSee https://t.co/x now\n",
                     encoding="utf-8")
    sentences = read_corpus([claims, table])
    assert sentences[:2] == ["Taxes rose by 4% in 2020.", "A title here"]
    assert "First sentence of a long text." in sentences  # split, repeats dropped
    assert sentences.count("First sentence of a long text.") == 1
    assert "And a last one that ends it." in sentences
    assert sentences[-1] == "See now"  # cleaned as matching cleans (links removed)
