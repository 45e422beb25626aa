"""Finding published claims like a text: the full-text stage, re-scoring with the shipped static
sentence vectors (or the optional encoder).

The full-text index picks candidates (services/match_index.py); analysis/claim_matcher.py re-scores
them into a probability. services/matching.py builds suggestions and decisions on top of this.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from factcheck.analysis import claim_matcher as cm
from factcheck.analysis.sentence_encoder import from_blob, get_encoder, to_blob
from factcheck.analysis.static_vectors import static_vectors
from factcheck.exceptions import ConflictError
from factcheck.models import Article, Claim, Verdict, VerdictState
from factcheck.services.match_index import (
    COMMON_FLOOR, COMPACT_ABOVE, MAX_QUERY_WORDS, DocumentInput, Hit, MatchIndex,
)
from factcheck.settings import Settings

log = logging.getLogger(__name__)

CANDIDATES = 30  # first-stage hits re-scored per query
# With vectors (the encoder's or the static ones) a paraphrase sharing few words can still win:
# 50 candidates (chosen on train: encoder 30 → 100 differ by < 0.01 MAP@5; static vectors 30 → 50
# +0.002 debates, +0.008 tweets, on SQLite and PostgreSQL alike).
ENCODER_CANDIDATES = 50


@dataclass(frozen=True)
class Match:
    document: Hit
    score: float


class MatchSearch:
    """The published claims most like a text, and keeping the index of them."""

    def __init__(self, db: Session, *, settings: Settings | None = None) -> None:
        self.db = db
        self.encoder = get_encoder() if settings and settings.matching_encoder else None
        if settings and settings.matching_encoder and self.encoder is None:
            log.warning("FACTCHECK_MATCHING_ENCODER is on but the `encoder` extra is not installed: "
                        "matching stays lexical")
        # Without the encoder, the shipped static vectors (unless switched off): the cosine of two
        # claims' vectors is one more feature, with its own fitted weights.
        self.vectors = (static_vectors() if self.encoder is None
                        and (settings is None or settings.matching_vectors) else None)
        self.weights, self.bias = (
            (cm.ENCODER_WEIGHTS, cm.ENCODER_BIAS) if self.encoder else
            (cm.STATIC_WEIGHTS, cm.STATIC_BIAS) if self.vectors else (cm.WEIGHTS, cm.BIAS))
        self.index = MatchIndex(db)

    # -- the index ---------------------------------------------------------------------------------

    def index_verdict(self, verdict: Verdict) -> None:
        """Make a published verdict's claim findable (a correction replaces the earlier entry)."""
        if verdict.state != VerdictState.published.value:
            raise ConflictError("Only a published verdict can be matched against.")
        claim = self.db.get(Claim, verdict.claim_id)
        article = self.db.get(Article, claim.article_id)
        words = [verdict.claim_reviewed.strip(), claim.exact.strip()]
        text = " ".join(dict.fromkeys(w for w in words if w))
        self.index.put([DocumentInput(
            claim_id=claim.id, verdict_id=verdict.id, rating_id=verdict.rating_id, text=text,
            title=article.title if article else "", summary=verdict.summary,
            published_at=verdict.published_at,
            embedding=to_blob(self.encoder.encode([cm.clean(text)])[0]) if self.encoder else None)])

    def reindex(self, *, everything: bool = False, batch: int = 256) -> int:
        """Store the encoder's vector of published claims that lack one (or of all): how many."""
        if self.encoder is None:
            raise ConflictError("The sentence encoder is off or not installed "
                                "(FACTCHECK_MATCHING_ENCODER, the `encoder` extra).")
        done, after = 0, 0
        while rows := self.index.without_embedding(after=after, limit=batch, everything=everything):
            vectors = self.encoder.encode([cm.clean(text) for _, text in rows])
            self.index.set_embeddings({i: to_blob(v) for (i, _), v in zip(rows, vectors, strict=True)})
            done, after = done + len(rows), rows[-1][0]
        return done

    def compact_index(self, *, force: bool = False) -> tuple[int, int] | None:
        """SQLite: compact the full-text index when it is in more than COMPACT_ABOVE segments (or
        `force`): (segments before, after), or None when nothing was done. PostgreSQL: None."""
        before = self.index.segments()
        if self.index.dialect != "sqlite" or (before <= COMPACT_ABOVE and not force):
            return None
        self.index.compact()
        return before, self.index.segments()

    def candidates(self, text: str, *, limit: int = CANDIDATES, stats: cm.Stats | None = None,
                   most_words: int = MAX_QUERY_WORDS, common: int = COMMON_FLOOR) -> list[Hit]:
        """The full-text stage alone: documents sharing the query's rarest words, database-ranked."""
        query = cm.Query.of(text)
        if not query.terms:
            return []
        stats = stats or self.index.stats(query.terms)
        words = self.index.query_words(text, stats, most=most_words, common=common)
        return self.index.search([words], limit=limit, stats=stats,
                                 embeddings=self.encoder is not None)[0]

    def match(self, text: str, *, limit: int = 5, exclude_claim_id: int | None = None,
              candidates: int | None = None, most_words: int = MAX_QUERY_WORDS,
              common: int = COMMON_FLOOR) -> list[Match]:
        """Published claims most like `text`, with match probabilities, best first."""
        if candidates is None:
            candidates = ENCODER_CANDIDATES if self.encoder or self.vectors else CANDIDATES
        ranked = self._rank([text], [exclude_claim_id], candidates=candidates,
                            most_words=most_words, common=common)[0]
        return [Match(hit, score) for hit, score in ranked[:limit]]

    def _rank(self, texts: Sequence[str], exclude: Sequence[int | None], *, candidates: int,
              most_words: int, common: int, budget: tuple[int, int] | None = None,
              lexical_floor: float = 0.0, at_least: float = 0.0) -> list[list[tuple[Hit, float]]]:
        """Each text's candidates re-scored, best first: one statistics query and one full-text
        statement for all the texts, and (encoder on) one batch through the encoder.
        With `at_least`, scores below it may come back as 0 (see `claim_matcher.rescore`).
        """
        queries = [cm.Query.of(t) for t in texts]
        stats = self.index.stats({t for q in queries for t in q.terms})
        words = [self.index.query_words(t, stats, most=most_words, common=common) if q.terms else []
                 for t, q in zip(texts, queries, strict=True)]
        found = self.index.search(words, limit=candidates + 1, stats=stats,
                                  embeddings=self.encoder is not None, budget=budget)
        hits = [[h for h in hs if h.claim_id != ex][:candidates]
                for hs, ex in zip(found, exclude, strict=True)]
        similarity = self._similarities(texts, hits) if self.encoder else None
        ranked = []
        for i, (query, these) in enumerate(zip(queries, hits, strict=True)):
            scored = cm.rescore(query, [
                cm.Candidate(h.id, h.text, h.title, h.summary, terms=h.terms,
                             similarity=similarity[i][j] if similarity else None)
                for j, h in enumerate(these)], stats, self.weights, self.bias,
                lexical_floor=lexical_floor, at_least=at_least,
                similarity=self._static_cosines if self.vectors else None)
            by_id = {h.id: h for h in these}
            ranked.append([(by_id[c.key], score) for c, score in scored])
        return ranked

    def _similarities(self, texts: Sequence[str], hits: Sequence[Sequence[Hit]]) -> list[list[float]]:
        """Cosine between each text and each of its hits (hits not yet encoded are encoded here)."""
        wanted = [i for i, these in enumerate(hits) if these]
        missing = list(dict.fromkeys(h.text for these in hits for h in these if h.embedding is None))
        vectors = self.encoder.encode([cm.clean(t) for t in [*(texts[i] for i in wanted), *missing]])
        query_vector = dict(zip(wanted, vectors, strict=False))
        late = dict(zip(missing, vectors[len(wanted):], strict=True))
        return [[float(query_vector[i] @ (from_blob(h.embedding) if h.embedding is not None
                                           else late[h.text])) for h in these] if these else []
                for i, these in enumerate(hits)]

    def _static_cosines(self, query: cm.Query, candidates: Sequence[cm.Candidate]) -> list[float]:
        """Cosine between the query's static vector and each candidate's (asked by `rescore` for
        the candidates above the lexical floor only; a published claim's vector is remembered)."""
        vectors = self.vectors.encode_cached([query.clean, *(c.text for c in candidates)],
                                             clean=cm.clean)
        return [float(vectors[0] @ v) for v in vectors[1:]]

    def _static_similarities(self, texts: Sequence[str], hits: Sequence[Sequence[Hit]],
                             ) -> list[list[float]]:
        """`_static_cosines` of each text and its hits (tuning and tests)."""
        return [self._static_cosines(cm.Query.of(text), [cm.Candidate(h.id, h.text) for h in these])
                if these else [] for text, these in zip(texts, hits, strict=True)]
