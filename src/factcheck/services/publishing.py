"""The publishing read side: published verdicts of an article, one verdict, and the verdict feed.

Only verdicts a reader may see leave here: state published, or superseded (a published version
that a correction replaced; it stays readable so a correction's history is public).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from factcheck.exceptions import NotFoundError
from factcheck.models import (
    AnchorState, Article, ArticleRevision, Claim, Rating, Verdict, VerdictState,
)

VISIBLE = (VerdictState.published.value, VerdictState.superseded.value)
MAX_FEED_LIMIT = 500
MAX_POSITION = 2**31 - 1


@dataclass(frozen=True)
class ScaleBounds:
    best: int
    worst: int


@dataclass
class PublishedVerdict:
    """One visible verdict version with what a reader needs around it."""

    verdict: Verdict
    claim: Claim
    article: Article
    revision: ArticleRevision
    history: list[Verdict] = field(default_factory=list)  # every visible version, oldest first

    @property
    def superseded_by(self) -> Verdict | None:
        later = [v for v in self.history if v.number > self.verdict.number]
        return later[0] if later else None

    @property
    def first_published_at(self) -> datetime | None:
        return self.history[0].published_at if self.history else self.verdict.published_at


@dataclass
class ArticleVerdicts:
    article: Article
    revision: ArticleRevision
    verdicts: list[PublishedVerdict]
    bounds: ScaleBounds


@dataclass
class FeedPage:
    entries: list[PublishedVerdict]
    next_position: int | None  # feed_position to resume after; None when nothing was returned
    has_more: bool
    bounds: ScaleBounds


def _fingerprint_statement() -> Select:
    """Built once: one row by a unique index, and index-only subqueries.

    A verdict becomes visible (published, or superseded by a correction) only in ReviewService.approve,
    which always hands out a new, larger feed position, and a published version is never edited: so
    the highest feed position in the whole feed changes whenever any article's visible verdicts do.
    Coarser than per article (a publish anywhere re-renders each cached article once), but exact and
    one indexed row. Claims move only with a new revision; ratings change their updated_at.
    """
    return select(
        Article.id.label("article_id"),
        Article.updated_at.label("updated_at"),
        select(ArticleRevision.id).where(ArticleRevision.article_id == Article.id)
        .order_by(ArticleRevision.number.desc()).limit(1).scalar_subquery().label("revision_id"),
        select(func.max(Verdict.feed_position)).scalar_subquery().label("feed_position"),
        select(func.max(Rating.updated_at)).scalar_subquery().label("scale_updated_at"),
        select(func.count(Rating.id)).scalar_subquery().label("scale_size"),
    ).where(Article.external_id == bindparam("external_id"))


_FINGERPRINT = _fingerprint_statement()


class PublishingService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def article(self, external_id: str) -> tuple[Article, ArticleRevision]:
        article = self.db.scalar(select(Article).where(Article.external_id == external_id))
        if article is None:
            raise NotFoundError(f"No article has the external id {external_id!r}.")
        revision = self.db.scalar(
            select(ArticleRevision)
            .where(ArticleRevision.article_id == article.id)
            .order_by(ArticleRevision.number.desc())
            .limit(1)
        )
        if revision is None:
            raise NotFoundError(f"The article {external_id!r} has no text yet.")
        return article, revision

    def article_with_claims(self, external_id: str) -> tuple[Article, ArticleRevision, list[Claim]]:
        """The article, its current revision and the claims anchored in it (orphans left out)."""
        article, revision = self.article(external_id)
        claims = list(
            self.db.scalars(
                select(Claim)
                .where(Claim.revision_id == revision.id,
                       Claim.anchor_state != AnchorState.orphan.value)
                .options(selectinload(Claim.facts))
                .order_by(Claim.start, Claim.id)
            )
        )
        return article, revision, claims

    def article_fingerprint(self, external_id: str) -> tuple[object, ...]:
        """A key that changes whenever the article's visible verdicts, its current revision or the
        rating scale change: what a cached body depends on. One cheap statement, one round trip."""
        row = self.db.execute(_FINGERPRINT, {"external_id": external_id}).one_or_none()
        if row is None or row.revision_id is None:
            self.article(external_id)  # raises the right NotFoundError
        return tuple(row)  # type: ignore[arg-type]

    def article_verdicts(self, external_id: str) -> ArticleVerdicts:
        """Visible verdicts on the anchored claims of the article's current revision."""
        article, revision = self.article(external_id)
        rows = self.db.execute(
            select(Verdict, Claim)
            .join(Claim, Claim.id == Verdict.claim_id)
            .where(
                Claim.revision_id == revision.id,
                Claim.anchor_state != AnchorState.orphan.value,
                Verdict.state.in_(VISIBLE),
            )
            .options(selectinload(Verdict.evidence))
            .order_by(Claim.start, Claim.id, Verdict.number)
        ).all()
        history: dict[int, list[Verdict]] = defaultdict(list)
        claims: dict[int, Claim] = {}
        for verdict, claim in rows:
            history[claim.id].append(verdict)
            claims[claim.id] = claim
        verdicts = [
            PublishedVerdict(verdict=versions[-1], claim=claims[claim_id], article=article,
                             revision=revision, history=versions)
            for claim_id, versions in history.items()
        ]
        return ArticleVerdicts(article, revision, verdicts, self.scale_bounds())

    def verdict(self, verdict_id: int) -> tuple[PublishedVerdict, ScaleBounds]:
        verdict = self.db.get(Verdict, verdict_id)
        if verdict is None or verdict.state not in VISIBLE:
            raise NotFoundError(f"No published verdict has the id {verdict_id}.")
        return self._with_context([verdict])[0], self.scale_bounds()

    def feed(
        self, *, after_position: int | None = None, updated_since: datetime | None = None,
        limit: int = 100,
    ) -> FeedPage:
        """Visible verdict versions in feed order; a version keeps the position it was published at."""
        limit = max(1, min(limit, MAX_FEED_LIMIT))
        query = select(Verdict).where(Verdict.feed_position.is_not(None), Verdict.state.in_(VISIBLE))
        if after_position is not None:
            # Positions are 32-bit in the database; a larger cursor is simply past the end.
            query = query.where(Verdict.feed_position > min(after_position, MAX_POSITION))
        if updated_since is not None:
            query = query.where(Verdict.published_at >= updated_since)
        verdicts = list(
            self.db.scalars(
                query.options(selectinload(Verdict.evidence))
                .order_by(Verdict.feed_position)
                .limit(limit + 1)
            )
        )
        has_more = len(verdicts) > limit
        verdicts = verdicts[:limit]
        entries = self._with_context(verdicts)
        next_position = verdicts[-1].feed_position if verdicts else after_position
        return FeedPage(entries, next_position, has_more, self.scale_bounds())

    def scale_bounds(self) -> ScaleBounds:
        worst, best = self.db.execute(
            select(func.min(Rating.value), func.max(Rating.value)).where(Rating.is_active.is_(True))
        ).one()
        return ScaleBounds(best=best if best is not None else 0, worst=worst if worst is not None else 0)

    def _with_context(self, verdicts: list[Verdict]) -> list[PublishedVerdict]:
        if not verdicts:
            return []
        claim_ids = {v.claim_id for v in verdicts}
        claims = {c.id: c for c in self.db.scalars(select(Claim).where(Claim.id.in_(claim_ids)))}
        revision_ids = {c.revision_id for c in claims.values()}
        revisions = {
            r.id: r for r in self.db.scalars(
                select(ArticleRevision).where(ArticleRevision.id.in_(revision_ids))
            )
        }
        article_ids = {c.article_id for c in claims.values()}
        articles = {a.id: a for a in self.db.scalars(select(Article).where(Article.id.in_(article_ids)))}
        history: dict[int, list[Verdict]] = defaultdict(list)
        for version in self.db.scalars(
            select(Verdict)
            .where(Verdict.claim_id.in_(claim_ids), Verdict.state.in_(VISIBLE))
            .order_by(Verdict.number)
        ):
            history[version.claim_id].append(version)
        result = []
        for verdict in verdicts:
            claim = claims[verdict.claim_id]
            result.append(PublishedVerdict(
                verdict=verdict, claim=claim, article=articles[claim.article_id],
                revision=revisions[claim.revision_id], history=history[claim.id],
            ))
        return result
