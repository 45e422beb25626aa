"""Matching with the optional sentence encoder: stored vectors, backfill, re-ranking; and the one-statement
full-text search an article's claims share (encoder or not).

The encoder tests are skipped with a message where the `encoder` extra is not installed; CI installs
it, so there a missing encoder is a failure.
"""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select, update

from factcheck.analysis import claim_matcher as cm
from factcheck.analysis.sentence_encoder import DIMENSIONS, from_blob
from factcheck.exceptions import ConflictError
from factcheck.models.match import MatchDocument
from factcheck.services.matching import MatchingService
from tests.extras import require_encoder
from tests.factories import ClaimFactory, RatingFactory, RevisionFactory, VerdictFactory

EARLIER = "Pakistan has lost more than 80,000 lives in the war on terror over two decades."
OTHER = "The new bridge over the river cost four hundred million dollars to build."
THIRD = "Unemployment in the state fell to 3.5 percent last year, the lowest on record."


def publish(db, text: str, service: MatchingService | None = None):
    claim = ClaimFactory(revision=RevisionFactory(text=text), status="published")
    verdict = VerdictFactory(claim_id=claim.id, state="published", claim_reviewed=text,
                             summary="", rating_id=RatingFactory(label="True").id,
                             published_at=func.now())
    db.flush()
    db.refresh(verdict)
    (service or MatchingService(db)).index_verdict(verdict)
    return verdict


def stored_vectors(db) -> dict[int, bytes | None]:
    return dict(db.execute(select(MatchDocument.claim_id, MatchDocument.embedding)).all())


@pytest.fixture
def encoding(settings):
    require_encoder()
    return settings.model_copy(update={"matching_encoder": True})


class TestOneStatementForManyClaims:
    def test_each_query_gets_the_same_hits_as_alone(self, db):
        ids = [publish(db, text).claim_id for text in (EARLIER, OTHER, THIRD)]
        service = MatchingService(db)
        texts = ["lives lost by Pakistan to terror", "zebra xylophone", "bridge cost river",
                 "unemployment percent state"]
        stats = service.index.stats({t for text in texts for t in cm.terms(text)})
        together = service.index.search([service.index.query_words(t, stats) for t in texts],
                                        limit=5, stats=stats)
        alone = [service.candidates(t, limit=5) for t in texts]
        assert [[h.claim_id for h in hits] for hits in together] == [
            [h.claim_id for h in hits] for hits in alone]
        assert [hits[0].claim_id if hits else None for hits in alone] == [ids[0], None, ids[1], ids[2]]

    def test_no_words_ask_the_database_nothing(self, db):
        assert MatchingService(db).index.search([[], []], limit=5) == [[], []]

    def test_the_lexical_path_stores_no_vector(self, db):
        verdict = publish(db, EARLIER)
        assert stored_vectors(db) == {verdict.claim_id: None}

    def test_writing_a_vector_keeps_the_full_text_index_in_step(self, db):
        verdict = publish(db, EARLIER)
        db.execute(update(MatchDocument).values(embedding=b"\0" * 8))
        hits = MatchingService(db).candidates("Pakistan lives terror")
        assert [h.claim_id for h in hits] == [verdict.claim_id]

    def test_reindex_needs_the_encoder(self, db):
        with pytest.raises(ConflictError):
            MatchingService(db).reindex()


class TestEncoder:
    def test_a_published_claim_is_stored_with_its_unit_vector(self, db, encoding):
        verdict = publish(db, EARLIER, MatchingService(db, settings=encoding))
        vector = from_blob(stored_vectors(db)[verdict.claim_id])
        assert vector.shape == (DIMENSIONS,)
        assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-4)

    def test_reindex_fills_the_missing_vectors_and_everything_on_request(self, db, encoding):
        publish(db, EARLIER)
        publish(db, OTHER)
        service = MatchingService(db, settings=encoding)
        assert service.reindex(batch=1) == 2
        assert all(v is not None for v in stored_vectors(db).values())
        assert service.reindex() == 0
        assert service.reindex(everything=True) == 2

    def test_scores_stay_probabilities_and_the_paraphrase_wins(self, db, encoding):
        service = MatchingService(db, settings=encoding)
        earlier = publish(db, EARLIER, service)
        publish(db, "Pakistan won the cricket world cup in 1992 after decades of trying.", service)
        found = service.match("Over 80,000 Pakistanis were killed by terrorists in twenty years.")
        assert found[0].document.claim_id == earlier.claim_id
        assert all(0.0 <= m.score <= 1.0 for m in found)

    def test_a_claim_without_a_stored_vector_is_encoded_on_the_fly(self, db, encoding):
        earlier = publish(db, EARLIER)  # published while the encoder was off
        found = MatchingService(db, settings=encoding).match(EARLIER)
        assert found[0].document.claim_id == earlier.claim_id
        assert found[0].score >= 0.9

    def test_an_articles_claims_are_suggested_together(self, db, encoding):
        service = MatchingService(db, settings=encoding.model_copy(
            update={"match_suggest_threshold": 0.3, "match_auto_threshold": 1.0}))
        first, second = publish(db, EARLIER, service), publish(db, OTHER, service)
        claims = [ClaimFactory(revision=RevisionFactory(text=t), exact=t)
                  for t in (EARLIER, "Talks resumed on Monday.", OTHER)]
        db.flush()
        made = service.suggest_for_claims(claims)
        assert {(s.claim_id, s.matched_claim_id) for s in made} == {
            (claims[0].id, first.claim_id), (claims[2].id, second.claim_id)}
