"""The claim workspace over HTTP: context, lease buttons, sources and evidence, the verdict draft."""

from __future__ import annotations

from datetime import timedelta

import pytest

from factcheck.models import utcnow
from factcheck.services.leases import LeaseService
from tests.factories import (
    ClaimFactory, EvidenceFactory, RatingFactory, RevisionFactory, SourceFactory, VerdictFactory,
)

HX = {"HX-Request": "true"}
TEXT = ("First sentence here. Pakistan has lost more than 80,000 lives since 2001. "
        "A third sentence follows. <script>alert(1)</script> ends it.")


@pytest.fixture
def claim(db):
    revision = RevisionFactory(text=TEXT)
    start = TEXT.index("Pakistan")
    end = TEXT.index("2001.") + 5
    return ClaimFactory(revision=revision, start=start, end=end, status="accepted")


@pytest.fixture
def held(db, claim, as_checker, settings):
    LeaseService(db, settings=settings).take(claim.id, actor=as_checker.user)
    return claim


class TestPage:
    def test_it_shows_the_claim_in_context_escaped_with_history_and_empty_checked_before(
        self, as_checker, claim
    ):
        page = as_checker.get(f"/claims/{claim.id}")
        assert page.status_code == 200 and "<html" in page.text
        assert '<mark class="claim-focus">Pakistan has lost' in page.text
        assert "First sentence here." in page.text and "A third sentence follows." in page.text
        assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
        # "Checked before" shows the matching pages' section, or our empty state without them.
        assert 'id="checked-before-title"' in page.text
        assert ("No earlier verdicts on similar claims" in page.text
                or f'hx-get="/claims/{claim.id}/matches"' in page.text)
        assert f'href="/articles/{claim.article_id}#claim-{claim.id}"' in page.text
        assert "Take this claim" in page.text and "/static/workspace.js" in page.text

    def test_an_htmx_request_gets_the_workspace_fragment(self, as_checker, claim):
        fragment = as_checker.get(f"/claims/{claim.id}", headers=HX)
        assert fragment.status_code == 200 and "<html" not in fragment.text
        assert 'id="workspace"' in fragment.text

    @pytest.mark.parametrize("path", ["/claims/999999", "/claims/99999999999"])
    def test_unknown_or_absurd_ids_are_not_found(self, as_checker, path):
        assert as_checker.get(path).status_code in (404, 422)


class TestLease:
    def test_take_with_htmx_rerenders_the_workspace_with_the_verdict_form(self, db, as_checker, claim):
        response = as_checker.post(f"/claims/{claim.id}/take", headers=as_checker.htmx_headers)
        assert response.status_code == 200 and response.headers["HX-Retarget"] == "#workspace"
        assert "You hold this claim until" in response.text and "data-verdict-form" in response.text
        db.refresh(claim)
        assert claim.assignee_id == as_checker.user.id

    def test_take_without_htmx_redirects_to_the_workspace(self, as_checker, claim):
        response = as_checker.post(f"/claims/{claim.id}/take", data={"csrf_token": as_checker.csrf},
                                   follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == f"/claims/{claim.id}"

    def test_a_second_checker_is_told_who_holds_it(self, db, held, logged_in_client, users):
        from tests.functional.conftest import make_user

        other = logged_in_client(make_user(db, role="checker", email="two@newsroom.test", name="Two"))
        response = other.post(f"/claims/{held.id}/take", headers=other.htmx_headers)
        assert response.status_code == 409 and "Chris Checker is working on this claim" in response.text
        assert ">Reload</a>" in response.text
        page = other.get(f"/claims/{held.id}")
        assert "Chris Checker holds this claim" in page.text and "data-verdict-form" not in page.text

    def test_renew_and_release(self, db, as_checker, held):
        assert as_checker.post(f"/claims/{held.id}/renew", headers=as_checker.htmx_headers).status_code == 200
        response = as_checker.post(f"/claims/{held.id}/release", headers=as_checker.htmx_headers)
        assert response.status_code == 200 and "Nobody is working on this claim" in response.text
        db.refresh(held)
        assert held.status == "accepted"

    def test_taking_a_candidate_names_the_allowed_transitions(self, db, as_checker):
        claim = ClaimFactory()
        response = as_checker.post(f"/claims/{claim.id}/take", headers=as_checker.htmx_headers)
        assert response.status_code == 409 and "Allowed next steps: accepted, dismissed, duplicate" in response.text

    def test_take_needs_csrf(self, as_checker, claim):
        assert as_checker.post(f"/claims/{claim.id}/take", headers=HX).status_code == 403


class TestEvidence:
    def test_the_source_type_ahead_finds_sources(self, as_checker):
        source = SourceFactory(title="Ministry casualty tables")
        response = as_checker.get("/sources/search?q=casualty", headers=HX)
        assert f'data-pick-source="{source.id}"' in response.text and "<html" not in response.text
        assert "Ministry casualty tables" in as_checker.get("/sources/search?q=casualty").text

    def test_attach_an_existing_source(self, db, as_checker, held):
        source = SourceFactory()
        response = as_checker.post(f"/claims/{held.id}/evidence", headers=as_checker.htmx_headers,
                                   data={"source_id": source.id, "excerpt": "80,000 dead",
                                         "stance": "supports"})
        assert response.status_code == 200 and response.headers["HX-Trigger"] == "evidence-changed"
        assert source.title in response.text and "80,000 dead" in response.text

    def test_add_a_new_source_and_remove_it(self, db, as_checker, held):
        response = as_checker.post(f"/claims/{held.id}/evidence/new", headers=as_checker.htmx_headers,
                                   data={"url": "https://data.example/t", "title": "Table 4",
                                         "kind": "dataset", "published_on": "2023-03-01",
                                         "stance": "context"})
        assert response.status_code == 200 and "Table 4" in response.text
        evidence_id = int(response.text.split('action="/evidence/')[1].split("/")[0])
        removed = as_checker.post(f"/evidence/{evidence_id}/delete", headers=as_checker.htmx_headers)
        assert removed.status_code == 200 and "Table 4" not in removed.text

    @pytest.mark.parametrize("data", [
        {"url": "javascript:alert(1)", "title": "x"}, {"url": "https://ok.example", "title": ""},
        {"url": "https://ok.example", "title": "x", "published_on": "yesterday"},
    ])
    def test_bad_sources_are_refused(self, as_checker, held, data):
        response = as_checker.post(f"/claims/{held.id}/evidence/new", headers=as_checker.htmx_headers,
                                   data=data)
        assert response.status_code == 422

    def test_without_the_lease_evidence_is_refused(self, as_checker, claim):
        response = as_checker.post(f"/claims/{claim.id}/evidence", headers=as_checker.htmx_headers,
                                   data={"source_id": SourceFactory().id})
        assert response.status_code == 403


class TestVerdict:
    def test_first_save_creates_the_draft_and_answers_with_the_form(self, db, as_checker, held):
        rating = RatingFactory(label="Mostly false", colour="#d4661c")
        response = as_checker.post(f"/claims/{held.id}/verdict", headers=as_checker.htmx_headers,
                                   data={"lock_version": 0, "rating_id": rating.id,
                                         "claim_reviewed": "x" * 80, "summary": "Too high"})
        assert response.status_code == 200 and "Draft saved (version 1)" in response.text
        assert "80 characters" in response.text  # the 75-character warning, not a refusal
        assert 'name="lock_version" value="1"' in response.text
        assert "Mostly false" in response.text and "#d4661c" in response.text

    def test_a_stale_save_is_409_and_keeps_the_newer_draft(self, db, as_checker, held):
        VerdictFactory(claim_id=held.id, summary="Newer work", lock_version=3)
        response = as_checker.post(f"/claims/{held.id}/verdict", headers=as_checker.htmx_headers,
                                   data={"lock_version": 2, "summary": "Old tab"})
        assert response.status_code == 409 and response.headers["HX-Retarget"] == "#flash"
        assert "Your changes were not saved" in response.text
        assert f'href="/claims/{held.id}"' in response.text and ">Reload</a>" in response.text
        assert "Newer work" in as_checker.get(f"/claims/{held.id}").text

    def test_submit_saves_and_sends_to_review(self, db, as_checker, held):
        EvidenceFactory(claim_id=held.id)
        rating = RatingFactory()
        response = as_checker.post(f"/claims/{held.id}/verdict/submit", headers=as_checker.htmx_headers,
                                   data={"lock_version": 0, "rating_id": rating.id, "summary": "False"})
        assert response.status_code == 200 and "waiting for an editor" in response.text
        db.refresh(held)
        assert held.status == "in_review"

    def test_submit_names_what_is_missing(self, db, as_checker, held):
        response = as_checker.post(f"/claims/{held.id}/verdict/submit", headers=as_checker.htmx_headers,
                                   data={"lock_version": 0})
        assert response.status_code == 422 and "choose a rating" in response.text
        db.refresh(held)
        assert held.status == "in_progress"

    def test_a_plain_post_redirects(self, as_checker, held):
        response = as_checker.post(f"/claims/{held.id}/verdict", follow_redirects=False,
                                   data={"lock_version": 0, "csrf_token": as_checker.csrf})
        assert response.status_code == 303

    def test_someone_else_cannot_save(self, db, held, as_editor):
        # Editors may edit without the lease; a second checker may not.
        assert as_editor.post(f"/claims/{held.id}/verdict", headers=as_editor.htmx_headers,
                              data={"lock_version": 0}).status_code == 200

    def test_an_expired_lease_shows_and_allows_taking_over(self, db, claim, as_checker, users):
        claim.status, claim.assignee_id = "in_progress", users.editor.id
        claim.lease_expires_at = utcnow() - timedelta(minutes=1)
        db.flush()
        page = as_checker.get(f"/claims/{claim.id}")
        assert "lease ran out" in page.text and "Take this claim" in page.text
