"""Reading an article's revisions: the list with what each one did, the diff of two, and the orphans."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factcheck.analysis.text_diff import DiffChunk, diff_revisions
from factcheck.exceptions import NotFoundError, ValidationError
from factcheck.models import (
    AnchorState, Article, ArticleRevision, AuditEvent, Claim, Rating, Sentence, User, Verdict,
    VerdictState,
)
from factcheck.services.workflow import valid_id

MAX_ORPHANS = 500


@dataclass
class RevisionRow:
    revision: ArticleRevision
    sentences: int
    author: str | None
    counts: dict[str, int] = field(default_factory=dict)  # what the revision did to the claims


@dataclass
class RevisionDiff:
    article: Article
    old: ArticleRevision
    new: ArticleRevision
    chunks: list[DiffChunk]

    @property
    def changes(self) -> int:
        return sum(1 for c in self.chunks if c.op != "equal")


@dataclass
class OrphanRow:
    claim: Claim
    article: Article
    revision_number: int  # the last revision the claim was placed in
    verdict_state: str | None  # of its newest verdict
    rating_label: str | None


class RevisionHistory:
    def __init__(self, db: Session) -> None:
        self.db = db

    def article(self, article_id: int) -> Article:
        article = self.db.get(Article, article_id) if valid_id(article_id) else None
        if article is None:
            raise NotFoundError(f"Article {article_id} does not exist.")
        return article

    def revisions(self, article_id: int) -> tuple[Article, list[RevisionRow]]:
        """Newest first, each with its sentence count, author, and claim counts from the audit."""
        article = self.article(article_id)
        ids = [r.id for r in article.revisions]
        sentences = dict(self.db.execute(
            select(Sentence.revision_id, func.count()).where(Sentence.revision_id.in_(ids))
            .group_by(Sentence.revision_id)
        ).all()) if ids else {}
        authors = {r.created_by_id for r in article.revisions if r.created_by_id}
        names = dict(self.db.execute(select(User.id, User.name).where(User.id.in_(authors))).all()) \
            if authors else {}
        counts: dict[int, dict[str, int]] = {}
        for event in self.db.scalars(
            select(AuditEvent).where(AuditEvent.article_id == article.id,
                                     AuditEvent.action.in_(("article.created", "article.revised")))
        ):
            number = event.details.get("revision", 1)
            counts[number] = {k: v for k, v in event.details.items()
                              if isinstance(v, int) and k not in ("revision", "previous")}
        rows = [RevisionRow(r, sentences.get(r.id, 0), names.get(r.created_by_id), counts.get(r.number, {}))
                for r in article.revisions]
        return article, rows[::-1]

    def diff(self, article_id: int, number: int, *, against: int | None = None) -> RevisionDiff:
        """Revision `number` compared with `against` (by default the one before it)."""
        article = self.article(article_id)
        by_number = {r.number: r for r in article.revisions}
        new = by_number.get(number)
        if new is None:
            raise NotFoundError(f"Article {article_id} has no revision {number}.")
        if against is None:
            against = number - 1 if number > 1 else number
        old = by_number.get(against)
        if old is None:
            raise ValidationError(f"There is no revision {against} to compare with "
                                  f"(revisions 1 to {max(by_number)}).")
        return RevisionDiff(article, old, new, diff_revisions(old.text, new.text))

    def orphans(self, *, article_id: int | None = None) -> list[OrphanRow]:
        """Claims that could not be placed in their article's current text, newest first."""
        query = (
            select(Claim, Article, ArticleRevision.number)
            .join(Article, Article.id == Claim.article_id)
            .join(ArticleRevision, ArticleRevision.id == Claim.revision_id)
            .where(Claim.anchor_state == AnchorState.orphan.value)
            .order_by(Claim.updated_at.desc(), Claim.id.desc())
            .limit(MAX_ORPHANS)
        )
        if article_id is not None:
            query = query.where(Claim.article_id == self.article(article_id).id)
        rows = self.db.execute(query).all()
        verdicts = self._newest_verdicts([claim.id for claim, _, _ in rows])
        return [
            OrphanRow(claim, article, number,
                      verdicts[claim.id][0] if claim.id in verdicts else None,
                      verdicts[claim.id][1] if claim.id in verdicts else None)
            for claim, article, number in rows
        ]

    def _newest_verdicts(self, claim_ids: list[int]) -> dict[int, tuple[str, str | None]]:
        """State and rating of each claim's newest verdict (a superseded one never wins)."""
        if not claim_ids:
            return {}
        rows = self.db.execute(
            select(Verdict.claim_id, Verdict.state, Rating.label)
            .outerjoin(Rating, Rating.id == Verdict.rating_id)
            .where(Verdict.claim_id.in_(claim_ids), Verdict.state != VerdictState.superseded.value)
            .order_by(Verdict.claim_id, Verdict.number)
        ).all()
        newest: dict[int, tuple[str, str | None]] = {}
        for claim_id, state, label in rows:
            # A published verdict stays what readers see, even while a newer version is in review.
            if newest.get(claim_id, ("",))[0] != VerdictState.published.value:
                newest[claim_id] = (state, label)
        return newest
