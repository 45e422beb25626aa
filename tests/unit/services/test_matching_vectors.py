"""Matching with the shipped static sentence vectors (the default): the cosine of two claims'
vectors re-ranks paraphrases that share few words; the setting switches back to lexical features."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck.analysis import claim_matcher as cm
from factcheck.analysis.static_vectors import static_vectors
from factcheck.services.matching import MatchingService
from tests.unit.services.test_matching_encoder import publish

TARGET = "Joblessness dropped to a half-century low, the labor department said."
DISTRACTORS = [
    "The labor department said the new bridge over the river will reopen next week.",
    "The state's labor department lost track of 300 files, a review found.",
    "Fifty years ago the city had more bridges than it has today.",
]
QUERY = "The unemployment rate fell to its lowest level in fifty years, according to the labor department."


@pytest.fixture
def collection(db) -> tuple[int, list[int]]:
    return publish(db, TARGET).claim_id, [publish(db, text).claim_id for text in DISTRACTORS]


def test_by_default_the_static_vectors_and_their_weights_are_used(db, settings):
    service = MatchingService(db, settings=settings)
    assert service.vectors is static_vectors() and service.encoder is None
    assert (service.weights, service.bias) == (cm.STATIC_WEIGHTS, cm.STATIC_BIAS)
    lexical = MatchingService(db, settings=settings.model_copy(update={"matching_vectors": False}))
    assert lexical.vectors is None and (lexical.weights, lexical.bias) == (cm.WEIGHTS, cm.BIAS)


def test_a_paraphrase_sharing_few_words_is_ranked_first(db, settings, collection):
    target, distractors = collection
    found = MatchingService(db, settings=settings).match(QUERY, limit=4)
    assert [m.document.claim_id for m in found][0] == target
    # Lexically the paraphrase shares only "labor department" with the query, as two others do.
    lexical = MatchingService(db, settings=settings.model_copy(update={"matching_vectors": False}))
    assert [m.document.claim_id for m in lexical.match(QUERY, limit=4)][0] != target


def test_the_similarity_is_the_cosine_of_the_cleaned_texts_vectors(db, settings, collection):
    service = MatchingService(db, settings=settings)
    hits = service.candidates(QUERY)
    similarities = service._static_similarities([QUERY, "nothing in common"], [hits, []])
    vectors = static_vectors().encode([cm.clean(QUERY), *(cm.clean(h.text) for h in hits)])
    assert np.allclose(similarities[0], vectors[1:] @ vectors[0], atol=1e-6)
    assert similarities[1] == []
