"""The claim status machine: which transitions exist, and one compare-and-set UPDATE that makes them.

Every status change in the services goes through `move()`, so a change is refused unless the row
still has the status (and, when given, the version) the caller read: concurrent edits cannot be lost.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from factcheck.exceptions import IllegalTransitionError, NotFoundError, StaleVersionError
from factcheck.models import Claim, ClaimStatus

S = ClaimStatus

TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    S.candidate: frozenset({S.accepted, S.dismissed, S.duplicate}),
    # accepted → candidate undoes a triage action; in_progress is taking the claim.
    S.accepted: frozenset({S.in_progress, S.dismissed, S.duplicate, S.candidate}),
    # in_progress → accepted is releasing the lease.
    S.in_progress: frozenset({S.in_review, S.accepted}),
    S.in_review: frozenset({S.published, S.in_progress}),
    S.published: frozenset({S.in_progress}),  # only through a correction
    S.dismissed: frozenset({S.candidate}),
    S.duplicate: frozenset({S.candidate}),
}

TRIAGE_STATUSES = frozenset({S.accepted, S.dismissed, S.duplicate})


def allowed_transitions(current: str, *, correction: bool = False) -> frozenset[ClaimStatus]:
    """The statuses a claim in `current` may move to.

    `correction` opens published → in_progress (starting a correction) and in_progress/in_review →
    published (withdrawing one: the published version was never replaced).
    """
    allowed = TRANSITIONS.get(ClaimStatus(current), frozenset())
    if ClaimStatus(current) is S.published and not correction:
        return frozenset()
    if correction and ClaimStatus(current) in (S.in_progress, S.in_review):
        return allowed | {S.published}  # withdrawing a correction: the published version stands
    return allowed


def check_transition(current: str, requested: str, *, correction: bool = False) -> None:
    """Raise IllegalTransitionError (naming the allowed statuses) unless the move is allowed."""
    allowed = allowed_transitions(current, correction=correction)
    if requested not in allowed:
        raise IllegalTransitionError(current, requested, [s.value for s in allowed])


def move(
    db: Session,
    claim: Claim,
    to: ClaimStatus,
    *,
    version: int | None = None,
    correction: bool = False,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Move `claim` to `to` with one conditional UPDATE; return the before/after for the audit.

    The UPDATE matches only the status (and `version`, when the client sent one) that was read, so
    a concurrent change makes it match nothing: we then re-read and say what happened.
    """
    before = {"status": claim.status, "version": claim.version}
    if version is not None and version != claim.version:
        raise _stale(claim, version)  # the client decided on a state it no longer sees
    check_transition(claim.status, to.value, correction=correction)
    conditions = [Claim.id == claim.id, Claim.status == claim.status, Claim.version == claim.version]
    result = db.execute(
        update(Claim)
        .where(*conditions)
        .values(status=to.value, version=Claim.version + 1, **(values or {}))
        .execution_options(synchronize_session=False)
    )
    fresh = reload(db, claim.id)
    if result.rowcount != 1:
        if version is not None and fresh.version != version:
            raise _stale(fresh, version)
        check_transition(fresh.status, to.value, correction=correction)
        raise _stale(fresh, claim.version)
    return {"before": before, "after": {"status": fresh.status, "version": fresh.version}}


MAX_ID = 2**31 - 1  # PostgreSQL integer: larger ids cannot exist (and would crash the query)


def valid_id(value: int | None) -> bool:
    return value is not None and 0 < value <= MAX_ID


def reload(db: Session, claim_id: int) -> Claim:
    """The claim as the database has it now (not the session's cached copy)."""
    claim = db.get(Claim, claim_id, populate_existing=True) if valid_id(claim_id) else None
    if claim is None:
        raise NotFoundError(f"Claim {claim_id} does not exist.")
    return claim


def get_claim(db: Session, claim_id: int) -> Claim:
    claim = db.get(Claim, claim_id) if valid_id(claim_id) else None
    if claim is None:
        raise NotFoundError(f"Claim {claim_id} does not exist.")
    return claim


def _stale(claim: Claim, version: int) -> StaleVersionError:
    return StaleVersionError(
        f"Claim {claim.id} changed since you loaded it (your version {version}, now "
        f"{claim.version}, status {claim.status}). Reload to see the current state.",
        details={"current_version": claim.version, "status": claim.status},
    )
