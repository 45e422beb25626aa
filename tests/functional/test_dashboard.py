"""The dashboard page: figures, charts readable as tables, htmx refresh, escaping and access."""

from __future__ import annotations

from factcheck.models import utcnow
from tests.factories import ClaimFactory, RatingFactory, RevisionFactory, VerdictFactory

XSS = "<script>alert(1)</script>"


def seed(db) -> None:  # type: ignore[no-untyped-def]
    revision = RevisionFactory(article__title=f"Story {XSS}")
    ClaimFactory(revision=revision, status="candidate", exact=f"Claim {XSS}")
    ClaimFactory(revision=revision, status="accepted")
    published = ClaimFactory(revision=revision, status="published")
    rating = RatingFactory(label=f"Rated {XSS}", colour="#cf222e")
    VerdictFactory(claim_id=published.id, state="published", rating_id=rating.id, published_at=utcnow())


def test_the_dashboard_shows_queue_sizes_oldest_claims_and_charts_with_tables(db, as_checker):
    seed(db)
    response = as_checker.get("/dashboard")
    html = response.text
    assert response.status_code == 200 and "<html" in html
    assert html.count('role="img"') == 3 and html.count("<details class=\"chart-table\">") == 3
    assert "<title id=\"chart-per-day-title\">Claims checked per day, last 30 days</title>" in html
    assert "Waiting longest" in html and ">Candidate</span>" in html and ">Queued</span>" in html
    assert '<dt>To triage</dt><dd>1</dd>' in html
    assert "1 in 30 days" in html


def test_refresh_answers_htmx_with_the_panels_only(db, as_checker):
    seed(db)
    response = as_checker.get("/dashboard", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and response.text.count('id="dashboard-panels"') == 1


def test_everything_people_wrote_is_escaped(db, as_checker):
    seed(db)
    html = as_checker.get("/dashboard").text
    assert "<script>alert" not in html
    assert "Claim &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Story &lt;script&gt;" in html and "Rated &lt;script&gt;" in html


def test_an_empty_desk_says_nothing_is_waiting(as_checker):
    html = as_checker.get("/dashboard").text
    assert "Nothing is waiting" in html and "0 in 30 days" in html


def test_the_dashboard_needs_a_signed_in_user(client):
    response = client.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/dashboard"


def test_editors_and_admins_see_it_too(as_editor, as_admin):
    assert as_editor.get("/dashboard").status_code == 200
    assert as_admin.get("/dashboard").status_code == 200
