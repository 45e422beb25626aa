"""Triage: the queue of candidate claims, and accept / dismiss / mark-duplicate / undo on each."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session, selectinload

from factcheck.analysis.anchoring import quote_selector
from factcheck.analysis.claim_detector import ClaimDetector
from factcheck.exceptions import ConflictError, NotFoundError, ValidationError
from factcheck.models import (
    Article, ArticleRevision, AuditEvent, Claim, ClaimStatus, Fact, Role, Sentence, User,
)
from factcheck.services.audit import AuditService
from factcheck.services.permissions import require_role
from factcheck.services.workflow import get_claim, move, valid_id

MAX_MANUAL_CLAIM_CHARS = 1000
MAX_BULK = 200
MAX_PAGE = 200
TRIAGE_ACTIONS = ("claim.accepted", "claim.dismissed", "claim.duplicate")
UNDO_ACTION = "claim.triage_undone"
BULK_ACTIONS = {"accept": ClaimStatus.accepted, "dismiss": ClaimStatus.dismissed}
_KIND = re.compile(r"^[a-z_]{1,32}$")


@dataclass
class QueueItem:
    claim: Claim
    article_id: int
    article_title: str


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)  # claim id → why it was left alone


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class TriageService:
    def __init__(self, db: Session) -> None:
        self.db = db
        self.audit = AuditService(db)

    # -- reading -------------------------------------------------------------------------------

    def queue(
        self,
        *,
        article_id: int | None = None,
        kind: str | None = None,
        min_score: float | None = None,
        max_score: float | None = None,
        status: str = ClaimStatus.candidate.value,
        search: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[QueueItem]:
        """Claims in `status`, highest score first, ties newest article first (facts eager-loaded)."""
        if status not in ClaimStatus.__members__:
            raise ValidationError(f"Unknown status {status!r}.")
        if kind is not None and not _KIND.match(kind):
            raise ValidationError(f"Unknown claim kind {kind!r}.")
        for name, value in (("min_score", min_score), ("max_score", max_score)):
            if value is not None and not 0 <= value <= 1:
                raise ValidationError(f"{name} must be between 0 and 1.")
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise ValidationError(f"limit must be 1–{MAX_PAGE} and offset not negative.")
        query = (
            select(Claim, Article.title)
            .join(Article, Article.id == Claim.article_id)
            .where(Claim.status == status)
            .options(selectinload(Claim.facts))
            .order_by(Claim.score.desc(), Article.created_at.desc(), Article.id.desc(), Claim.start)
            .limit(limit)
            .offset(offset)
        )
        if article_id is not None:
            query = query.where(Claim.article_id == article_id)
        if kind:
            # kinds is a JSON list; its text form holds each kind as a quoted string on both backends.
            query = query.where(cast(Claim.kinds, String).like(f'%"{kind}"%'))
        if min_score is not None:
            query = query.where(Claim.score >= min_score)
        if max_score is not None:
            query = query.where(Claim.score <= max_score)
        if search and search.strip():
            query = query.where(Claim.exact.ilike(_like(search.strip()), escape="\\"))
        return [QueueItem(claim, claim.article_id, title) for claim, title in self.db.execute(query)]

    def counts(self, *, article_id: int | None = None) -> dict[str, int]:
        """How many claims are in each status (every status present, zero when empty)."""
        query = select(Claim.status, func.count(Claim.id)).group_by(Claim.status)
        if article_id is not None:
            query = query.where(Claim.article_id == article_id)
        counts = {s.value: 0 for s in ClaimStatus}
        counts.update(dict(self.db.execute(query).all()))
        return counts

    def item(self, claim_id: int) -> QueueItem:
        row = self.db.execute(
            select(Claim, Article.title)
            .join(Article, Article.id == Claim.article_id)
            .where(Claim.id == claim_id)
            .options(selectinload(Claim.facts))
        ).first()
        if row is None:
            raise NotFoundError(f"Claim {claim_id} does not exist.")
        return QueueItem(row[0], row[0].article_id, row[1])

    def search_claims(self, q: str, *, limit: int = 10, exclude_id: int | None = None) -> list[QueueItem]:
        """Claims whose text contains `q` (or whose id is `#q`), for the duplicate type-ahead."""
        q = (q or "").strip()
        if not q:
            return []
        limit = max(1, min(limit, 25))
        condition = Claim.exact.ilike(_like(q), escape="\\")
        if q.lstrip("#").isdigit() and len(q) < 10:
            condition = condition | (Claim.id == int(q.lstrip("#")))
        query = (
            select(Claim, Article.title)
            .join(Article, Article.id == Claim.article_id)
            .where(condition, Claim.status != ClaimStatus.duplicate.value)
            .options(selectinload(Claim.facts))
            .order_by(Claim.id.desc())
            .limit(limit)
        )
        if exclude_id is not None:
            query = query.where(Claim.id != exclude_id)
        return [QueueItem(claim, claim.article_id, title) for claim, title in self.db.execute(query)]

    # -- actions -------------------------------------------------------------------------------

    def accept(self, claim_id: int, *, actor: User, version: int) -> Claim:
        return self._triage(claim_id, ClaimStatus.accepted, actor=actor, version=version)

    def dismiss(self, claim_id: int, *, actor: User, version: int) -> Claim:
        return self._triage(claim_id, ClaimStatus.dismissed, actor=actor, version=version)

    def mark_duplicate(
        self, claim_id: int, *, actor: User, version: int, duplicate_of_id: int
    ) -> Claim:
        require_role(actor, Role.checker)
        if duplicate_of_id == claim_id:
            raise ValidationError("A claim cannot be a duplicate of itself.")
        original = self.db.get(Claim, duplicate_of_id) if valid_id(duplicate_of_id) else None
        if original is None:
            raise ValidationError(f"Claim {duplicate_of_id} does not exist.")
        if original.status == ClaimStatus.duplicate.value:
            raise ValidationError(
                f"Claim {duplicate_of_id} is itself a duplicate of claim {original.duplicate_of_id}; "
                "mark this one as a duplicate of that claim."
            )
        return self._triage(
            claim_id, ClaimStatus.duplicate, actor=actor, version=version,
            values={"duplicate_of_id": duplicate_of_id},
        )

    def undo(self, claim_id: int, *, actor: User) -> Claim:
        """Revert the actor's last triage action on this claim, if nothing changed it since."""
        require_role(actor, Role.checker)
        claim = get_claim(self.db, claim_id)
        last = self.db.scalar(
            select(AuditEvent)
            .where(
                AuditEvent.claim_id == claim_id,
                AuditEvent.actor_id == actor.id,
                AuditEvent.action.in_((*TRIAGE_ACTIONS, UNDO_ACTION)),
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        if last is None or last.action == UNDO_ACTION:
            raise ConflictError("You have no triage action on this claim left to undo.")
        after = last.details.get("after", {})
        if claim.status != after.get("status") or claim.version != after.get("version"):
            raise ConflictError(
                f"Claim {claim_id} changed after your {last.action.removeprefix('claim.')} "
                f"(it is now {claim.status}); there is nothing safe to undo.",
                details={"status": claim.status, "current_version": claim.version},
            )
        restored = last.details.get("before", {}).get("status", ClaimStatus.candidate.value)
        change = move(
            self.db, claim, ClaimStatus(restored), version=claim.version,
            values={"duplicate_of_id": None},
        )
        self._record(UNDO_ACTION, claim, actor, {**change, "undone_event_id": last.id})
        return claim

    def bulk(self, action: str, claim_ids: list[int], *, actor: User) -> BulkResult:
        """Accept or dismiss many claims; those no longer candidates are skipped, with the reason."""
        require_role(actor, Role.checker)
        if action not in BULK_ACTIONS:
            raise ValidationError(f"Bulk action must be one of: {', '.join(BULK_ACTIONS)}.")
        ids = list(dict.fromkeys(claim_ids))
        if not ids:
            raise ValidationError("Select at least one claim.")
        if len(ids) > MAX_BULK:
            raise ValidationError(f"At most {MAX_BULK} claims at a time.")
        claims = {c.id: c for c in self.db.scalars(
            select(Claim).where(Claim.id.in_([i for i in ids if valid_id(i)])))}
        missing = [i for i in ids if i not in claims]
        if missing:
            raise NotFoundError(f"No claim with id {', '.join(map(str, missing))}.")
        result = BulkResult()
        for claim_id in ids:
            claim = claims[claim_id]
            if claim.status != ClaimStatus.candidate.value:
                result.skipped[claim_id] = f"already {claim.status}"
                continue
            self._triage(claim_id, BULK_ACTIONS[action], actor=actor, version=claim.version,
                         bulk=True)
            result.done.append(claim_id)
        return result

    def add_manual_claim(self, *, article_id: int, start: int, end: int, actor: User,
                         detector: ClaimDetector | None = None) -> Claim:
        """A claim the detector missed, marked by a checker on the current revision (accepted),
        scored and explained by `detector` (the one ingest uses: `ingest.make_detector(settings)`;
        the default scorer when not given)."""
        require_role(actor, Role.checker)
        article = self.db.get(Article, article_id) if valid_id(article_id) else None
        if article is None:
            raise NotFoundError(f"Article {article_id} does not exist.")
        revision = article.current_revision
        if revision is None:
            raise ValidationError("This article has no text yet.")
        text = revision.text
        if not 0 <= start < end <= len(text):
            raise ValidationError(f"The selection {start}–{end} is outside the article's text.")
        span = text[start:end]
        if not span.strip():
            raise ValidationError("The selection is empty or only whitespace.")
        start += len(span) - len(span.lstrip())
        end -= len(span) - len(span.rstrip())
        if end - start > MAX_MANUAL_CLAIM_CHARS:
            raise ValidationError(f"A claim is at most {MAX_MANUAL_CLAIM_CHARS} characters.")
        self._refuse_same_span(revision, start, end)
        quote = quote_selector(text, start, end)
        published = article.published_at.date() if article.published_at else None
        result = (detector or ClaimDetector()).score_sentences([quote.exact], published_at=published)[0]
        claim = Claim(
            article_id=article.id, revision_id=revision.id, sentence_id=self._sentence_at(revision, start),
            status=ClaimStatus.accepted.value, origin="manual",
            exact=quote.exact, prefix=quote.prefix, suffix=quote.suffix, start=start, end=end,
            score=result.score, kinds=list(result.kinds), reasons=list(result.reasons),
            created_by_id=actor.id,
            facts=[Fact(kind=f.kind, text=f.text, start=f.start + start, end=f.end + start,
                        value=f.value) for f in result.facts],
        )
        self.db.add(claim)
        self.db.flush()
        self._record("claim.created", claim, actor, {
            "after": {"status": claim.status, "version": claim.version},
            "origin": "manual", "start": start, "end": end,
        })
        return claim

    # -- internals -----------------------------------------------------------------------------

    def _triage(
        self, claim_id: int, to: ClaimStatus, *, actor: User, version: int,
        values: dict | None = None, bulk: bool = False,
    ) -> Claim:
        require_role(actor, Role.checker)
        claim = get_claim(self.db, claim_id)
        before_dup = claim.duplicate_of_id
        change = move(self.db, claim, to, version=version, values=values)
        details = {**change, "bulk": True} if bulk else change
        if to is ClaimStatus.duplicate:
            details["before"]["duplicate_of_id"] = before_dup
            details["after"]["duplicate_of_id"] = claim.duplicate_of_id
        self._record(f"claim.{to.value}", claim, actor, details)
        return claim

    def _record(self, action: str, claim: Claim, actor: User, details: dict) -> None:
        self.audit.record(action, subject_type="claim", subject_id=claim.id, actor=actor,
                          claim_id=claim.id, article_id=claim.article_id, details=details)

    def _refuse_same_span(self, revision: ArticleRevision, start: int, end: int) -> None:
        existing = self.db.scalar(
            select(Claim.id).where(Claim.revision_id == revision.id, Claim.start == start,
                                   Claim.end == end).limit(1)
        )
        if existing is not None:
            raise ConflictError(f"Claim {existing} already covers exactly this text.",
                                details={"claim_id": existing})

    def _sentence_at(self, revision: ArticleRevision, offset: int) -> int | None:
        return self.db.scalar(
            select(Sentence.id).where(Sentence.revision_id == revision.id,
                                      Sentence.start <= offset, Sentence.end > offset).limit(1)
        )
