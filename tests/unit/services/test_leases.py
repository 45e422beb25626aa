"""Leases: take / renew / release, expiry, and real races between separate database sessions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from factcheck.exceptions import ConflictError, IllegalTransitionError, PermissionDenied
from factcheck.models import Article, AuditEvent, Claim, User, utcnow
from factcheck.services.leases import LeaseService
from tests import factories
from tests.factories import ClaimFactory, UserFactory


@pytest.fixture
def service(db, settings):
    return LeaseService(db, settings=settings)


@pytest.fixture
def checker(db):
    return UserFactory(name="Chris Checker")


def past(minutes=1):
    return utcnow() - timedelta(minutes=minutes)


class TestTake:
    def test_it_takes_an_accepted_claim_for_the_lease_period(self, db, service, checker, settings):
        claim = ClaimFactory(status="accepted")
        before = utcnow()
        service.take(claim.id, actor=checker)
        assert (claim.status, claim.assignee_id, claim.version) == ("in_progress", checker.id, 2)
        lease = claim.lease_expires_at - before
        assert timedelta(minutes=settings.lease_minutes) <= lease < timedelta(minutes=settings.lease_minutes, seconds=5)
        event = db.scalar(select(AuditEvent).where(AuditEvent.claim_id == claim.id))
        assert event.action == "claim.taken" and event.actor_id == checker.id

    def test_it_names_who_holds_a_claim_taken_by_someone_else(self, db, service, checker):
        claim = ClaimFactory(status="accepted")
        service.take(claim.id, actor=checker)
        with pytest.raises(ConflictError, match="Chris Checker is working on this claim") as raised:
            service.take(claim.id, actor=UserFactory())
        assert raised.value.details["assignee_id"] == checker.id
        assert claim.assignee_id == checker.id

    def test_taking_again_is_harmless_for_the_holder(self, db, service, checker):
        claim = ClaimFactory(status="accepted")
        service.take(claim.id, actor=checker)
        service.take(claim.id, actor=checker)
        assert claim.assignee_id == checker.id and claim.version == 3

    def test_an_expired_lease_is_free_for_anyone(self, db, service, checker):
        other = UserFactory()
        claim = ClaimFactory(status="in_progress", assignee_id=other.id, lease_expires_at=past())
        service.take(claim.id, actor=checker)
        assert claim.assignee_id == checker.id

    @pytest.mark.parametrize("status", ["candidate", "dismissed", "in_review", "published"])
    def test_it_refuses_claims_not_ready_to_work_on(self, db, service, checker, status):
        claim = ClaimFactory(status=status)
        with pytest.raises(IllegalTransitionError) as raised:
            service.take(claim.id, actor=checker)
        assert raised.value.details["current"] == status
        assert claim.status == status

    def test_it_needs_an_active_user(self, db, service):
        claim = ClaimFactory(status="accepted")
        with pytest.raises(PermissionDenied):
            service.take(claim.id, actor=UserFactory(is_active=False))


class TestRenewReleaseMine:
    def test_renew_extends_the_holders_lease(self, db, service, checker):
        claim = ClaimFactory(status="in_progress", assignee_id=checker.id, lease_expires_at=past())
        service.renew(claim.id, actor=checker)
        assert claim.lease_expires_at > utcnow()

    def test_renew_refuses_someone_elses_claim(self, db, service, checker):
        claim = ClaimFactory(status="in_progress", assignee_id=checker.id,
                             lease_expires_at=utcnow() + timedelta(minutes=5))
        with pytest.raises(ConflictError):
            service.renew(claim.id, actor=UserFactory())

    def test_release_returns_the_claim_to_the_queue(self, db, service, checker):
        claim = ClaimFactory(status="accepted")
        service.take(claim.id, actor=checker)
        service.release(claim.id, actor=checker)
        assert (claim.status, claim.assignee_id, claim.lease_expires_at) == ("accepted", None, None)

    def test_only_the_holder_or_an_editor_may_release(self, db, service, checker):
        claim = ClaimFactory(status="accepted")
        service.take(claim.id, actor=checker)
        with pytest.raises(PermissionDenied):
            service.release(claim.id, actor=UserFactory())
        service.release(claim.id, actor=UserFactory(role="editor"))
        assert claim.status == "accepted"

    def test_mine_lists_the_actors_claims_soonest_expiry_first(self, db, service, checker):
        late = ClaimFactory(status="in_progress", assignee_id=checker.id,
                            lease_expires_at=utcnow() + timedelta(minutes=20))
        soon = ClaimFactory(status="in_progress", assignee_id=checker.id,
                            lease_expires_at=utcnow() + timedelta(minutes=2))
        ClaimFactory(status="in_progress", assignee_id=UserFactory().id,
                     lease_expires_at=utcnow() + timedelta(minutes=2))
        assert [c.id for c in service.mine(checker)] == [soon.id, late.id]


class TestExpiry:
    def test_expired_leases_are_available_without_a_sweep(self, db, service, checker):
        accepted = ClaimFactory(status="accepted", score=0.5)
        lapsed = ClaimFactory(status="in_progress", assignee_id=checker.id, lease_expires_at=past(),
                              score=0.9)
        ClaimFactory(status="in_progress", assignee_id=checker.id,
                     lease_expires_at=utcnow() + timedelta(minutes=5))
        assert [c.id for c in service.available()] == [lapsed.id, accepted.id]

    def test_release_expired_returns_lapsed_claims_to_accepted(self, db, service, checker):
        lapsed = ClaimFactory(status="in_progress", assignee_id=checker.id, lease_expires_at=past())
        live = ClaimFactory(status="in_progress", assignee_id=checker.id,
                            lease_expires_at=utcnow() + timedelta(minutes=5))
        assert service.release_expired() == 1
        db.refresh(lapsed)
        db.refresh(live)
        assert (lapsed.status, lapsed.assignee_id) == ("accepted", None)
        assert live.status == "in_progress"
        assert db.scalar(select(AuditEvent.action).where(AuditEvent.claim_id == lapsed.id)) == \
            "claim.lease_expired"


# -- races between separate connections (committed data, cleaned up afterwards) ---------------


@pytest.fixture
def committed(engine) -> Iterator[tuple[int, list[int]]]:
    """A committed accepted claim and eight committed checkers; deleted after the test."""
    with Session(engine, expire_on_commit=False) as session:
        factories.bind(session)
        try:
            claim = ClaimFactory(status="accepted")
            users = [UserFactory() for _ in range(8)]
            session.commit()
        finally:
            factories.bind(None)
        ids = (claim.id, [u.id for u in users])
        article_id = claim.article_id
    yield ids
    with Session(engine) as session:
        session.execute(delete(Article).where(Article.id == article_id))
        session.execute(delete(User).where(User.id.in_(ids[1])))
        session.commit()


def try_take(engine, settings, claim_id: int, user_id: int) -> bool:
    with Session(engine, expire_on_commit=False) as session:
        actor = session.get(User, user_id)
        try:
            LeaseService(session, settings=settings).take(claim_id, actor=actor)
        except ConflictError:
            session.rollback()
            return False
        session.commit()
        return True


def test_of_two_sessions_only_the_first_takes_the_claim(engine, settings, committed):
    claim_id, (first, second, *_) = committed
    assert try_take(engine, settings, claim_id, first) is True
    assert try_take(engine, settings, claim_id, second) is False
    with Session(engine) as session:
        assert session.get(Claim, claim_id).assignee_id == first


def test_of_eight_racing_threads_exactly_one_takes_the_claim(engine, settings, committed):
    claim_id, user_ids = committed
    barrier = threading.Barrier(len(user_ids))
    results: dict[int, bool | BaseException] = {}

    def run(user_id: int) -> None:
        barrier.wait()
        try:
            results[user_id] = try_take(engine, settings, claim_id, user_id)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            results[user_id] = error

    threads = [threading.Thread(target=run, args=(u,)) for u in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(r, bool) for r in results.values()), {u: repr(r)[:300] for u, r in results.items()}
    winners = [u for u, won in results.items() if won is True]
    assert len(winners) == 1
    with Session(engine) as session:
        claim = session.get(Claim, claim_id)
        assert (claim.assignee_id, claim.version) == (winners[0], 2)
