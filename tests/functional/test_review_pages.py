"""Editor pages over HTTP: the review queue, approve and publish, return with a comment, corrections."""

from __future__ import annotations

from datetime import timedelta

import pytest

from factcheck.models import utcnow
from factcheck.services.verdicts import VerdictService
from tests.factories import ClaimFactory, EvidenceFactory, RatingFactory

HX = {"HX-Request": "true"}


@pytest.fixture
def in_review(db, users):
    """A claim the checker submitted: (claim, verdict)."""
    claim = ClaimFactory(status="in_progress", assignee_id=users.checker.id,
                         lease_expires_at=utcnow() + timedelta(minutes=5))
    EvidenceFactory(claim_id=claim.id)
    service = VerdictService(db)
    service.save_draft(claim.id, actor=users.checker, lock_version=0,
                       rating_id=RatingFactory(label="Mostly false").id, summary="The figure is old.")
    return claim, service.submit(claim.id, actor=users.checker, lock_version=1)


def approve(client, claim, verdict, *, htmx=True):
    headers = client.htmx_headers if htmx else client.csrf_headers
    return client.post(f"/review/{claim.id}/approve", headers=headers,
                       data={"lock_version": verdict.lock_version}, follow_redirects=False)


class TestQueue:
    def test_editors_see_the_queue_page_and_fragment(self, as_editor, in_review):
        claim, verdict = in_review
        page = as_editor.get("/review")
        assert page.status_code == 200 and "<html" in page.text
        assert "The figure is old." in page.text and "Mostly false" in page.text
        assert "proposed by Chris Checker" in page.text
        fragment = as_editor.get("/review", headers=HX)
        assert "<html" not in fragment.text and f'id="review-{claim.id}"' in fragment.text

    def test_checkers_are_refused(self, as_checker, in_review):
        assert as_checker.get("/review").status_code == 403
        claim, verdict = in_review
        assert approve(as_checker, claim, verdict).status_code == 403

    def test_an_empty_queue_says_so(self, as_editor):
        assert "Nothing is waiting for review" in as_editor.get("/review").text


class TestApprove:
    def test_approve_publishes_and_swaps_the_item(self, db, as_editor, in_review):
        claim, verdict = in_review
        response = approve(as_editor, claim, verdict)
        assert response.status_code == 200 and response.headers["HX-Trigger"] == "review-changed"
        assert "Published version 1: Mostly false." in response.text
        db.refresh(claim)
        assert claim.status == "published"

    def test_approve_without_htmx_redirects_to_the_queue(self, as_editor, in_review):
        claim, verdict = in_review
        response = approve(as_editor, claim, verdict, htmx=False)
        assert response.status_code == 303 and response.headers["location"] == "/review"

    def test_a_stale_lock_version_is_409(self, db, as_editor, in_review):
        claim, _ = in_review
        response = as_editor.post(f"/review/{claim.id}/approve", headers=as_editor.htmx_headers,
                                  data={"lock_version": 1})
        assert response.status_code == 409 and ">Reload</a>" in response.text
        db.refresh(claim)
        assert claim.status == "in_review"

    def test_approving_twice_is_409(self, as_editor, in_review):
        claim, verdict = in_review
        approve(as_editor, claim, verdict)
        assert approve(as_editor, claim, verdict).status_code == 409

    def test_the_two_person_rule_refuses_the_proposer(self, db, as_editor, users):
        claim = ClaimFactory(status="in_progress", assignee_id=users.editor.id,
                             lease_expires_at=utcnow() + timedelta(minutes=5))
        EvidenceFactory(claim_id=claim.id)
        service = VerdictService(db)
        service.save_draft(claim.id, actor=users.editor, lock_version=0,
                           rating_id=RatingFactory().id, summary="Mine")
        verdict = service.submit(claim.id, actor=users.editor, lock_version=1)
        response = approve(as_editor, claim, verdict)
        assert response.status_code == 403 and "two-person rule" in response.text

    def test_approve_needs_csrf(self, as_editor, in_review):
        claim, verdict = in_review
        response = as_editor.post(f"/review/{claim.id}/approve", headers=HX,
                                  data={"lock_version": verdict.lock_version})
        assert response.status_code == 403


class TestReturn:
    def test_return_sends_the_claim_back_with_the_comment(self, db, as_editor, as_checker, in_review):
        claim, verdict = in_review
        response = as_editor.post(f"/review/{claim.id}/return", headers=as_editor.htmx_headers,
                                  data={"lock_version": verdict.lock_version, "comment": "Cite the ministry"})
        assert response.status_code == 200 and "Returned to the checker" in response.text
        page = as_checker.get(f"/claims/{claim.id}")
        assert "Returned by the editor:" in page.text and "Cite the ministry" in page.text
        assert "data-verdict-form" in page.text

    def test_return_without_a_comment_is_422(self, db, as_editor, in_review):
        claim, verdict = in_review
        response = as_editor.post(f"/review/{claim.id}/return", headers=as_editor.htmx_headers,
                                  data={"lock_version": verdict.lock_version, "comment": " "})
        assert response.status_code == 422
        db.refresh(claim)
        assert claim.status == "in_review"


class TestCorrections:
    @pytest.fixture
    def published(self, db, as_editor, in_review):
        claim, verdict = in_review
        approve(as_editor, claim, verdict)
        return claim, verdict

    def test_the_correction_form_shows_the_published_version(self, as_editor, published):
        claim, _ = published
        page = as_editor.get(f"/claims/{claim.id}/correct")
        assert page.status_code == 200 and "Public correction note" in page.text
        assert "The figure is old." in page.text and "becomes version 2" in page.text
        assert "<html" not in as_editor.get(f"/claims/{claim.id}/correct", headers=HX).text

    def test_checkers_cannot_correct(self, as_checker, published):
        claim, _ = published
        assert as_checker.get(f"/claims/{claim.id}/correct").status_code == 403

    def test_a_correction_goes_to_review_and_on_approval_both_versions_are_listed(
        self, db, as_editor, as_editor2, published
    ):
        claim, v1 = published
        rating = RatingFactory(label="False")
        response = as_editor.post(f"/claims/{claim.id}/correct", follow_redirects=False, data={
            "rating_id": rating.id, "summary": "Newer data: false.", "reasoning": "See table 4.",
            "correction_note": "We used an outdated table.", "csrf_token": as_editor.csrf})
        assert response.status_code == 303 and response.headers["location"] == f"/claims/{claim.id}"
        queue = as_editor2.get("/review").text
        assert "correction of version 1" in queue
        v2 = VerdictService(db).working(claim.id)
        assert approve(as_editor2, claim, v2).status_code == 200
        page = as_editor.get(f"/claims/{claim.id}").text
        assert "Version 2" in page and "Version 1" in page and "superseded" in page
        assert "We used an outdated table." in page

    def test_an_incomplete_correction_is_422_and_changes_nothing(self, db, as_editor, published):
        claim, _ = published
        response = as_editor.post(f"/claims/{claim.id}/correct", headers=as_editor.htmx_headers,
                                  data={"rating_id": RatingFactory().id, "summary": "x",
                                        "correction_note": ""})
        assert response.status_code == 422
        db.refresh(claim)
        assert claim.status == "published"

    def test_correcting_an_unpublished_claim_is_409(self, as_editor, in_review):
        claim, _ = in_review
        response = as_editor.post(f"/claims/{claim.id}/correct", headers=as_editor.htmx_headers,
                                  data={"rating_id": RatingFactory().id, "summary": "x",
                                        "correction_note": "y"})
        assert response.status_code == 409

    def test_a_correction_can_be_withdrawn_from_the_review_queue(
        self, db, as_editor, as_editor2, published
    ):
        claim, v1 = published
        as_editor.post(f"/claims/{claim.id}/correct", follow_redirects=False, data={
            "rating_id": RatingFactory().id, "summary": "Newer data.", "correction_note": "Oops.",
            "csrf_token": as_editor.csrf})
        queue = as_editor2.get("/review").text
        assert "Withdraw correction" in queue
        response = as_editor2.post(f"/claims/{claim.id}/withdraw-correction",
                                   headers=as_editor2.htmx_headers,
                                   data={"reason": "The first version was right.", "origin": "review"})
        assert response.status_code == 200 and "published version stands" in response.text
        db.refresh(claim)
        db.refresh(v1)
        assert claim.status == "published" and v1.state == "published"
        assert "Withdraw correction" not in as_editor2.get("/review").text

    def test_the_claim_page_offers_withdrawal_while_a_correction_is_open(
        self, db, as_editor, as_checker, published
    ):
        claim, _ = published
        as_editor.post(f"/claims/{claim.id}/correct", follow_redirects=False, data={
            "rating_id": RatingFactory().id, "summary": "Newer data.", "correction_note": "Oops.",
            "csrf_token": as_editor.csrf})
        assert "Withdraw correction" in as_editor.get(f"/claims/{claim.id}").text
        assert "Withdraw correction" not in as_checker.get(f"/claims/{claim.id}").text
        refused = as_checker.post(f"/claims/{claim.id}/withdraw-correction",
                                  headers=as_checker.htmx_headers, data={"reason": "No"})
        assert refused.status_code == 403
        no_reason = as_editor.post(f"/claims/{claim.id}/withdraw-correction",
                                   headers=as_editor.htmx_headers, data={"reason": " "})
        assert no_reason.status_code == 422
        response = as_editor.post(f"/claims/{claim.id}/withdraw-correction", follow_redirects=False,
                                  data={"reason": "Not needed.", "csrf_token": as_editor.csrf})
        assert response.status_code == 303 and response.headers["location"] == f"/claims/{claim.id}"
        db.refresh(claim)
        assert claim.status == "published"
        again = as_editor.post(f"/claims/{claim.id}/withdraw-correction",
                               headers=as_editor.htmx_headers, data={"reason": "Twice"})
        assert again.status_code == 409

