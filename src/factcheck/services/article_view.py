"""Reading an article for the annotated view: its claims, their published verdicts, corrections and counts.

A fixed number of queries whatever the number of claims (eager loading; no N+1).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from factcheck.exceptions import NotFoundError
from factcheck.models import (
    AnchorState, Article, ArticleRevision, Claim, ClaimStatus, Evidence, Rating, User, Verdict,
    VerdictState,
)

# The states a claim can be highlighted in; dismissed and duplicate claims are not highlighted.
VISIBLE_STATUSES = (
    ClaimStatus.candidate, ClaimStatus.accepted, ClaimStatus.in_progress,
    ClaimStatus.in_review, ClaimStatus.published,
)
MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
PUBLIC_VERDICT_STATES = (VerdictState.published.value, VerdictState.superseded.value)


@dataclass
class ClaimVerdicts:
    """A claim's public verdict history: the current published version first, then earlier ones."""

    current: Verdict | None = None
    earlier: list[Verdict] = field(default_factory=list)  # newest first


@dataclass
class ArticleView:
    article: Article
    revision: ArticleRevision | None
    published_only: bool
    claims: list[Claim]
    verdicts: dict[int, ClaimVerdicts]
    users: dict[int, User]
    state_counts: Counter[str]
    rating_counts: Counter[int]  # rating id -> published claims
    ratings: list[Rating]  # the scale, in order (for the legend)
    # Evidence attached to published claims, for verdicts that do not name their own.
    claim_evidence: dict[int, list[Evidence]] = field(default_factory=dict)

    def verdicts_for(self, claim: Claim) -> ClaimVerdicts:
        return self.verdicts.get(claim.id) or ClaimVerdicts()

    def user_name(self, user_id: int | None) -> str | None:
        user = self.users.get(user_id) if user_id is not None else None
        return user.name if user else None


class ArticleViewService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def load(self, article_id: int, *, published_only: bool = False) -> ArticleView:
        """The article's current revision with its anchored claims; `published_only` keeps only
        claims with a published verdict (what readers see)."""
        if not 1 <= article_id <= MAX_ID:
            raise NotFoundError(f"Article {article_id} does not exist.")
        article = self.db.scalar(
            select(Article).where(Article.id == article_id).options(selectinload(Article.revisions))
        )
        if article is None:
            raise NotFoundError(f"Article {article_id} does not exist.")
        revision = article.current_revision
        ratings = list(self.db.scalars(select(Rating).order_by(Rating.position, Rating.id)))
        if revision is None:
            return ArticleView(article, None, published_only, [], {}, {}, Counter(), Counter(), ratings)

        claims = list(
            self.db.scalars(
                select(Claim)
                .where(
                    Claim.revision_id == revision.id,
                    Claim.anchor_state != AnchorState.orphan.value,
                    Claim.status.in_([s.value for s in VISIBLE_STATUSES]),
                )
                .options(selectinload(Claim.facts))
                .order_by(Claim.start, Claim.end.desc(), Claim.id)
            )
        )
        verdicts = self._public_verdicts([c.id for c in claims])
        if published_only:
            claims = [c for c in claims if verdicts.get(c.id) and verdicts[c.id].current]
        users = self._users(verdicts)
        claim_evidence = self._evidence([c.id for c in claims if c.id in verdicts])
        state_counts = Counter(c.status for c in claims)
        rating_counts = Counter(
            v.current.rating_id for c in claims
            if (v := verdicts.get(c.id)) and v.current and v.current.rating_id is not None
        )
        return ArticleView(
            article, revision, published_only, claims, verdicts, users, state_counts,
            rating_counts, ratings, claim_evidence,
        )

    def _public_verdicts(self, claim_ids: list[int]) -> dict[int, ClaimVerdicts]:
        if not claim_ids:
            return {}
        rows = self.db.scalars(
            select(Verdict)
            .where(Verdict.claim_id.in_(claim_ids), Verdict.state.in_(PUBLIC_VERDICT_STATES))
            .options(selectinload(Verdict.evidence).joinedload(Evidence.source))
            .order_by(Verdict.claim_id, Verdict.number.desc())
        )
        result: dict[int, ClaimVerdicts] = {}
        for verdict in rows:
            entry = result.setdefault(verdict.claim_id, ClaimVerdicts())
            if verdict.state == VerdictState.published.value and entry.current is None:
                entry.current = verdict
            else:
                entry.earlier.append(verdict)
        return result

    def _evidence(self, claim_ids: list[int]) -> dict[int, list[Evidence]]:
        result: dict[int, list[Evidence]] = {}
        if claim_ids:
            for evidence in self.db.scalars(
                select(Evidence).where(Evidence.claim_id.in_(claim_ids)).order_by(Evidence.id)
            ):
                result.setdefault(evidence.claim_id, []).append(evidence)
        return result

    def _users(self, verdicts: dict[int, ClaimVerdicts]) -> dict[int, User]:
        ids = {
            user_id
            for entry in verdicts.values()
            for verdict in ([entry.current] if entry.current else []) + entry.earlier
            for user_id in (verdict.approved_by_id, verdict.proposed_by_id)
            if user_id is not None
        }
        if not ids:
            return {}
        return {user.id: user for user in self.db.scalars(select(User).where(User.id.in_(ids)))}
