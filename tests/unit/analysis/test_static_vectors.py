"""The shipped static sentence vectors: unit rows, paraphrases closer than unrelated sentences, word
pieces as BERT uncased splits them, the file format (int8 rows, round trip, refusals)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.analysis.static_vectors import (
    FORMAT,
    VECTORS_PATH,
    StaticVectors,
    quantize,
    static_vectors,
    write,
)
from tests.extras import require_encoder


@pytest.fixture(scope="module")
def vectors() -> StaticVectors:
    return static_vectors()


def cosine(vectors: StaticVectors, a: str, b: str) -> float:
    x, y = vectors.encode([a, b])
    return float(x @ y)


def test_the_table_ships_with_the_package_and_says_how_it_was_made(vectors):
    assert VECTORS_PATH.exists()
    assert vectors.meta["format"] == FORMAT
    assert vectors.meta["teacher"] == "all-MiniLM-L6-v2"
    assert vectors.meta["held_out_cosine"] > 0.8
    assert vectors.dimensions == vectors.table.shape[1] == 128
    assert static_vectors() is vectors  # loaded once per process


def test_rows_are_unit_vectors_and_the_same_text_gives_the_same_row(vectors):
    texts = ["Pakistan lost more than 80,000 lives.", "The cat sat on the mat.",
             "Pakistan lost more than 80,000 lives."]
    rows = vectors.encode(texts)
    assert rows.shape == (3, 128)
    assert rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(rows[0], rows[2])
    # A batch gives each text the row it gets alone.
    assert np.allclose(vectors.encode([texts[1]])[0], rows[1], atol=1e-6)


@pytest.mark.parametrize(("claim", "paraphrase", "unrelated"), [
    ("The unemployment rate fell to its lowest level in fifty years.",
     "Joblessness dropped to a half-century low.",
     "The bridge over the river was closed for repairs."),
    ("Barack Obama was born in Kenya.",
     "The former president's birthplace is in Africa, not Hawaii.",
     "Coffee prices rose sharply this winter."),
    ("Vaccines cause autism in children.",
     "Kids get autism from their shots.",
     "The city council approved a new budget for parks."),
])
def test_a_paraphrase_sharing_few_words_is_closer_than_an_unrelated_sentence(
        vectors, claim, paraphrase, unrelated):
    assert cosine(vectors, claim, paraphrase) > cosine(vectors, claim, unrelated) + 0.1


def test_text_without_known_pieces_gets_a_zero_row_and_nothing_breaks(vectors):
    rows = vectors.encode(["", "   ", "ok"])
    assert not rows[0].any() and not rows[1].any()
    assert np.isclose(np.linalg.norm(rows[2]), 1.0, atol=1e-5)
    assert vectors.encode([]).shape == (0, 128)


@pytest.mark.parametrize(("text", "pieces"), [
    ("Café", ["cafe"]),  # lower-cased, accents stripped (BERT uncased)
    ("80,000 lives", ["80", ",", "000", "lives"]),
    ("Abbottabad", ["abbott", "##abad"]),
    ("Prices rose 🚀", ["prices", "rose"]),  # a piece outside the vocabulary is left out
])
def test_word_pieces_are_bert_uncased(vectors, text, pieces):
    vocabulary = {i: p for p, i in vectors.tokenizer.get_vocab().items()}
    assert [vocabulary[i] for i in vectors.pieces([text])[0]] == pieces


def test_emoji_and_accented_text_are_encoded(vectors):
    rows = vectors.encode(["Prices rose 🚀 in São Paulo", "Prices rose in Sao Paulo"])
    assert float(rows[0] @ rows[1]) > 0.95


def test_quantized_rows_stay_within_half_a_step():
    rng = np.random.default_rng(3)
    table = rng.normal(size=(50, 16)).astype(np.float32)
    table[7] = 0.0
    q, scales = quantize(table)
    assert q.dtype == np.int8
    assert np.all(np.abs(q.astype(np.float32) * scales[:, None] - table) <= scales[:, None] / 2 + 1e-7)
    assert not q[7].any()


def test_write_then_load_round_trips(tmp_path):
    vocabulary = ["[PAD]", "[UNK]", "good", "bad", "##ly"]
    table = np.array([[0, 0], [0, 0], [1, 0], [0, 1], [0.5, 0.5]], dtype=np.float32)
    path = write(tmp_path / "t.npz", table, vocabulary, {"name": "tiny", "teacher": "none"})
    loaded = StaticVectors.load(path)
    assert loaded.name == "tiny" and loaded.dimensions == 2
    assert np.allclose(loaded.table, table, atol=1 / 127)
    good, bad, unknown = loaded.encode(["good", "bad", "zzz"])
    assert np.allclose(good, [1, 0], atol=0.01) and np.allclose(bad, [0, 1], atol=0.01)
    assert not unknown.any()  # unknown pieces are left out


def test_another_format_or_a_mismatched_vocabulary_is_refused(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, vectors=np.zeros((2, 2), np.int8), scales=np.ones(2, np.float32),
             vocabulary=np.array(["[UNK]", "a"]), meta=np.array(json.dumps({"format": "other/1"})))
    with pytest.raises(ValueError, match="not a factcheck-static-vectors"):
        StaticVectors.load(path)
    with pytest.raises(ValueError, match="differ in length"):
        StaticVectors(np.zeros((3, 2), np.float32), ["[UNK]", "a"], {})


def test_distilling_fits_the_table_to_minilm(tmp_path):
    """The real distillation on a small corpus (the teacher is the `encoder` extra's MiniLM)."""
    require_encoder()
    from factcheck.analysis.static_vectors_training import distill

    topics = ["taxes", "schools", "the border", "vaccines", "jobs", "crime", "climate", "housing"]
    verbs = ["rose", "fell", "doubled", "stayed flat", "were cut", "grew"]
    sentences = [f"Spending on {t} {v} in {year}, the governor said."
                 for t in topics for v in verbs for year in (2010, 2015, 2020, 2024)]
    report = distill(sentences, out_path=tmp_path / "v.npz", dimensions=16, epochs=3, held_out=20)
    assert report.sentences == len(sentences) and report.held_out == 19
    assert report.cosine > report.start_cosine  # fitting brought it closer to MiniLM
    loaded = StaticVectors.load(report.out_path)
    assert loaded.dimensions == 16 and loaded.meta["sentences"] == len(sentences)


@pytest.mark.parametrize("text", [
    "Pakistan lost more than 80,000 lives.",
    "  Two\tspaces\nand  lines, (brackets) and \"quotes\" — dashes…",
    "Émigrés in Zürich said: «non»!",
])
def test_pieces_word_by_word_equal_the_tokenizer_on_the_whole_text(vectors, text):
    whole = [i for i in vectors.tokenizer.encode(text, add_special_tokens=False).ids
             if i != vectors.unknown]
    assert vectors.pieces([text]) == [whole]
    assert vectors.pieces([text]) == [whole]  # the second time from the word cache


def test_cached_rows_equal_fresh_ones_and_clean_is_applied_first(vectors):
    texts = ["Taxes rose 4% in 2020 https://t.co/abc", "Crime fell.", "Taxes rose 4% in 2020 https://t.co/abc"]
    cached = vectors.encode_cached(texts, clean=lambda t: t.split(" https")[0])
    fresh = vectors.encode(["Taxes rose 4% in 2020", "Crime fell."])
    assert np.allclose(cached[0], fresh[0]) and np.allclose(cached[1], fresh[1])
    assert cached[2] is cached[0]
    again = vectors.encode_cached(["Crime fell."])
    assert again[0] is cached[1]  # remembered by the text as given


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_pieces_word_by_word_equal_the_tokenizer_on_any_text(text):
    """Any text at all (control characters, odd whitespace, any script): splitting into words first
    never changes the pieces (BERT drops "\x1f", so "0\x1f0" is one word, not two)."""
    vectors = static_vectors()
    whole = [i for i in vectors.tokenizer.encode(text, add_special_tokens=False).ids
             if i != vectors.unknown]
    assert vectors.pieces([text]) == [whole]
