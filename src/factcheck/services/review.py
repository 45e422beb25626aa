"""Editor review: approve and publish, return to the checker, corrections, and a claim's history.

Published verdicts are never edited: a correction is a new version that goes through review; on
approval the old version becomes `superseded` (still readable) and the new one is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from factcheck.exceptions import ConflictError, PermissionDenied, ValidationError
from factcheck.models import (
    AnchorState, AppSetting, Article, AuditEvent, Claim, ClaimStatus, Evidence, Role, User, Verdict,
    VerdictState, utcnow,
)
from factcheck.services import events
from factcheck.services.audit import AuditService
from factcheck.services.matching import MatchingService
from factcheck.services.desk_settings import DeskSettings
from factcheck.services.permissions import require_role
from factcheck.services.verdicts import clean_text, active_rating, bump_lock, next_number, stale_verdict
from factcheck.services.workflow import get_claim, move
from factcheck.settings import Settings

FEED_COUNTER_KEY = "feed.position"
MAX_NOTE = 5000


@dataclass
class ReviewItem:
    claim: Claim
    verdict: Verdict
    article_title: str
    published: Verdict | None  # the version a correction would replace
    proposer_name: str | None = None

    @property
    def is_correction(self) -> bool:
        return self.published is not None


@dataclass
class HistoryEntry:
    event: AuditEvent
    actor_name: str | None


@dataclass
class ClaimHistory:
    events: list[HistoryEntry]
    verdicts: list[Verdict]


def next_feed_position(db: Session) -> int:
    """The next position in the publishing feed, strictly greater than any handed out before.

    The counter lives in one app_setting row read with SELECT ... FOR UPDATE: on PostgreSQL a second
    publisher waits for the first to commit (or roll back), so positions are handed out in commit
    order and a feed reader paging by position never skips one. SQLite lets one writer at a time in,
    which gives the same guarantee. The row starts at the highest position already in use.
    """
    row = db.scalar(select(AppSetting).where(AppSetting.key == FEED_COUNTER_KEY).with_for_update())
    if row is None:
        start = db.scalar(select(func.max(Verdict.feed_position))) or 0
        try:
            with db.begin_nested():
                db.add(AppSetting(key=FEED_COUNTER_KEY, value={"last": start}))
        except IntegrityError:
            pass  # another publisher created it first; lock theirs below
        row = db.scalar(
            select(AppSetting).where(AppSetting.key == FEED_COUNTER_KEY)
            .with_for_update().execution_options(populate_existing=True)
        )
    position = int(row.value.get("last", 0)) + 1
    row.value = {"last": position}  # a new dict: JSON columns track reassignment, not mutation
    db.flush()
    return position


def _note(value: str | None, name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"The {name} is required.")
    if len(value) > MAX_NOTE or "\x00" in value:
        raise ValidationError(f"The {name} must be plain text of at most {MAX_NOTE} characters.")
    return value


class ReviewService:
    def __init__(self, db: Session, *, settings: Settings | None = None) -> None:
        self.db = db
        self.settings = settings
        minutes = settings.lease_minutes if settings else Settings.model_fields["lease_minutes"].default
        self.lease = timedelta(minutes=minutes)
        self.audit = AuditService(db)

    def queue(self, *, limit: int = 100) -> list[ReviewItem]:
        """Claims waiting for an editor, oldest submission first."""
        rows = self.db.execute(
            select(Claim, Verdict, Article.title)
            .join(Verdict, (Verdict.claim_id == Claim.id)
                  & (Verdict.state == VerdictState.in_review.value))
            .join(Article, Article.id == Claim.article_id)
            .where(Claim.status == ClaimStatus.in_review.value)
            .options(selectinload(Claim.facts), selectinload(Verdict.evidence))
            .order_by(Verdict.submitted_at, Verdict.id)
            .limit(limit)
        ).all()
        published = self._published({claim.id for claim, _, _ in rows})
        proposers = {v.proposed_by_id for _, v, _ in rows if v.proposed_by_id}
        names = dict(self.db.execute(select(User.id, User.name).where(User.id.in_(proposers))).all())
        return [ReviewItem(c, v, title, published.get(c.id), names.get(v.proposed_by_id))
                for c, v, title in rows]

    def approve(self, claim_id: int, *, actor: User, lock_version: int) -> Verdict:
        """Publish the verdict under review (a correction supersedes the published version)."""
        require_role(actor, Role.editor)
        claim, verdict = self._under_review(claim_id)
        if lock_version != verdict.lock_version:
            raise stale_verdict(verdict, lock_version)
        if verdict.proposed_by_id == actor.id and DeskSettings(self.db).two_person_rule():
            raise PermissionDenied(
                "The two-person rule is on: another editor must approve a verdict you proposed."
            )
        now = utcnow()
        values: dict = {"lease_expires_at": None}
        if claim.anchor_state == AnchorState.changed.value:
            # The editor has now approved a verdict on the new wording: the flag has done its job.
            values["anchor_state"] = AnchorState.anchored.value
        change = move(self.db, claim, ClaimStatus.published, values=values)
        previous = self._published({claim.id}).get(claim.id)
        if previous is not None:
            bump_lock(self.db, previous, previous.lock_version,
                      {"state": VerdictState.superseded.value})
        bump_lock(self.db, verdict, lock_version, {
            "state": VerdictState.published.value, "approved_by_id": actor.id,
            "approved_at": now, "published_at": now, "feed_position": next_feed_position(self.db),
        })
        MatchingService(self.db, settings=self.settings).index_verdict(verdict)  # "checked before"
        if previous is not None:
            event = "verdict.corrected"
            events.verdict_corrected(self.db, verdict, supersedes=previous)
        else:
            event = "verdict.published"
            events.verdict_published(self.db, verdict)
        self._record(event, verdict, claim, actor, {
            **change, "number": verdict.number, "feed_position": verdict.feed_position,
            "superseded_id": previous.id if previous else None,
        })
        return verdict

    def return_to_checker(
        self, claim_id: int, *, actor: User, comment: str, lock_version: int | None = None
    ) -> Verdict:
        """Send the verdict back with a comment; the proposer holds the claim again."""
        require_role(actor, Role.editor)
        comment = _note(comment, "comment for the checker")
        claim, verdict = self._under_review(claim_id)
        if lock_version is not None and lock_version != verdict.lock_version:
            raise stale_verdict(verdict, lock_version)
        change = move(self.db, claim, ClaimStatus.in_progress, values={
            "assignee_id": verdict.proposed_by_id, "lease_expires_at": utcnow() + self.lease,
        })
        bump_lock(self.db, verdict, verdict.lock_version if lock_version is None else lock_version,
                  {"state": VerdictState.returned.value, "review_comment": comment})
        self._record("verdict.returned", verdict, claim, actor,
                     {**change, "number": verdict.number, "comment": comment})
        return verdict

    def correct(
        self,
        claim_id: int,
        *,
        actor: User,
        rating_id: int,
        summary: str,
        reasoning: str = "",
        correction_note: str,
        claim_reviewed: str | None = None,
    ) -> Verdict:
        """Propose a corrected version of a published verdict; it is published on approval."""
        require_role(actor, Role.editor)
        claim = get_claim(self.db, claim_id)
        published = self._published({claim.id}).get(claim.id)
        if claim.status != ClaimStatus.published.value or published is None:
            raise ConflictError(
                f"Only a published verdict can be corrected (this claim is {claim.status}).",
                details={"status": claim.status},
            )
        rating = active_rating(self.db, rating_id)
        if rating is None:
            raise ValidationError("Choose a rating from the current scale.")
        summary = clean_text(summary, "summary")
        if not summary:
            raise ValidationError("The summary is required.")
        evidence = list(self.db.scalars(select(Evidence).where(Evidence.claim_id == claim.id)))
        if not evidence:
            raise ValidationError("A corrected verdict needs at least one source.")
        verdict = Verdict(
            claim_id=claim.id, number=next_number(self.db, claim.id),
            state=VerdictState.in_review.value, rating_id=rating.id,
            claim_reviewed=clean_text(claim_reviewed, "claim_reviewed") or published.claim_reviewed,
            summary=summary, reasoning=clean_text(reasoning, "reasoning"),
            correction_note=_note(correction_note, "public correction note"),
            proposed_by_id=actor.id, submitted_at=utcnow(), evidence=evidence,
        )
        reopened = move(self.db, claim, ClaimStatus.in_progress, correction=True,
                        values={"assignee_id": actor.id, "lease_expires_at": None})
        submitted = move(self.db, claim, ClaimStatus.in_review)
        self.db.add(verdict)
        self.db.flush()
        self._record("verdict.correction_proposed", verdict, claim, actor, {
            "before": reopened["before"], "after": submitted["after"], "number": verdict.number,
            "replaces": published.number,
        })
        return verdict

    def withdraw_correction(self, claim_id: int, *, actor: User, reason: str) -> Verdict:
        """Drop a correction that was started but not yet published; the published version stands.

        The proposed version (in review, returned or a draft) becomes `withdrawn` and stays in the
        history; the claim is published again with its lease cleared. Nothing is sent to readers.
        """
        require_role(actor, Role.editor)
        reason = _note(reason, "reason for withdrawing")
        claim = get_claim(self.db, claim_id)
        published = self._published({claim.id}).get(claim.id)
        proposal = None
        if published is not None:
            proposal = self.db.scalar(
                select(Verdict).where(
                    Verdict.claim_id == claim.id, Verdict.number > published.number,
                    Verdict.state.in_([VerdictState.draft.value, VerdictState.in_review.value,
                                       VerdictState.returned.value]))
                .order_by(Verdict.number.desc()).limit(1)
            )
        if (published is None or proposal is None or claim.status not in
                (ClaimStatus.in_progress.value, ClaimStatus.in_review.value)):
            raise ConflictError(
                f"This claim has no correction to withdraw (it is {claim.status}).",
                details={"status": claim.status},
            )
        change = move(self.db, claim, ClaimStatus.published, correction=True,
                      values={"assignee_id": None, "lease_expires_at": None})
        bump_lock(self.db, proposal, proposal.lock_version,
                  {"state": VerdictState.withdrawn.value, "review_comment": reason})
        self._record("verdict.correction_withdrawn", proposal, claim, actor, {
            **change, "number": proposal.number, "published": published.number, "reason": reason,
        })
        return proposal

    def history(self, claim_id: int) -> ClaimHistory:
        """Every audit event on the claim (oldest first) and every verdict version."""
        get_claim(self.db, claim_id)
        rows = self.db.execute(
            select(AuditEvent, User.name)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(AuditEvent.claim_id == claim_id)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        ).all()
        verdicts = list(self.db.scalars(
            select(Verdict).where(Verdict.claim_id == claim_id)
            .options(selectinload(Verdict.evidence)).order_by(Verdict.number)
        ))
        return ClaimHistory([HistoryEntry(e, name) for e, name in rows], verdicts)

    def _under_review(self, claim_id: int) -> tuple[Claim, Verdict]:
        claim = get_claim(self.db, claim_id)
        verdict = self.db.scalar(
            select(Verdict).where(Verdict.claim_id == claim.id,
                                  Verdict.state == VerdictState.in_review.value)
            .order_by(Verdict.number.desc()).limit(1)
        )
        if claim.status != ClaimStatus.in_review.value or verdict is None:
            raise ConflictError(
                f"This claim is not waiting for review (it is {claim.status}).",
                details={"status": claim.status},
            )
        return claim, verdict

    def _published(self, claim_ids: set[int]) -> dict[int, Verdict]:
        if not claim_ids:
            return {}
        verdicts = self.db.scalars(
            select(Verdict).where(Verdict.claim_id.in_(claim_ids),
                                  Verdict.state == VerdictState.published.value)
        )
        return {v.claim_id: v for v in verdicts}

    def _record(self, action: str, verdict: Verdict, claim: Claim, actor: User, details: dict) -> None:
        self.audit.record(action, subject_type="verdict", subject_id=verdict.id, actor=actor,
                          claim_id=claim.id, article_id=claim.article_id, details=details)
