"""The triage queue over HTTP: filters, row actions with and without htmx, bulk, undo, refusals."""

from __future__ import annotations

import pytest

from tests.factories import ArticleFactory, ClaimFactory, RevisionFactory

HX = "HX-Request"


@pytest.fixture
def claims(db):
    article = ArticleFactory(title="Budget briefing")
    revision = RevisionFactory(article=article)
    high = ClaimFactory(revision=revision, score=0.9, kinds=["quantity"], reasons=["a figure"])
    low = ClaimFactory(revision=revision, start=89, end=156, score=0.6)
    return high, low


def action(client, claim, verb, *, htmx=True, **data):
    headers = client.htmx_headers if htmx else client.csrf_headers
    return client.post(f"/claims/{claim.id}/{verb}", headers=headers,
                       data={"version": claim.version, **data}, follow_redirects=False)


class TestQueuePage:
    def test_the_page_lists_candidates_with_facts_score_kinds_reasons_and_article(self, as_checker, claims):
        high, low = claims
        page = as_checker.get("/queue")
        assert page.status_code == 200 and "<html" in page.text
        assert page.text.index(f'id="claim-row-{high.id}"') < page.text.index(f'id="claim-row-{low.id}"')
        assert "Budget briefing" in page.text and "90%" in page.text and "a figure" in page.text
        assert "quantity/statistic" in page.text
        assert '/static/triage.js' in page.text and 'id="shortcuts"' in page.text
        assert 'hx-trigger="keyup changed delay:300ms, search"' in page.text
        assert 'hx-push-url="true"' in page.text

    def test_an_htmx_request_gets_only_the_rows(self, as_checker, claims):
        fragment = as_checker.get("/queue?q=80,000", headers={HX: "true"})
        assert fragment.status_code == 200 and "<html" not in fragment.text
        assert f'claim-row-{claims[1].id}' in fragment.text
        assert f'claim-row-{claims[0].id}"' not in fragment.text

    def test_filters_narrow_the_list(self, as_checker, claims):
        high, low = claims
        text = as_checker.get("/queue?kind=quantity&min_score=0.8").text
        assert f'claim-row-{high.id}"' in text and f'claim-row-{low.id}"' not in text
        assert "No accepted claims match" in as_checker.get("/queue?status=accepted").text

    @pytest.mark.parametrize("query", ["min_score=2", "min_score=high", "status=nonsense",
                                       "article=abc", "article=99999999999", "kind=a%27b"])
    def test_bad_filters_are_refused_clearly(self, as_checker, claims, query):
        response = as_checker.get(f"/queue?{query}")
        assert response.status_code == 422

    def test_empty_filter_fields_mean_any(self, as_checker, claims):
        response = as_checker.get("/queue?q=&article=&kind=&min_score=&max_score=&status=candidate",
                                  headers={HX: "true"})
        assert response.status_code == 200 and f'claim-row-{claims[0].id}"' in response.text

    def test_counts_fragment(self, as_checker, claims):
        response = as_checker.get("/queue/counts", headers={HX: "true"})
        assert 'data-count="candidate">2<' in response.text
        assert as_checker.get("/queue/counts", follow_redirects=False).status_code == 303


class TestRowActions:
    @pytest.mark.parametrize(("verb", "status"), [("accept", "accepted"), ("dismiss", "dismissed")])
    def test_an_htmx_action_swaps_the_row_and_announces_the_change(self, db, as_checker, claims, verb, status):
        claim = claims[0]
        response = action(as_checker, claim, verb)
        assert response.status_code == 200
        assert response.headers["HX-Trigger"] == "queue-changed"
        assert f'id="claim-row-{claim.id}"' in response.text and "<html" not in response.text
        assert f"status-{status}" in response.text and 'data-action="undo"' in response.text
        db.refresh(claim)
        assert claim.status == status

    def test_a_plain_post_redirects_back_to_the_queue_with_its_filters(self, db, as_checker, claims):
        response = as_checker.post(
            f"/claims/{claims[0].id}/accept", data={"version": 1, "csrf_token": as_checker.csrf},
            headers={"referer": "http://testserver/queue?kind=quantity"}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/queue?kind=quantity"

    def test_a_stale_version_answers_409_in_the_flash_with_a_reload_link(self, db, as_checker, claims):
        claim = claims[0]
        action(as_checker, claim, "accept")
        response = as_checker.post(f"/claims/{claim.id}/dismiss", headers=as_checker.htmx_headers,
                                   data={"version": 1})
        assert response.status_code == 409
        assert response.headers["HX-Retarget"] == "#flash"
        assert "changed since you loaded it" in response.text and ">Reload</a>" in response.text
        db.refresh(claim)
        assert claim.status == "accepted"

    def test_an_illegal_transition_names_the_allowed_ones(self, db, as_checker):
        claim = ClaimFactory(status="in_review")
        response = action(as_checker, claim, "dismiss")
        assert response.status_code == 409
        assert "Allowed next steps: in_progress, published" in response.text

    def test_mark_duplicate_and_undo(self, db, as_checker, claims):
        high, low = claims
        response = action(as_checker, low, "duplicate", duplicate_of_id=high.id)
        assert response.status_code == 200 and f"#{high.id}" in response.text
        db.refresh(low)
        assert (low.status, low.duplicate_of_id) == ("duplicate", high.id)
        undone = as_checker.post(f"/claims/{low.id}/undo", headers=as_checker.htmx_headers)
        assert undone.status_code == 200 and 'data-action="accept"' in undone.text
        db.refresh(low)
        assert low.status == "candidate"

    def test_undo_with_nothing_to_undo_is_a_409(self, as_checker, claims):
        response = as_checker.post(f"/claims/{claims[0].id}/undo", headers=as_checker.htmx_headers)
        assert response.status_code == 409

    def test_the_duplicate_type_ahead_finds_other_claims(self, as_checker, claims):
        high, low = claims
        response = as_checker.get(f"/claims/search?q=lives&exclude={high.id}", headers={HX: "true"})
        assert f'data-pick-claim="{low.id}"' in response.text and "<html" not in response.text
        assert as_checker.get("/claims/search?q=lives").status_code == 200

    def test_actions_need_the_csrf_token(self, db, as_checker, claims):
        response = as_checker.post(f"/claims/{claims[0].id}/accept", data={"version": 1},
                                   headers={HX: "true"})
        assert response.status_code == 403
        db.refresh(claims[0])
        assert claims[0].status == "candidate"

    def test_an_unknown_claim_is_404_and_a_missing_version_422(self, as_checker):
        assert as_checker.post("/claims/999999/accept", headers=as_checker.htmx_headers,
                               data={"version": 1}).status_code == 404
        assert as_checker.post("/claims/1/accept", headers=as_checker.htmx_headers).status_code == 422


class TestBulk:
    def test_bulk_accept_reports_skipped_claims(self, db, as_checker, claims):
        high, low = claims
        action(as_checker, low, "dismiss")
        response = as_checker.post("/queue/bulk", headers=as_checker.htmx_headers,
                                   data={"action": "accept", "claim_ids": [high.id, low.id]})
        assert response.status_code == 200 and response.headers["HX-Trigger"] == "queue-changed"
        assert "1 done; 1 left alone" in response.text and "already dismissed" in response.text
        assert f'id="claim-row-{high.id}"' in response.text and 'hx-swap-oob="true"' in response.text
        db.refresh(high)
        assert high.status == "accepted"

    def test_bulk_without_htmx_redirects(self, as_checker, claims):
        response = as_checker.post("/queue/bulk", follow_redirects=False, data={
            "action": "dismiss", "claim_ids": [claims[0].id], "csrf_token": as_checker.csrf})
        assert response.status_code == 303

    def test_bulk_with_nothing_selected_is_refused(self, as_checker, claims):
        response = as_checker.post("/queue/bulk", headers=as_checker.htmx_headers,
                                   data={"action": "accept"})
        assert response.status_code == 422 and "Select at least one claim" in response.text


class TestManualClaimAndMine:
    def test_a_checker_adds_a_claim_by_offsets_and_lands_in_its_workspace(self, db, as_checker):
        revision = RevisionFactory()
        response = as_checker.post(f"/articles/{revision.article_id}/claims", follow_redirects=False,
                                   data={"start": 89, "end": 156, "csrf_token": as_checker.csrf})
        assert response.status_code == 303 and response.headers["location"].startswith("/claims/")
        assert as_checker.get(response.headers["location"]).status_code == 200

    def test_bad_offsets_are_422(self, db, as_checker):
        revision = RevisionFactory()
        response = as_checker.post(f"/articles/{revision.article_id}/claims",
                                   headers=as_checker.htmx_headers, data={"start": 5, "end": 5})
        assert response.status_code == 422

    def test_my_claims_lists_what_i_hold(self, db, as_checker, settings):
        from factcheck.services.leases import LeaseService

        claim = ClaimFactory(status="accepted")
        LeaseService(db, settings=settings).take(claim.id, actor=as_checker.user)
        page = as_checker.get("/my-claims")
        assert page.status_code == 200 and f'href="/claims/{claim.id}"' in page.text and "until" in page.text
        fragment = as_checker.get("/my-claims", headers={HX: "true"})
        assert "<html" not in fragment.text and f'href="/claims/{claim.id}"' in fragment.text


def test_the_add_claim_page_shows_the_escaped_text_to_select_from(db, as_checker):
    revision = RevisionFactory(text="Plain <b>bold</b> text. The city spent $4 million.")
    page = as_checker.get(f"/articles/{revision.article_id}/claims/new")
    assert page.status_code == 200 and "data-select-text" in page.text
    assert "Plain &lt;b&gt;bold&lt;/b&gt; text." in page.text
    assert f'action="/articles/{revision.article_id}/claims"' in page.text
    assert as_checker.get("/articles/999999/claims/new").status_code == 404


def test_claims_at_or_above_the_high_priority_threshold_are_marked(db, app, as_checker):
    from tests.factories import ClaimFactory

    app.state.settings.high_priority_threshold = 0.9
    ClaimFactory(score=0.95)
    ClaimFactory(score=0.6)
    page = as_checker.get("/queue").text
    assert page.count("High priority</span>") == 1
