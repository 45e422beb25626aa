"""Editor review: approve (two-person rule, feed position, webhooks), return, corrections, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from factcheck.exceptions import (
    ConflictError, IllegalTransitionError, PermissionDenied, StaleVersionError, ValidationError,
)
from factcheck.models import AppSetting, WebhookDelivery, WebhookEndpoint, utcnow
from factcheck.services.desk_settings import DeskSettings
from factcheck.services.review import FEED_COUNTER_KEY, ReviewService, next_feed_position
from factcheck.services.verdicts import VerdictService
from tests.factories import (
    ArticleFactory, ClaimFactory, EvidenceFactory, RatingFactory, RevisionFactory, UserFactory,
    VerdictFactory,
)


@pytest.fixture
def service(db, settings):
    return ReviewService(db, settings=settings)


@pytest.fixture
def checker(db):
    return UserFactory(name="Chris Checker")


@pytest.fixture
def editor(db):
    return UserFactory(role="editor", name="Eda Editor")


@pytest.fixture
def endpoint(db):
    endpoint = WebhookEndpoint(url="https://cms.example/hook", secret="s" * 32,
                               events=["verdict.published", "verdict.corrected"])
    db.add(endpoint)
    db.flush()
    return endpoint


def submitted(db, checker, *, article=None, summary="Not what the figures say."):
    """A claim in review with a submitted verdict (through the real services)."""
    revision = RevisionFactory(article=article or ArticleFactory(external_id="cms-1"))
    claim = ClaimFactory(revision=revision, status="in_progress", assignee_id=checker.id,
                         lease_expires_at=utcnow() + timedelta(minutes=10))
    EvidenceFactory(claim_id=claim.id)
    verdicts = VerdictService(db)
    verdicts.save_draft(claim.id, actor=checker, lock_version=0, rating_id=RatingFactory().id,
                        summary=summary)
    return claim, verdicts.submit(claim.id, actor=checker, lock_version=1)


def deliveries(db, event):
    return list(db.scalars(select(WebhookDelivery).where(WebhookDelivery.event == event)))


class TestQueue:
    def test_it_lists_claims_in_review_oldest_first_with_their_verdict(self, db, service, checker):
        first, v1 = submitted(db, checker)
        second, v2 = submitted(db, checker, article=ArticleFactory())
        ClaimFactory(status="in_progress")
        items = service.queue()
        assert [(i.claim.id, i.verdict.id) for i in items] == [(first.id, v1.id), (second.id, v2.id)]
        assert items[0].is_correction is False and items[0].article_title


class TestApprove:
    def test_it_publishes_the_verdict_and_the_claim(self, db, service, checker, editor, endpoint):
        claim, verdict = submitted(db, checker)
        service.approve(claim.id, actor=editor, lock_version=2)
        assert (claim.status, verdict.state) == ("published", "published")
        assert verdict.approved_by_id == editor.id and verdict.published_at is not None
        assert verdict.feed_position >= 1
        [delivery] = deliveries(db, "verdict.published")
        data = delivery.payload["data"]
        assert data["id"] == verdict.id and data["claim_id"] == claim.id
        assert data["article_external_id"] == "cms-1" and data["version"] == 1
        assert data["rating"]["label"] == verdict.rating.label

    def test_the_two_person_rule_stops_the_proposer(self, db, service, checker):
        proposer = UserFactory(role="editor")
        claim, verdict = submitted(db, proposer)
        with pytest.raises(PermissionDenied, match="two-person rule"):
            service.approve(claim.id, actor=proposer, lock_version=2)
        assert claim.status == "in_review"
        DeskSettings(db).set_two_person_rule(False, actor=UserFactory(role="admin"))
        service.approve(claim.id, actor=proposer, lock_version=2)
        assert verdict.state == "published"

    def test_a_checker_cannot_approve(self, db, service, checker):
        claim, _ = submitted(db, checker)
        with pytest.raises(PermissionDenied):
            service.approve(claim.id, actor=UserFactory(), lock_version=2)

    def test_a_stale_lock_version_changes_nothing(self, db, service, checker, editor):
        claim, verdict = submitted(db, checker)
        with pytest.raises(StaleVersionError):
            service.approve(claim.id, actor=editor, lock_version=1)
        assert (claim.status, verdict.state) == ("in_review", "in_review")

    def test_only_a_claim_in_review_can_be_approved(self, db, service, editor):
        claim = ClaimFactory(status="in_progress")
        with pytest.raises(ConflictError, match="not waiting for review"):
            service.approve(claim.id, actor=editor, lock_version=1)

    def test_feed_positions_only_ever_grow(self, db, service, checker, editor):
        positions = []
        for n in range(3):
            claim, verdict = submitted(db, checker, article=ArticleFactory())
            service.approve(claim.id, actor=editor, lock_version=2)
            positions.append(verdict.feed_position)
        assert positions == sorted(positions) and len(set(positions)) == 3
        row = db.get(AppSetting, FEED_COUNTER_KEY)
        assert row.value["last"] == positions[-1]

    def test_the_feed_counter_starts_above_positions_already_used(self, db):
        VerdictFactory(state="published", feed_position=41)
        assert next_feed_position(db) == 42
        assert next_feed_position(db) == 43


class TestReturn:
    def test_it_returns_the_claim_to_its_proposer_with_the_comment(self, db, service, checker, editor):
        claim, verdict = submitted(db, checker)
        service.return_to_checker(claim.id, actor=editor, comment="Cite the ministry's own figure.")
        assert (claim.status, claim.assignee_id) == ("in_progress", checker.id)
        assert claim.lease_expires_at > utcnow()
        assert (verdict.state, verdict.review_comment) == ("returned", "Cite the ministry's own figure.")
        result = VerdictService(db).save_draft(claim.id, actor=checker, lock_version=3, summary="Again")
        assert result.verdict.id == verdict.id and result.verdict.state == "draft"

    def test_it_needs_a_comment(self, db, service, checker, editor):
        claim, _ = submitted(db, checker)
        with pytest.raises(ValidationError):
            service.return_to_checker(claim.id, actor=editor, comment="  ")
        assert claim.status == "in_review"


class TestCorrect:
    def published(self, db, service, checker, editor):
        claim, verdict = submitted(db, checker)
        service.approve(claim.id, actor=editor, lock_version=2)
        return claim, verdict

    def test_a_correction_is_a_new_version_in_review(self, db, service, checker, editor):
        claim, v1 = self.published(db, service, checker, editor)
        rating = RatingFactory()
        v2 = service.correct(claim.id, actor=editor, rating_id=rating.id, summary="Revised",
                             reasoning="New data", correction_note="We misread the table.")
        assert (v2.number, v2.state, v2.correction_note) == (2, "in_review", "We misread the table.")
        assert v2.claim_reviewed == v1.claim_reviewed and len(v2.evidence) == 1
        assert claim.status == "in_review" and v1.state == "published"
        assert service.queue()[0].is_correction is True

    def test_approving_a_correction_supersedes_the_old_version(
        self, db, service, checker, editor, endpoint
    ):
        claim, v1 = self.published(db, service, checker, editor)
        v2 = service.correct(claim.id, actor=editor, rating_id=RatingFactory().id, summary="Revised",
                             correction_note="We misread the table.")
        with pytest.raises(PermissionDenied):
            service.approve(claim.id, actor=editor, lock_version=1)
        service.approve(claim.id, actor=UserFactory(role="editor"), lock_version=1)
        assert (v1.state, v2.state, claim.status) == ("superseded", "published", "published")
        assert v2.feed_position > v1.feed_position
        [delivery] = deliveries(db, "verdict.corrected")
        assert delivery.payload["data"]["supersedes"] == {"id": v1.id, "version": 1}
        assert delivery.payload["data"]["correction_note"] == "We misread the table."

    def test_only_published_claims_can_be_corrected(self, db, service, checker, editor):
        claim, _ = submitted(db, checker)
        with pytest.raises(ConflictError, match="Only a published verdict"):
            service.correct(claim.id, actor=editor, rating_id=RatingFactory().id, summary="x",
                            correction_note="y")

    @pytest.mark.parametrize("bad", [{"summary": " "}, {"correction_note": ""}, {"rating_id": 999_999}])
    def test_it_refuses_incomplete_corrections(self, db, service, checker, editor, bad):
        claim, _ = self.published(db, service, checker, editor)
        values = {"rating_id": RatingFactory().id, "summary": "Revised", "correction_note": "Why"} | bad
        with pytest.raises(ValidationError):
            service.correct(claim.id, actor=editor, **values)
        assert claim.status == "published"

    def test_checkers_cannot_correct(self, db, service, checker, editor):
        claim, _ = self.published(db, service, checker, editor)
        with pytest.raises(PermissionDenied):
            service.correct(claim.id, actor=checker, rating_id=RatingFactory().id, summary="x",
                            correction_note="y")

    def test_a_returned_correction_cannot_fall_back_to_the_triage_queue(
        self, db, service, checker, editor, settings
    ):
        from factcheck.services.leases import LeaseService

        claim, _ = self.published(db, service, checker, editor)
        service.correct(claim.id, actor=editor, rating_id=RatingFactory().id, summary="Revised",
                        correction_note="Why")
        service.return_to_checker(claim.id, actor=UserFactory(role="editor"), comment="Not yet")
        leases = LeaseService(db, settings=settings)
        with pytest.raises(ConflictError, match="open for a correction"):
            leases.release(claim.id, actor=editor)
        claim.lease_expires_at = utcnow() - timedelta(minutes=1)
        db.flush()
        assert leases.release_expired() == 0
        db.refresh(claim)
        assert claim.status == "in_progress"

    @pytest.mark.parametrize("returned_first", [False, True], ids=["in review", "returned"])
    def test_withdrawing_a_correction_keeps_the_published_version(
        self, db, service, checker, editor, endpoint, returned_first
    ):
        claim, v1 = self.published(db, service, checker, editor)
        feed_position = v1.feed_position
        v2 = service.correct(claim.id, actor=editor, rating_id=RatingFactory().id, summary="Revised",
                             correction_note="Why")
        if returned_first:
            service.return_to_checker(claim.id, actor=UserFactory(role="editor"), comment="Not yet")
        withdrawn = service.withdraw_correction(claim.id, actor=editor, reason="The table was right")
        assert withdrawn.id == v2.id
        assert (claim.status, claim.assignee_id, claim.lease_expires_at) == ("published", None, None)
        assert (v1.state, v2.state) == ("published", "withdrawn")
        assert v1.feed_position == feed_position  # readers see no change
        assert deliveries(db, "verdict.corrected") == []
        assert service.queue() == []
        actions = [entry.event.action for entry in service.history(claim.id).events]
        assert actions[-1] == "verdict.correction_withdrawn"
        # The claim can be corrected again; the withdrawn version keeps its number.
        v3 = service.correct(claim.id, actor=editor, rating_id=RatingFactory().id, summary="Again",
                             correction_note="Second try")
        assert v3.number == 3

    def test_withdrawing_needs_a_correction_a_reason_and_an_editor(
        self, db, service, checker, editor
    ):
        claim, _ = submitted(db, checker)  # in review for the first time: nothing to withdraw
        with pytest.raises(ConflictError, match="no correction to withdraw"):
            service.withdraw_correction(claim.id, actor=editor, reason="x")
        service.approve(claim.id, actor=editor, lock_version=2)
        with pytest.raises(ConflictError, match="no correction to withdraw"):
            service.withdraw_correction(claim.id, actor=editor, reason="x")
        service.correct(claim.id, actor=editor, rating_id=RatingFactory().id, summary="Revised",
                        correction_note="Why")
        with pytest.raises(ValidationError):
            service.withdraw_correction(claim.id, actor=editor, reason="  ")
        with pytest.raises(PermissionDenied):
            service.withdraw_correction(claim.id, actor=checker, reason="x")
        assert claim.status == "in_review"

    def test_a_published_claim_cannot_be_reopened_without_a_correction(self, db, editor, settings):
        from factcheck.services.leases import LeaseService

        claim = ClaimFactory(status="published")
        with pytest.raises(IllegalTransitionError):
            LeaseService(db, settings=settings).take(claim.id, actor=editor)


def test_history_lists_events_with_actor_names_and_every_version(db, service, checker, editor):
    claim, verdict = submitted(db, checker)
    service.return_to_checker(claim.id, actor=editor, comment="More sources")
    history = service.history(claim.id)
    actions = [entry.event.action for entry in history.events]
    assert actions == ["verdict.draft_saved", "verdict.submitted", "verdict.returned"]
    assert history.events[-1].actor_name == "Eda Editor"
    assert [v.id for v in history.verdicts] == [verdict.id]
