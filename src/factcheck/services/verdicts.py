"""Proposed verdicts: drafts saved with optimistic locking, then submitted for an editor's review."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from factcheck.exceptions import (
    ConflictError, NotFoundError, PermissionDenied, StaleVersionError, ValidationError,
)
from factcheck.models import (
    Claim, ClaimStatus, Evidence, Rating, Role, User, Verdict, VerdictState, utcnow,
)
from factcheck.services.audit import AuditService
from factcheck.services.leases import holds
from factcheck.services.permissions import require_role
from factcheck.services.workflow import get_claim, move, valid_id

CLAIM_REVIEWED_ADVISED = 75  # ClaimReview's claimReviewed reads best when short
LIMITS = {"claim_reviewed": 1000, "summary": 2000, "reasoning": 50_000}
WORKING_STATES = (VerdictState.draft.value, VerdictState.returned.value)


@dataclass
class DraftResult:
    verdict: Verdict
    warnings: list[str] = field(default_factory=list)


def claim_reviewed_warnings(text: str) -> list[str]:
    if len(text) > CLAIM_REVIEWED_ADVISED:
        return [f"“Claim reviewed” is {len(text)} characters; search engines show about "
                f"{CLAIM_REVIEWED_ADVISED}. Consider shortening it."]
    return []


def clean_text(value: str | None, name: str) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError(f"The {name.replace('_', ' ')} contains a NUL character.")
    if len(value) > LIMITS[name]:
        raise ValidationError(f"The {name.replace('_', ' ')} is longer than {LIMITS[name]} characters.")
    return value


def active_rating(db: Session, rating_id: int | None) -> Rating | None:
    if rating_id is None:
        return None
    rating = db.get(Rating, rating_id) if valid_id(rating_id) else None
    if rating is None or not rating.is_active:
        raise ValidationError("Choose a rating from the current scale.")
    return rating


def next_number(db: Session, claim_id: int) -> int:
    return (db.scalar(select(func.max(Verdict.number)).where(Verdict.claim_id == claim_id)) or 0) + 1


def bump_lock(db: Session, verdict: Verdict, lock_version: int, values: dict) -> None:
    """Write `values` only if the verdict still has `lock_version` (one conditional UPDATE)."""
    if lock_version != verdict.lock_version:
        raise stale_verdict(verdict, lock_version)
    result = db.execute(
        update(Verdict)
        .where(Verdict.id == verdict.id, Verdict.lock_version == lock_version)
        .values(lock_version=Verdict.lock_version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    db.refresh(verdict)
    if result.rowcount != 1:
        raise stale_verdict(verdict, lock_version)


def stale_verdict(verdict: Verdict, lock_version: int) -> StaleVersionError:
    return StaleVersionError(
        f"Someone saved this verdict after you loaded it (your version {lock_version}, now "
        f"{verdict.lock_version}). Your changes were not saved: reload to see theirs.",
        details={"current_lock_version": verdict.lock_version},
    )


class VerdictService:
    def __init__(self, db: Session) -> None:
        self.db = db
        self.audit = AuditService(db)

    def versions(self, claim_id: int) -> list[Verdict]:
        return list(self.db.scalars(
            select(Verdict).where(Verdict.claim_id == claim_id).order_by(Verdict.number)
        ))

    def working(self, claim_id: int) -> Verdict | None:
        """The newest verdict still being written or reviewed, if any."""
        return self.db.scalar(
            select(Verdict)
            .where(Verdict.claim_id == claim_id,
                   Verdict.state.in_((*WORKING_STATES, VerdictState.in_review.value)))
            .order_by(Verdict.number.desc()).limit(1)
        )

    def save_draft(
        self,
        claim_id: int,
        *,
        actor: User,
        lock_version: int,
        rating_id: int | None = None,
        claim_reviewed: str = "",
        summary: str = "",
        reasoning: str = "",
    ) -> DraftResult:
        """Create (lock_version 0) or update the working draft; never over a newer save."""
        claim = self._writable_claim(claim_id, actor)
        values = {
            "rating_id": active_rating(self.db, rating_id).id if rating_id is not None else None,
            "claim_reviewed": clean_text(claim_reviewed, "claim_reviewed") or claim.exact.strip()[:1000],
            "summary": clean_text(summary, "summary"),
            "reasoning": clean_text(reasoning, "reasoning"),
        }
        verdict = self.working(claim.id)
        if verdict is not None and verdict.state == VerdictState.in_review.value:
            raise ConflictError("This verdict is with an editor for review and cannot be edited.")
        if verdict is None:
            if lock_version != 0:
                raise StaleVersionError(
                    "The draft you were editing no longer exists. Reload to start again.",
                    details={"current_lock_version": 0},
                )
            verdict = Verdict(claim_id=claim.id, number=next_number(self.db, claim.id),
                              state=VerdictState.draft.value, proposed_by_id=actor.id,
                              lock_version=1, **values)
            self.db.add(verdict)
            self.db.flush()
            before: dict = {}
        else:
            before = {k: getattr(verdict, k) for k in values} | {"state": verdict.state}
            bump_lock(self.db, verdict, lock_version,
                      {**values, "state": VerdictState.draft.value, "proposed_by_id": actor.id})
        changed = {k: getattr(verdict, k) for k in values if before.get(k) != getattr(verdict, k)}
        self._record("verdict.draft_saved", verdict, claim, actor,
                     {"number": verdict.number, "lock_version": verdict.lock_version,
                      "changed": sorted(changed)})
        return DraftResult(verdict, claim_reviewed_warnings(verdict.claim_reviewed))

    def submit(self, claim_id: int, *, actor: User, lock_version: int) -> Verdict:
        """Send the draft to review: it needs a rating, a summary and at least one source."""
        claim = self._writable_claim(claim_id, actor)
        verdict = self.working(claim.id)
        if verdict is None or verdict.state not in WORKING_STATES:
            raise ConflictError("There is no draft verdict to submit; save one first.")
        if lock_version != verdict.lock_version:
            raise stale_verdict(verdict, lock_version)
        problems = []
        if verdict.rating_id is None:
            problems.append("choose a rating")
        elif not verdict.rating.is_active:
            problems.append("choose a rating from the current scale")
        if not verdict.summary.strip():
            problems.append("write a summary")
        if not verdict.claim_reviewed.strip():
            problems.append("state the claim reviewed")
        evidence = list(self.db.scalars(select(Evidence).where(Evidence.claim_id == claim.id)))
        if not evidence:
            problems.append("attach at least one source")
        if problems:
            raise ValidationError("Before submitting, " + ", ".join(problems) + ".",
                                  details={"problems": problems})
        now = utcnow()
        change = move(self.db, claim, ClaimStatus.in_review, values={"lease_expires_at": None})
        bump_lock(self.db, verdict, lock_version, {
            "state": VerdictState.in_review.value, "submitted_at": now,
            "proposed_by_id": actor.id, "review_comment": None,
        })
        verdict.evidence = evidence  # the snapshot the editor approves and the public will see
        self.db.flush()
        self._record("verdict.submitted", verdict, claim, actor,
                     {**change, "number": verdict.number, "evidence_ids": [e.id for e in evidence]})
        return verdict

    def save_and_submit(
        self, claim_id: int, *, actor: User, lock_version: int, rating_id: int | None = None,
        claim_reviewed: str = "", summary: str = "", reasoning: str = "",
    ) -> Verdict:
        """Save the form as it stands, then submit it (what a "Submit for review" button means)."""
        saved = self.save_draft(claim_id, actor=actor, lock_version=lock_version,
                                rating_id=rating_id, claim_reviewed=claim_reviewed,
                                summary=summary, reasoning=reasoning)
        return self.submit(claim_id, actor=actor, lock_version=saved.verdict.lock_version)

    def _writable_claim(self, claim_id: int, actor: User) -> Claim:
        require_role(actor, Role.checker)
        claim = get_claim(self.db, claim_id)
        if claim.status != ClaimStatus.in_progress.value:
            raise ConflictError(
                f"The verdict can only be edited while the claim is in progress (it is {claim.status}).",
                details={"status": claim.status},
            )
        if not holds(claim, actor) and not actor.role_enum.at_least(Role.editor):
            raise PermissionDenied("Take this claim first: writing a verdict needs your live lease.")
        return claim

    def get(self, verdict_id: int) -> Verdict:
        verdict = self.db.get(Verdict, verdict_id) if valid_id(verdict_id) else None
        if verdict is None:
            raise NotFoundError(f"Verdict {verdict_id} does not exist.")
        return verdict

    def _record(self, action: str, verdict: Verdict, claim: Claim, actor: User, details: dict) -> None:
        self.audit.record(action, subject_type="verdict", subject_id=verdict.id, actor=actor,
                          claim_id=claim.id, article_id=claim.article_id, details=details)
