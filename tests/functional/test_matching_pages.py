"""Checked-before pages over HTTP: a claim's matches, decisions, bulk suggestions, queue badge, groups."""

from __future__ import annotations

import pytest
from sqlalchemy import func

from factcheck.models import Claim
from factcheck.models.match import MatchSuggestion
from factcheck.services.matching import MatchingService
from tests.factories import ClaimFactory, RatingFactory, RevisionFactory, VerdictFactory

HX = "HX-Request"
EARLIER = "Pakistan has lost more than 80,000 lives in the war on terror over two decades."
OTHER = "The new bridge over the river cost four hundred million dollars to build."


def claim_on(text: str, **kwargs) -> Claim:
    return ClaimFactory(revision=RevisionFactory(text=text), **kwargs)


@pytest.fixture
def suggest(db, settings):
    """Publish an earlier verdict on `earlier`, then suggest it for a new claim on `text`."""
    service = MatchingService(db, settings=settings.model_copy(
        update={"match_suggest_threshold": 0.05, "match_auto_threshold": 1.0}))

    def make(text: str = EARLIER, earlier: str = EARLIER) -> MatchSuggestion:
        published = claim_on(earlier, status="published")
        verdict = VerdictFactory(claim_id=published.id, state="published", claim_reviewed=earlier,
                                 summary="Official <b>figures</b> agree.", published_at=func.now(),
                                 rating_id=RatingFactory(label="Mostly true", colour="#2da44e").id)
        db.flush()
        db.refresh(verdict)
        service.index_verdict(verdict)
        return service.suggest_for_claim(claim_on(text))[0]

    return make


class TestClaimMatches:
    def test_the_workspace_loads_the_matches_section(self, as_checker, suggest):
        suggestion = suggest()
        page = as_checker.get(f"/claims/{suggestion.claim_id}")
        assert f'hx-get="/claims/{suggestion.claim_id}/matches"' in page.text

    def test_htmx_gets_the_matches_fragment_with_rating_summary_and_actions(self, as_checker, suggest):
        suggestion = suggest()
        response = as_checker.get(f"/claims/{suggestion.claim_id}/matches", headers={HX: "true"})
        assert response.status_code == 200 and "<html" not in response.text
        assert "Mostly true" in response.text and "--rating-colour: #2da44e" in response.text
        assert "Official &lt;b&gt;figures&lt;/b&gt; agree." in response.text  # escaped
        assert f"/matching/suggestions/{suggestion.id}/confirm" in response.text
        assert 'name="reuse_verdict"' in response.text

    def test_without_htmx_it_is_a_page(self, as_checker, suggest):
        suggestion = suggest()
        response = as_checker.get(f"/claims/{suggestion.claim_id}/matches")
        assert "<html" in response.text and "Checked before: claim" in response.text

    def test_no_matches_says_so(self, as_checker, db):
        claim = claim_on(OTHER)
        response = as_checker.get(f"/claims/{claim.id}/matches", headers={HX: "true"})
        assert "No earlier verdicts on similar claims" in response.text


class TestDecisions:
    def test_confirm_with_htmx_answers_with_the_updated_section(self, as_checker, suggest, db):
        suggestion = suggest()
        response = as_checker.post(f"/matching/suggestions/{suggestion.id}/confirm",
                                   headers=as_checker.htmx_headers)
        assert response.status_code == 200 and "confirmed" in response.text
        assert response.headers["HX-Trigger"] == "match-decided"
        db.expire_all()
        assert db.get(Claim, suggestion.claim_id).status == "duplicate"

    def test_confirm_with_reuse_without_htmx_redirects_to_the_claim(self, as_checker, suggest, db):
        suggestion = suggest()
        response = as_checker.post(f"/matching/suggestions/{suggestion.id}/confirm",
                                   data={"reuse_verdict": "true", "csrf_token": as_checker.csrf},
                                   follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/claims/{suggestion.claim_id}"
        db.expire_all()
        assert db.get(Claim, suggestion.claim_id).status == "in_review"

    def test_reject_then_confirm_is_a_conflict(self, as_checker, suggest):
        suggestion = suggest()
        as_checker.post(f"/matching/suggestions/{suggestion.id}/reject", headers=as_checker.htmx_headers)
        response = as_checker.post(f"/matching/suggestions/{suggestion.id}/confirm",
                                   headers=as_checker.htmx_headers)
        assert response.status_code == 409

    def test_undo_of_a_suggestion_that_was_not_auto_linked_is_a_conflict(self, as_checker, suggest):
        suggestion = suggest()
        response = as_checker.post(f"/matching/suggestions/{suggestion.id}/undo",
                                   headers=as_checker.htmx_headers)
        assert response.status_code == 409

    def test_without_a_csrf_token_nothing_changes(self, as_checker, suggest, db):
        suggestion = suggest()
        response = as_checker.post(f"/matching/suggestions/{suggestion.id}/confirm",
                                   data={"csrf_token": "forged"}, headers={HX: "true"})
        assert response.status_code == 403
        db.expire_all()
        assert suggestion.state == "suggested"

    def test_signed_out_visitors_are_sent_to_log_in(self, client, suggest):
        suggestion = suggest()
        response = client.get(f"/claims/{suggestion.claim_id}/matches", follow_redirects=False)
        assert response.status_code in (303, 401)

    def test_unknown_suggestions_are_404(self, as_checker):
        response = as_checker.post("/matching/suggestions/999999/reject", headers=as_checker.htmx_headers)
        assert response.status_code == 404


class TestSuggestionsPage:
    def test_the_page_lists_open_suggestions_with_bulk_actions(self, as_checker, suggest):
        suggestion = suggest()
        page = as_checker.get("/matching/suggestions")
        assert "<html" in page.text and f'value="{suggestion.id}"' in page.text
        assert 'value="confirm"' in page.text and 'value="reject"' in page.text
        rows = as_checker.get("/matching/suggestions", headers={HX: "true"})
        assert "<html" not in rows.text and f'data-suggestion-id="{suggestion.id}"' in rows.text

    def test_bulk_reject_with_htmx_reports_what_was_done(self, as_checker, suggest, db):
        first, second = suggest(), suggest(OTHER, OTHER)
        response = as_checker.post("/matching/suggestions/bulk", headers=as_checker.htmx_headers,
                                   data={"action": "reject", "suggestion_ids": [first.id, second.id]})
        assert response.status_code == 200 and "2 rejected" in response.text
        db.expire_all()
        assert (first.state, second.state) == ("rejected", "rejected")

    def test_bulk_confirm_without_htmx_redirects(self, as_checker, suggest, db):
        suggestion = suggest()
        response = as_checker.post("/matching/suggestions/bulk", follow_redirects=False,
                                   data={"action": "confirm", "suggestion_ids": [suggestion.id],
                                         "csrf_token": as_checker.csrf})
        db.expire_all()
        assert response.status_code == 303 and suggestion.state == "confirmed"

    @pytest.mark.parametrize("data", [{"action": "delete", "suggestion_ids": ["1"]},
                                      {"action": "confirm"}])
    def test_bad_bulk_requests_are_refused(self, as_checker, data):
        response = as_checker.post("/matching/suggestions/bulk", headers=as_checker.htmx_headers,
                                   data=data)
        assert response.status_code == 422


class TestQueueBadgeAndGroups:
    def test_the_queue_shows_checked_before_with_the_rating(self, as_checker, suggest):
        suggestion = suggest()
        page = as_checker.get("/queue")
        assert 'data-checked-before="suggested"' in page.text and "Mostly true" in page.text
        assert f'href="/claims/{suggestion.matched_claim_id}"' in page.text

    def test_groups_page_and_triaging_a_group(self, as_checker, db):
        a = claim_on("Pakistan has lost more than 80,000 lives.")
        b = claim_on("Pakistan has lost more than 80,000 lives!")
        page = as_checker.get("/queue/groups")
        assert "<html" in page.text and 'data-group-size="2"' in page.text
        assert "<html" not in as_checker.get("/queue/groups", headers={HX: "true"}).text
        response = as_checker.post("/queue/groups/triage", headers=as_checker.htmx_headers,
                                   data={"action": "dismiss", "claim_ids": [a.id, b.id]})
        assert response.status_code == 200 and "2 dismissed" in response.text
        db.expire_all()
        assert {db.get(Claim, a.id).status, db.get(Claim, b.id).status} == {"dismissed"}

    def test_a_group_action_other_than_accept_or_dismiss_is_refused(self, as_checker, db):
        claim = claim_on(EARLIER)
        response = as_checker.post("/queue/groups/triage", headers=as_checker.htmx_headers,
                                   data={"action": "duplicate", "claim_ids": [claim.id]})
        assert response.status_code == 422 and db.get(Claim, claim.id).status == "candidate"
