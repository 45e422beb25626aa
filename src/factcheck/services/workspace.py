"""Everything the claim workspace shows, gathered in one call: the claim in context, lease, evidence, verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.models import (
    Article, ArticleRevision, Claim, ClaimStatus, Evidence, Rating, Role, Sentence, User, Verdict,
    VerdictState, utcnow,
)
from factcheck.services.leases import LeaseService, holds
from factcheck.services.ratings import RatingService
from factcheck.services.review import ClaimHistory, ReviewService
from factcheck.services.verdicts import VerdictService
from factcheck.services.workflow import allowed_transitions, get_claim
from factcheck.settings import Settings

CONTEXT_SENTENCES = 2
CONTEXT_CHARS = 400  # when the revision has no sentence rows (e.g. a re-anchored claim)


@dataclass
class Workspace:
    claim: Claim
    article: Article
    revision: ArticleRevision
    before: str  # text leading up to the claim (its sentences' neighbours)
    after: str
    holder: User | None
    lease_expires_at: datetime | None
    i_hold: bool
    can_edit: bool  # may change evidence and the verdict draft
    evidence: list[Evidence]
    working: Verdict | None  # the draft, returned or in-review verdict
    versions: list[Verdict]
    history: ClaimHistory
    ratings: list[Rating]
    duplicate_of: Claim | None
    allowed: list[str]

    @property
    def published(self) -> Verdict | None:
        return next((v for v in self.versions if v.state == VerdictState.published.value), None)

    @property
    def lease_live(self) -> bool:
        return self.lease_expires_at is not None and self.lease_expires_at > utcnow()


class WorkspaceService:
    def __init__(self, db: Session, *, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def load(self, claim_id: int, *, actor: User) -> Workspace:
        claim = get_claim(self.db, claim_id)
        revision = self.db.get(ArticleRevision, claim.revision_id)
        article = self.db.get(Article, claim.article_id)
        before, after = self._context(claim, revision)
        in_progress = claim.status == ClaimStatus.in_progress.value
        i_hold = holds(claim, actor)
        is_editor = actor.role_enum.at_least(Role.editor)
        return Workspace(
            claim=claim, article=article, revision=revision, before=before, after=after,
            holder=self.db.get(User, claim.assignee_id) if claim.assignee_id else None,
            lease_expires_at=claim.lease_expires_at if in_progress else None,
            i_hold=i_hold,
            can_edit=in_progress and (i_hold or is_editor),
            evidence=list(self.db.scalars(
                select(Evidence).where(Evidence.claim_id == claim.id).order_by(Evidence.id))),
            working=VerdictService(self.db).working(claim.id),
            versions=VerdictService(self.db).versions(claim.id),
            history=ReviewService(self.db, settings=self.settings).history(claim.id),
            ratings=RatingService(self.db).list(),
            duplicate_of=self.db.get(Claim, claim.duplicate_of_id) if claim.duplicate_of_id else None,
            allowed=sorted(s.value for s in allowed_transitions(claim.status)),
        )

    def mine(self, actor: User) -> list[tuple[Claim, Article]]:
        """The actor's claims with their articles (for the my-claims page)."""
        claims = LeaseService(self.db, settings=self.settings).mine(actor)
        articles = {a.id: a for a in self.db.scalars(
            select(Article).where(Article.id.in_({c.article_id for c in claims})))}
        return [(c, articles[c.article_id]) for c in claims]

    def _context(self, claim: Claim, revision: ArticleRevision) -> tuple[str, str]:
        text = revision.text
        if not (0 <= claim.start <= claim.end <= len(text)) or text[claim.start:claim.end] != claim.exact:
            return claim.prefix, claim.suffix  # the text moved on: show the quote's own context
        sentences = list(self.db.scalars(
            select(Sentence).where(Sentence.revision_id == revision.id).order_by(Sentence.index)))
        inside = [i for i, s in enumerate(sentences) if s.end > claim.start and s.start < claim.end]
        if inside:
            first = sentences[max(0, inside[0] - CONTEXT_SENTENCES)]
            last = sentences[min(len(sentences) - 1, inside[-1] + CONTEXT_SENTENCES)]
            start, end = min(first.start, claim.start), max(last.end, claim.end)
        else:
            start, end = max(0, claim.start - CONTEXT_CHARS), min(len(text), claim.end + CONTEXT_CHARS)
        return text[start:claim.start], text[claim.end:end]
