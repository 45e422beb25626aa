"""The optional sentence encoder (the `encoder` extra): unit vectors, paraphrases close, stable bytes.

Skipped with a message where the extra is not installed; CI installs it (`make encoder`), so there a
missing encoder is a failure.
"""

from __future__ import annotations

import numpy as np
import pytest

from factcheck.analysis.sentence_encoder import (
    DIMENSIONS,
    from_blob,
    get_encoder,
    to_blob,
)
from tests.extras import require_encoder


@pytest.fixture(scope="module")
def encoder():
    require_encoder()
    return get_encoder()


def test_vectors_are_unit_length_rows(encoder):
    vectors = encoder.encode(["Pakistan lost more than 80,000 lives.", "The cat sat on the mat."])
    assert vectors.shape == (2, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_a_paraphrase_is_closer_than_an_unrelated_sentence(encoder):
    claim, paraphrase, unrelated = encoder.encode([
        "Pakistan lost more than 80,000 lives to terrorism in two decades.",
        "Over 80,000 Pakistanis were killed by terrorists over twenty years.",
        "The city council approved a new budget for public libraries.",
    ])
    assert claim @ paraphrase > 0.6
    assert claim @ paraphrase > claim @ unrelated + 0.3


def test_no_texts_give_an_empty_matrix(encoder):
    assert encoder.encode([]).shape == (0, DIMENSIONS)


def test_the_process_shares_one_encoder(encoder):
    assert get_encoder() is encoder


def test_blob_round_trip_is_exact():
    vector = np.linspace(-1, 1, DIMENSIONS, dtype=np.float32)
    blob = to_blob(vector)
    assert len(blob) == DIMENSIONS * 4
    assert np.array_equal(from_blob(blob), vector)
