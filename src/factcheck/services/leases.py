"""Leases: a checker takes a claim for a while; the database decides who wins (one conditional UPDATE).

An expired lease needs no sweeper to be free again: `take` treats `lease_expires_at < now` as free,
and `available()` lists such claims with the accepted ones. `release_expired()` tidies them up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload

from factcheck.exceptions import ConflictError, IllegalTransitionError, PermissionDenied
from factcheck.models import Claim, ClaimStatus, Role, User, Verdict, VerdictState, utcnow
from factcheck.services.audit import AuditService
from factcheck.services.permissions import require_role
from factcheck.services.workflow import allowed_transitions, get_claim, reload
from factcheck.settings import Settings

S = ClaimStatus


def is_free(now: datetime):  # noqa: ANN201 - a SQL expression
    """Claims anyone may take right now: accepted, or in progress with an expired lease."""
    return or_(
        Claim.status == S.accepted.value,
        and_(Claim.status == S.in_progress.value, Claim.lease_expires_at < now),
    )


def has_published_verdict():  # noqa: ANN201 - a SQL expression
    """A published claim reopened for a correction must not fall back to `accepted`."""
    return exists().where(Verdict.claim_id == Claim.id,
                          Verdict.state == VerdictState.published.value)


def holds(claim: Claim, user: User, now: datetime | None = None) -> bool:
    """Whether `user` holds a live lease on `claim`."""
    now = now or utcnow()
    return (
        claim.status == S.in_progress.value
        and claim.assignee_id == user.id
        and claim.lease_expires_at is not None
        and claim.lease_expires_at > now
    )


class LeaseService:
    def __init__(self, db: Session, *, settings: Settings) -> None:
        self.db = db
        self.lease = timedelta(minutes=settings.lease_minutes)
        self.audit = AuditService(db)

    def take(self, claim_id: int, *, actor: User) -> Claim:
        """Take (or re-take) a claim: exactly one of several concurrent takers wins."""
        require_role(actor, Role.checker)
        now = utcnow()
        result = self._execute_contended(
            update(Claim)
            .where(
                Claim.id == claim_id,
                or_(
                    Claim.status == S.accepted.value,
                    and_(
                        Claim.status == S.in_progress.value,
                        or_(Claim.assignee_id == actor.id, Claim.lease_expires_at < now),
                    ),
                ),
            )
            .values(assignee_id=actor.id, lease_expires_at=now + self.lease,
                    status=S.in_progress.value, version=Claim.version + 1)
            .execution_options(synchronize_session=False)
        )
        claim = reload(self.db, claim_id)
        if result.rowcount != 1:
            raise self._refusal(claim, S.in_progress, now)
        self._record("claim.taken", claim, actor, {"lease_expires_at": claim.lease_expires_at.isoformat()})
        return claim

    def renew(self, claim_id: int, *, actor: User) -> Claim:
        """Extend the actor's own lease (also after it lapsed, as long as nobody else took it)."""
        require_role(actor, Role.checker)
        now = utcnow()
        result = self.db.execute(
            update(Claim)
            .where(Claim.id == claim_id, Claim.status == S.in_progress.value,
                   Claim.assignee_id == actor.id)
            .values(lease_expires_at=now + self.lease, version=Claim.version + 1)
            .execution_options(synchronize_session=False)
        )
        claim = reload(self.db, claim_id)
        if result.rowcount != 1:
            raise self._refusal(claim, S.in_progress, now)
        self._record("claim.lease_renewed", claim, actor,
                     {"lease_expires_at": claim.lease_expires_at.isoformat()})
        return claim

    def release(self, claim_id: int, *, actor: User) -> Claim:
        """Give the claim back to the queue (accepted); editors may release anyone's lease."""
        require_role(actor, Role.checker)
        claim = get_claim(self.db, claim_id)
        if claim.assignee_id != actor.id and not actor.role_enum.at_least(Role.editor):
            raise PermissionDenied("Only the checker holding this claim or an editor can release it.")
        result = self.db.execute(
            update(Claim)
            .where(Claim.id == claim_id, Claim.status == S.in_progress.value,
                   Claim.assignee_id == claim.assignee_id, ~has_published_verdict())
            .values(status=S.accepted.value, assignee_id=None, lease_expires_at=None,
                    version=Claim.version + 1)
            .execution_options(synchronize_session=False)
        )
        previous = claim.assignee_id
        claim = reload(self.db, claim_id)
        if result.rowcount != 1:
            if claim.status == S.in_progress.value:
                raise ConflictError(
                    "This claim has a published verdict and is open for a correction: submit the "
                    "correction for review instead of releasing it."
                )
            raise self._refusal(claim, S.accepted, utcnow())
        self._record("claim.released", claim, actor, {"previous_assignee_id": previous})
        return claim

    def mine(self, actor: User) -> list[Claim]:
        """Claims the actor is working on (in progress and assigned), soonest expiry first."""
        return list(self.db.scalars(
            select(Claim)
            .where(Claim.status == S.in_progress.value, Claim.assignee_id == actor.id)
            .options(selectinload(Claim.facts))
            .order_by(Claim.lease_expires_at, Claim.id)
        ))

    def available(self, *, limit: int = 50) -> list[Claim]:
        """Claims anyone may take now, expired leases included: they return to the queue by themselves."""
        return list(self.db.scalars(
            select(Claim).where(is_free(utcnow()))
            .options(selectinload(Claim.facts))
            .order_by(Claim.score.desc(), Claim.id).limit(limit)
        ))

    def release_expired(self) -> int:
        """Return every claim whose lease has lapsed to the queue; returns how many."""
        now = utcnow()
        rows = self.db.execute(
            update(Claim)
            .where(Claim.status == S.in_progress.value, Claim.lease_expires_at < now,
                   ~has_published_verdict())
            .values(status=S.accepted.value, assignee_id=None, lease_expires_at=None,
                    version=Claim.version + 1)
            .returning(Claim.id, Claim.article_id)
            .execution_options(synchronize_session=False)
        ).all()
        for claim_id, article_id in rows:
            self.audit.record("claim.lease_expired", subject_type="claim", subject_id=claim_id,
                              claim_id=claim_id, article_id=article_id)
        return len(rows)

    def _execute_contended(self, statement):  # type: ignore[no-untyped-def]
        """Run the compare-and-set; SQLite's "database is locked" means another writer got in first.

        SQLite cannot wait for the write lock in a transaction that has already read (the request
        read the user): it fails at once rather than deadlock. That writer may be the winning
        taker, so the honest answer is a conflict the client can retry, not a server error.
        """
        try:
            return self.db.execute(statement)
        except OperationalError as error:
            if self.db.get_bind().dialect.name == "sqlite" and "locked" in str(error.orig):
                raise ConflictError(
                    "Someone else is changing this claim right now; reload and try again."
                ) from error
            raise

    def _refusal(self, claim: Claim, requested: ClaimStatus, now: datetime) -> Exception:
        if claim.status == S.in_progress.value and claim.assignee_id is not None:
            holder = self.db.get(User, claim.assignee_id)
            name = holder.name if holder else f"user {claim.assignee_id}"
            until = claim.lease_expires_at.strftime("%H:%M UTC") if claim.lease_expires_at else "?"
            return ConflictError(
                f"{name} is working on this claim (lease until {until}).",
                details={"assignee_id": claim.assignee_id, "status": claim.status,
                         "lease_expires_at": claim.lease_expires_at.isoformat()
                         if claim.lease_expires_at else None},
            )
        allowed = [s.value for s in allowed_transitions(claim.status)]
        return IllegalTransitionError(claim.status, requested.value, allowed)

    def _record(self, action: str, claim: Claim, actor: User, details: dict) -> None:
        self.audit.record(action, subject_type="claim", subject_id=claim.id, actor=actor,
                          claim_id=claim.id, article_id=claim.article_id,
                          details={"after": {"status": claim.status, "version": claim.version},
                                   **details})
