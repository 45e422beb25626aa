"""Article pages: list, new-article form (paste or upload), and the article page, with and without htmx."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from factcheck.models import Article

TEXT = (
    "On March 8, U.S. State Department spokesperson Ned Price addressed a briefing.\n\n"
    "Pakistan has lost more than 80,000 lives over the past two decades."
)


def articles(db) -> int:
    return db.scalar(select(func.count()).select_from(Article))


def create(client, **fields):
    data = {"title": "Briefing", "url": "", "published_at": "2023-03-20", "text": TEXT,
            "csrf_token": client.csrf, **fields}
    return client.post("/articles", data=data, follow_redirects=False)


def test_the_article_list_is_empty_at_first_and_links_to_the_form(as_checker):
    page = as_checker.get("/articles")
    assert page.status_code == 200
    assert "No articles yet" in page.text and 'href="/articles/new"' in page.text


def test_the_new_article_form_has_the_fields_a_desk_needs(as_checker):
    page = as_checker.get("/articles/new")
    for name in ("title", "url", "published_at", "text", "file", "csrf_token"):
        assert f'name="{name}"' in page.text


def test_posting_the_form_stores_the_article_and_redirects_to_it(db, as_checker):
    response = create(as_checker)
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.fullmatch(r"/articles/\d+", location)
    page = as_checker.get(location)
    assert page.status_code == 200
    assert "Ned Price" in page.text and 'class="claim' in page.text
    assert as_checker.get("/articles").text.count("Briefing") >= 1


def test_an_htmx_post_answers_with_an_hx_redirect(db, as_checker):
    response = as_checker.post(
        "/articles", headers=as_checker.htmx_headers,
        data={"title": "Briefing", "text": TEXT, "csrf_token": as_checker.csrf},
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/articles/")


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("briefing.txt", TEXT.encode(), "text"),
     ("briefing.html", f"<p>{TEXT.replace(chr(10) * 2, '</p><p>')}</p><script>x()</script>".encode(), "html")],
)
def test_an_uploaded_file_becomes_the_article_text(db, as_checker, name, content, kind):
    response = as_checker.post(
        "/articles", data={"title": "Upload", "csrf_token": as_checker.csrf},
        files={"file": (name, content, "text/plain")}, follow_redirects=False,
    )
    assert response.status_code == 303
    page = as_checker.get(response.headers["location"])
    assert "Ned Price" in page.text and "x()" not in page.text


@pytest.mark.parametrize(
    ("fields", "files", "status", "message"),
    [
        ({"text": "   "}, None, 422, "Paste the article"),
        ({"title": ""}, None, 422, "title is required"),
        ({"published_at": "March"}, None, 422, "publication date"),
        ({"text": ""}, {"file": ("photo.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")}, 422, ".txt or .html"),
        ({"text": ""}, {"file": ("a.txt", b"\xff\xfe\x00\x00\x01\x02", "text/plain")}, 422, "binary"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(
    db, as_checker, fields, files, status, message
):
    data = {"title": "Bad", "text": TEXT, "csrf_token": as_checker.csrf, **fields}
    response = as_checker.post("/articles", data=data, files=files)
    assert response.status_code == status
    assert message in response.text
    assert articles(db) == 0


def test_an_article_over_the_size_limit_is_refused_with_413(db, app, as_checker):
    app.state.settings.max_article_chars = 50
    response = as_checker.post("/articles", data={"title": "Long", "text": TEXT, "csrf_token": as_checker.csrf})
    assert response.status_code == 413
    assert articles(db) == 0


def test_a_failed_htmx_post_swaps_only_the_form_with_the_error(db, as_checker):
    response = as_checker.post("/articles", headers=as_checker.htmx_headers,
                               data={"title": "x", "text": " ", "csrf_token": as_checker.csrf})
    assert response.status_code == 422
    assert "<html" not in response.text and "alert-error" in response.text


def test_script_payloads_in_article_text_are_never_rendered_as_markup(db, as_checker):
    payload = (
        "On March 8, officials said <script>alert(1)</script> in Islamabad.\n\n"
        'Pakistan lost more than 80,000 lives, "><img src=x onerror=alert(1)> officials said.'
    )
    response = create(as_checker, text=payload, title="<b>Headline</b>")
    page = as_checker.get(response.headers["location"]).text
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page and "<b>Headline</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_an_unknown_article_is_a_404_page(as_checker):
    response = as_checker.get("/articles/999999")
    assert response.status_code == 404
    assert "<html" in response.text


def test_pages_need_a_login(client):
    response = client.get("/articles", follow_redirects=False)
    assert response.status_code in (303, 307)
    assert response.headers["location"].startswith("/login")


def test_the_health_endpoints_need_no_login(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}


def test_a_malformed_id_in_the_address_is_a_readable_422_page(as_checker):
    response = as_checker.get("/articles/not-a-number")
    assert response.status_code == 422
    assert "<html" in response.text and "article_id" in response.text
