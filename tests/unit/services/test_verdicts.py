"""Verdict drafts: created on first save, optimistic locking, warnings, and submission for review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from factcheck.exceptions import ConflictError, PermissionDenied, StaleVersionError, ValidationError
from factcheck.models import AuditEvent, utcnow
from factcheck.services.verdicts import VerdictService
from tests.factories import ClaimFactory, EvidenceFactory, RatingFactory, UserFactory, VerdictFactory


@pytest.fixture
def service(db):
    return VerdictService(db)


@pytest.fixture
def checker(db):
    return UserFactory()


@pytest.fixture
def held(db, checker):
    return ClaimFactory(status="in_progress", assignee_id=checker.id,
                        lease_expires_at=utcnow() + timedelta(minutes=10))


@pytest.fixture
def rating(db):
    return RatingFactory(label="False")


class TestSaveDraft:
    def test_the_first_save_creates_the_draft_prefilled_from_the_claim(self, db, service, checker, held):
        result = service.save_draft(held.id, actor=checker, lock_version=0, summary=" Draft ")
        verdict = result.verdict
        assert (verdict.number, verdict.state, verdict.lock_version) == (1, "draft", 1)
        assert verdict.claim_reviewed == held.exact.strip()
        assert verdict.summary == "Draft" and verdict.proposed_by_id == checker.id

    def test_a_later_save_needs_the_current_lock_version(self, db, service, checker, held, rating):
        service.save_draft(held.id, actor=checker, lock_version=0)
        result = service.save_draft(held.id, actor=checker, lock_version=1, rating_id=rating.id,
                                    summary="Better", claim_reviewed="Short claim")
        assert (result.verdict.lock_version, result.verdict.rating_id) == (2, rating.id)
        assert result.warnings == []

    def test_a_stale_save_is_refused_and_changes_nothing(self, db, service, checker, held):
        service.save_draft(held.id, actor=checker, lock_version=0, summary="Mine")
        service.save_draft(held.id, actor=checker, lock_version=1, summary="Theirs")
        with pytest.raises(StaleVersionError) as raised:
            service.save_draft(held.id, actor=checker, lock_version=1, summary="Lost?")
        assert raised.value.details["current_lock_version"] == 2
        assert service.working(held.id).summary == "Theirs"

    def test_a_second_first_save_is_stale(self, db, service, checker, held):
        service.save_draft(held.id, actor=checker, lock_version=0)
        with pytest.raises(StaleVersionError):
            service.save_draft(held.id, actor=checker, lock_version=0)

    def test_a_long_claim_reviewed_is_saved_with_a_warning(self, db, service, checker, held):
        result = service.save_draft(held.id, actor=checker, lock_version=0, claim_reviewed="x" * 76)
        assert len(result.verdict.claim_reviewed) == 76
        assert "76 characters" in result.warnings[0]

    @pytest.mark.parametrize("bad", [{"summary": "s" * 2001}, {"reasoning": "a\x00"},
                                     {"rating_id": 999_999}])
    def test_it_refuses_bad_fields(self, db, service, checker, held, bad):
        with pytest.raises(ValidationError):
            service.save_draft(held.id, actor=checker, lock_version=0, **bad)
        assert service.working(held.id) is None

    def test_an_inactive_rating_is_refused(self, db, service, checker, held):
        with pytest.raises(ValidationError, match="current scale"):
            service.save_draft(held.id, actor=checker, lock_version=0,
                               rating_id=RatingFactory(is_active=False).id)

    def test_it_needs_the_lease(self, db, service, held):
        with pytest.raises(PermissionDenied):
            service.save_draft(held.id, actor=UserFactory(), lock_version=0)

    def test_it_needs_the_claim_in_progress(self, db, service, checker):
        claim = ClaimFactory(status="accepted")
        with pytest.raises(ConflictError, match="in progress"):
            service.save_draft(claim.id, actor=checker, lock_version=0)

    def test_saving_a_returned_verdict_makes_it_a_draft_again(self, db, service, checker, held):
        VerdictFactory(claim_id=held.id, state="returned", review_comment="Add a source")
        result = service.save_draft(held.id, actor=checker, lock_version=1, summary="Fixed")
        assert result.verdict.state == "draft"

    def test_each_save_is_audited_with_the_changed_fields(self, db, service, checker, held):
        service.save_draft(held.id, actor=checker, lock_version=0, summary="One")
        service.save_draft(held.id, actor=checker, lock_version=1, summary="Two")
        events = db.scalars(select(AuditEvent).where(AuditEvent.action == "verdict.draft_saved")
                            .order_by(AuditEvent.id)).all()
        assert [e.details["lock_version"] for e in events] == [1, 2]
        assert events[1].details["changed"] == ["summary"]


class TestSubmit:
    def ready(self, service, checker, held, rating):
        EvidenceFactory(claim_id=held.id)
        return service.save_draft(held.id, actor=checker, lock_version=0, rating_id=rating.id,
                                  summary="Not what the figures say.").verdict

    def test_it_sends_the_verdict_and_claim_to_review_with_an_evidence_snapshot(
        self, db, service, checker, held, rating
    ):
        verdict = self.ready(service, checker, held, rating)
        service.submit(held.id, actor=checker, lock_version=1)
        assert (verdict.state, held.status, held.lease_expires_at) == ("in_review", "in_review", None)
        assert verdict.submitted_at is not None and verdict.lock_version == 2
        assert [e.claim_id for e in verdict.evidence] == [held.id]

    def test_it_names_what_is_missing(self, db, service, checker, held):
        service.save_draft(held.id, actor=checker, lock_version=0)
        with pytest.raises(ValidationError) as raised:
            service.submit(held.id, actor=checker, lock_version=1)
        assert raised.value.details["problems"] == [
            "choose a rating", "write a summary", "attach at least one source"]
        assert held.status == "in_progress"

    def test_it_refuses_a_stale_lock_version(self, db, service, checker, held, rating):
        self.ready(service, checker, held, rating)
        with pytest.raises(StaleVersionError):
            service.submit(held.id, actor=checker, lock_version=0)
        assert held.status == "in_progress"

    def test_it_needs_a_draft(self, db, service, checker, held):
        with pytest.raises(ConflictError, match="no draft"):
            service.submit(held.id, actor=checker, lock_version=1)

    def test_a_submitted_verdict_cannot_be_edited(self, db, service, checker, held, rating):
        self.ready(service, checker, held, rating)
        service.submit(held.id, actor=checker, lock_version=1)
        with pytest.raises(ConflictError):
            service.save_draft(held.id, actor=checker, lock_version=2, summary="sneaky")
