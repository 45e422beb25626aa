"""The desk's dashboard figures: queue sizes, the oldest waiting claims, checks per day, ratings.

Aggregates run as GROUP BY queries; days are bucketed in Python (UTC) so SQLite and PostgreSQL agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factcheck.models import (
    Article, Claim, ClaimStatus, Rating, Role, User, Verdict, VerdictState, utcnow,
)
from factcheck.services.permissions import require_role

QUEUE_ORDER = tuple(ClaimStatus)
WAITING = (ClaimStatus.candidate, ClaimStatus.accepted, ClaimStatus.in_review)


@dataclass(frozen=True)
class Waiting:
    """The claim that has waited longest in one state, and since when."""

    status: str
    claim_id: int
    exact: str
    article_id: int
    article_title: str
    since: datetime
    age: timedelta


@dataclass(frozen=True)
class RatingCount:
    rating: Rating
    count: int


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    queue: dict[str, int]  # every status, in workflow order
    oldest: list[Waiting]  # one per waiting state that has claims
    checked_per_day: list[tuple[date, int]]  # oldest day first, today last
    ratings: list[RatingCount]  # current published verdicts per rating, scale order

    @property
    def checked_total(self) -> int:
        return sum(count for _, count in self.checked_per_day)


class DashboardService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def summary(self, *, actor: User | None, now: datetime | None = None, days: int = 30) -> Dashboard:
        require_role(actor, Role.checker)
        now = now or utcnow()
        return Dashboard(
            now=now,
            queue=self.queue_sizes(),
            oldest=[w for status in WAITING if (w := self.oldest_waiting(status, now=now))],
            checked_per_day=self.checked_per_day(now=now, days=days),
            ratings=self.rating_distribution(),
        )

    def queue_sizes(self) -> dict[str, int]:
        counts = dict(self.db.execute(select(Claim.status, func.count(Claim.id)).group_by(Claim.status)).all())
        return {status.value: counts.get(status.value, 0) for status in QUEUE_ORDER}

    def oldest_waiting(self, status: ClaimStatus, *, now: datetime) -> Waiting | None:
        # Candidates wait from detection, queued claims from their last move (acceptance or a
        # release), claims in review from the submission of the verdict the editor must read.
        if status is ClaimStatus.in_review:
            since = func.coalesce(Verdict.submitted_at, Claim.updated_at)
            query = select(Claim, Article.title, since).join(
                Verdict, (Verdict.claim_id == Claim.id) & (Verdict.state == VerdictState.in_review.value),
                isouter=True,
            )
        else:
            since = Claim.created_at if status is ClaimStatus.candidate else Claim.updated_at
            query = select(Claim, Article.title, since)
        row = self.db.execute(
            query.join(Article, Article.id == Claim.article_id)
            .where(Claim.status == status.value)
            .order_by(since, Claim.id)
            .limit(1)
        ).first()
        if row is None:
            return None
        claim, title, waited_from = row
        waited_from = _aware(waited_from)
        return Waiting(status.value, claim.id, claim.exact, claim.article_id, title, waited_from,
                       max(now - waited_from, timedelta(0)))

    def checked_per_day(self, *, now: datetime, days: int = 30) -> list[tuple[date, int]]:
        """Claims whose first verdict was published on each of the last `days` days (UTC);
        corrections are not new checks."""
        today = now.date()
        first_day = today - timedelta(days=days - 1)
        start = datetime.combine(first_day, datetime.min.time(), tzinfo=now.tzinfo)
        first_published = func.min(Verdict.published_at)
        rows = self.db.execute(
            select(Verdict.claim_id, first_published)
            .where(Verdict.published_at.is_not(None))
            .group_by(Verdict.claim_id)
            .having(first_published >= start)
        ).all()
        buckets = {first_day + timedelta(days=i): 0 for i in range(days)}
        for _, published_at in rows:
            day = _aware(published_at).date()
            if day in buckets:
                buckets[day] += 1
        return sorted(buckets.items())

    def rating_distribution(self) -> list[RatingCount]:
        counts = dict(self.db.execute(
            select(Verdict.rating_id, func.count(Verdict.id))
            .where(Verdict.state == VerdictState.published.value, Verdict.rating_id.is_not(None))
            .group_by(Verdict.rating_id)
        ).all())
        ratings = self.db.scalars(select(Rating).order_by(Rating.position, Rating.id))
        return [RatingCount(r, counts.get(r.id, 0)) for r in ratings if r.is_active or counts.get(r.id)]


def _aware(value: datetime) -> datetime:
    """A safeguard for aggregates whose result type a driver might not keep (naive UTC or text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
