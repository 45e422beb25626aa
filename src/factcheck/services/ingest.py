"""Ingest: store an article, its revision, its sentences and its candidate claims in one transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from factcheck.analysis.anchoring import quote_selector
from factcheck.analysis.checkworthiness_model import select_scorer
from factcheck.analysis.claim_detector import ClaimDetector, SentenceResult
from factcheck.exceptions import NotFoundError, ValidationError
from factcheck.models import Article, ArticleRevision, Claim, ClaimStatus, Fact, Sentence, User
from factcheck.services.audit import AuditService
from factcheck.services.matching import MatchingService
from factcheck.services.revisions import RevisionService
from factcheck.services.text_input import ArticleText, prepare
from factcheck.settings import Settings


@dataclass
class IngestResult:
    article: Article
    revision: ArticleRevision
    created: bool = False  # a new article
    revised: bool = False  # a new revision of an existing article
    claims: list[Claim] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.created or self.revised)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_detector(settings: Settings) -> ClaimDetector:
    """The detector the settings ask for: the default scorer (the linear model with the static-vector
    read-out), the linear model alone (FACTCHECK_DETECTOR_VECTORS=false), or the encoder's read-out
    (FACTCHECK_DETECTOR_ENCODER, with the `encoder` extra); all calibrated to the same thresholds."""
    scorer = select_scorer(encoder=settings.detector_encoder, vectors=settings.detector_vectors)
    if settings.claim_threshold is None:
        return ClaimDetector(scorer=scorer)
    return ClaimDetector(threshold=settings.claim_threshold, scorer=scorer)


class IngestService:
    def __init__(
        self, db: Session, *, settings: Settings, detector: ClaimDetector | None = None
    ) -> None:
        self.db = db
        self.settings = settings
        self.detector = detector or make_detector(settings)
        self.audit = AuditService(db)

    def ingest(
        self,
        *,
        text: str | bytes,
        title: str,
        url: str | None = None,
        external_id: str | None = None,
        author: str | None = None,
        published_at: datetime | None = None,
        source_format: str = "auto",
        actor: User | None = None,
    ) -> IngestResult:
        title = (title or "").strip()
        if not title:
            raise ValidationError("A title is required.")
        if len(title) > 500:
            raise ValidationError("The title is longer than 500 characters.")
        external_id = (external_id or "").strip() or None
        prepared = prepare(text, max_chars=self.settings.max_article_chars, source_format=source_format)
        digest = content_hash(prepared.text)

        article = self._find_article(external_id=external_id, digest=digest)
        if article is not None:
            return self._revise(article, prepared, digest, actor, published_at)

        article = Article(
            external_id=external_id, url=url, title=title, author=author,
            published_at=published_at, created_by_id=actor.id if actor else None,
        )
        self.db.add(article)
        self.db.flush()
        revision = self._add_revision(article, prepared.text, digest, prepared.source_format, actor)
        claims = self._detect(article, revision, published_at)
        self.audit.record(
            "article.created", subject_type="article", subject_id=article.id, actor=actor,
            article_id=article.id, details={"claims": len(claims)},
        )
        return IngestResult(article=article, revision=revision, created=True, claims=claims)

    def revise(
        self, article_id: int, *, text: str | bytes, source_format: str = "auto",
        actor: User | None = None,
    ) -> IngestResult:
        """New text for a known article ("Update text"), with the same preparation and limits."""
        article = self.db.get(Article, article_id) if 0 < article_id <= 2**31 - 1 else None
        if article is None:
            raise NotFoundError(f"Article {article_id} does not exist.")
        prepared = prepare(text, max_chars=self.settings.max_article_chars, source_format=source_format)
        return self._revise(article, prepared, content_hash(prepared.text), actor, None)

    def _revise(
        self, article: Article, prepared: ArticleText, digest: str, actor: User | None,
        published_at: datetime | None,
    ) -> IngestResult:
        current = article.current_revision
        if current is not None and current.content_hash == digest:
            return IngestResult(article=article, revision=current, claims=self._claims(current))
        if current is None:  # an article row without text yet: this is its first revision
            revision = self._add_revision(article, prepared.text, digest, prepared.source_format, actor)
            claims = self._detect(article, revision, published_at or article.published_at)
            return IngestResult(article=article, revision=revision, revised=True, claims=claims)
        # Re-anchor the claims and re-score only new or changed sentences (services/revisions.py).
        outcome = RevisionService(self.db, settings=self.settings, detector=self.detector).revise(
            article, text=prepared.text, actor=actor, source_format=prepared.source_format,
            published_at=published_at,
        )
        return IngestResult(article=article, revision=outcome.revision, revised=True,
                            claims=outcome.claims)

    def _find_article(self, *, external_id: str | None, digest: str) -> Article | None:
        if external_id is not None:
            return self.db.scalar(select(Article).where(Article.external_id == external_id))
        # Without a CMS id, the same text pasted twice is the same article, not a duplicate.
        revision = self.db.scalar(
            select(ArticleRevision)
            .join(Article)
            .where(ArticleRevision.content_hash == digest, Article.external_id.is_(None))
            .order_by(ArticleRevision.id.desc())
            .limit(1)
        )
        if revision is None or revision.article.current_revision is not revision:
            return None
        return revision.article

    def _add_revision(
        self, article: Article, text: str, digest: str, source_format: str, actor: User | None
    ) -> ArticleRevision:
        number = (article.current_revision.number + 1) if article.revisions else 1
        revision = ArticleRevision(
            number=number, text=text, content_hash=digest, source_format=source_format,
            created_by_id=actor.id if actor else None,
        )
        article.revisions.append(revision)
        self.db.flush()
        return revision

    def _detect(
        self, article: Article, revision: ArticleRevision, published_at: datetime | None
    ) -> list[Claim]:
        results = self.detector.detect(
            revision.text, published_at=published_at.date() if published_at else None
        )
        # Bulk executemany INSERTs, then one SELECT per table for the ids, instead of the unit of
        # work: an article has dozens of sentences and facts, and per-object bookkeeping cost more
        # than the SQL. (INSERT ... RETURNING in parameter order runs row by row on SQLite.)
        sentence_ids = self._insert_sentences(revision, results)
        claimed = [(sentence_ids[r.index], r) for r in results if r.is_claim]
        claims = self._insert_claims(article, revision, claimed)
        if self.settings.matching_enabled:  # "checked before": suggest earlier verdicts
            MatchingService(self.db, settings=self.settings).suggest_for_claims(claims)
        return claims

    def _insert_sentences(
        self, revision: ArticleRevision, results: list[SentenceResult]
    ) -> dict[int, int]:
        """Sentence index → id."""
        if not results:
            return {}
        self.db.execute(insert(Sentence.__table__), [
            {"revision_id": revision.id, "index": r.index, "start": r.start, "end": r.end,
             "score": r.score}
            for r in results
        ])
        rows = self.db.execute(
            select(Sentence.index, Sentence.id).where(Sentence.revision_id == revision.id)
        )
        return {index: sentence_id for index, sentence_id in rows}

    def _insert_claims(
        self, article: Article, revision: ArticleRevision, claimed: list[tuple[int, SentenceResult]]
    ) -> list[Claim]:
        if not claimed:
            return []
        self.db.execute(insert(Claim.__table__), [
            self._claim_row(article, revision, sentence_id, result)
            for sentence_id, result in claimed
        ])
        # Claims never overlap, so their order by start is the detector's order.
        claims = list(self.db.scalars(
            select(Claim).where(Claim.revision_id == revision.id).order_by(Claim.start)
        ))
        fact_rows = [
            {"claim_id": claim.id, "kind": f.kind, "text": f.text, "start": f.start, "end": f.end,
             "value": f.value}
            for claim, (_, result) in zip(claims, claimed, strict=True)
            for f in result.facts
        ]
        by_claim: dict[int, list[Fact]] = {claim.id: [] for claim in claims}
        if fact_rows:
            self.db.execute(insert(Fact.__table__), fact_rows)
            facts = self.db.scalars(
                select(Fact).join(Claim)
                .where(Claim.revision_id == revision.id).order_by(Fact.start)
            )
            for fact in facts:
                by_claim[fact.claim_id].append(fact)
        for claim in claims:  # loaded already: callers read claim.facts without a query
            set_committed_value(claim, "facts", by_claim[claim.id])
        return claims

    @staticmethod
    def _claim_row(
        article: Article, revision: ArticleRevision, sentence_id: int, result: SentenceResult
    ) -> dict:
        quote = quote_selector(revision.text, result.start, result.end)
        return {
            "article_id": article.id, "revision_id": revision.id, "sentence_id": sentence_id,
            "status": ClaimStatus.candidate.value, "origin": "detector",
            "exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix,
            "start": result.start, "end": result.end, "score": result.score,
            "kinds": list(result.kinds), "reasons": list(result.reasons),
        }

    def _claims(self, revision: ArticleRevision) -> list[Claim]:
        return list(
            self.db.scalars(
                select(Claim).where(Claim.revision_id == revision.id).order_by(Claim.start)
            )
        )
