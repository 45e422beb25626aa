"""POST /articles (create, revise, unchanged; size and input refusals) and GET /articles/{external_id}."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from factcheck.models import Article, ArticleRevision
from tests.api.test_auth import assert_error

TEXT = (
    "On March 8, State Department spokesperson Ned Price addressed a briefing in Washington.\n\n"
    "Pakistan has lost more than 80,000 lives over the past two decades.\n\n"
    "We think both countries need to talk more."
)


@pytest.fixture
def writer(make_token):
    return make_token(["articles:write", "articles:read"])


def post(client, headers, **fields):
    body = {"external_id": "cms-42", "title": "Pakistan and the U.S.", **fields}
    if "text" not in fields and "html" not in fields:
        body["text"] = TEXT
    return client.post("/api/v1/articles", json={k: v for k, v in body.items() if v is not ...},
                       headers=headers)


def count(db, model) -> int:
    return db.scalar(select(func.count(model.id)))


def test_posting_a_new_article_creates_it_with_its_claims_and_selectors(client, writer):
    response = post(client, writer, author="A. Reporter", published_at="2023-03-20T09:00:00+00:00",
                    url="https://news.example/pakistan")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["created"] is True and body["unchanged"] is False and body["revision"] == 1
    assert body["article"]["external_id"] == "cms-42"
    assert body["article"]["published_at"] == "2023-03-20T09:00:00Z"
    assert response.headers["Location"].endswith("/api/v1/articles/cms-42")
    assert body["claims"], "the sample text has check-worthy sentences"
    for claim in body["claims"]:
        quote, position = claim["selectors"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        assert TEXT[position["start"]:position["end"]] == quote["exact"]
        assert 0 <= claim["score"] <= 1 and isinstance(claim["kinds"], list)
    facts = [f for c in body["claims"] for f in c["facts"]]
    assert any(f["text"] == "March 8" for f in facts)


def test_posting_the_same_text_again_is_unchanged_and_stores_nothing(client, db, writer):
    assert post(client, writer).status_code == 201
    revisions = count(db, ArticleRevision)
    response = post(client, writer)
    assert response.status_code == 200
    assert response.json()["unchanged"] is True and response.json()["revision"] == 1
    assert count(db, ArticleRevision) == revisions


def test_posting_new_text_under_the_same_external_id_makes_a_revision(client, db, writer):
    post(client, writer)
    response = post(client, writer, text=TEXT + "\n\nUnemployment fell to 3.4% in January 2023.")
    assert response.status_code == 200
    body = response.json()
    assert body["revised"] is True and body["revision"] == 2
    assert count(db, Article) == 1


def test_html_is_reduced_to_text_and_scripts_never_survive(client, writer):
    html = "<p>Pakistan has lost more than 80,000 lives.</p><script>alert(1)</script>"
    response = post(client, writer, html=html)
    assert response.status_code == 201
    article = response.json()["article"]
    assert "alert" not in article["text"] and "<" not in article["text"]
    assert article["source_format"] == "html"


def test_text_that_looks_like_html_stays_text(client, writer):
    response = post(client, writer, text="The <b>budget</b> rose by 4% in 2022.")
    assert response.json()["article"]["text"] == "The <b>budget</b> rose by 4% in 2022."


@pytest.mark.parametrize("fields", [
    {"text": "a", "html": "<p>a</p>"},  # both
    {"text": ...},  # neither
    {"text": "   \n  "},  # blank
    {"title": "  "},
    {"text": "nul \x00 byte"},
    {"title": "nul\x00"},
    {"external_id": "has space"},
    {"published_at": "2023-03-20T09:00:00"},  # no time zone
    {"published_at": "0001-01-01T00:00:00+01:00"},
    {"url": "javascript:alert(1)"},
    {"unknown": "field"},
    {"title": 42},  # strict: no coercion
])
def test_bad_input_is_422_and_changes_nothing(client, db, writer, fields):
    response = post(client, writer, **fields)
    assert_error(response, 422, "invalid_input")
    assert count(db, Article) == 0


def test_markup_with_no_text_is_422(client, db, writer):
    assert_error(post(client, writer, html="<p> </p><script>x()</script>"), 422, "invalid_input")
    assert count(db, Article) == 0


def test_malformed_json_is_400(client, writer):
    response = client.post("/api/v1/articles", content=b'{"title": "x",', headers={
        **writer, "Content-Type": "application/json"})
    assert_error(response, 400, "malformed_json")


def test_an_article_over_the_character_limit_is_413(client, db, app, writer):
    app.state.settings.max_article_chars = 1000
    try:
        response = post(client, writer, text="Word " * 300)
    finally:
        app.state.settings.max_article_chars = 500_000
    error = assert_error(response, 413, "too_large")
    assert error["details"]["limit"] == 1000
    assert count(db, Article) == 0


def test_a_body_over_the_byte_limit_is_413_before_it_is_parsed(client, db, writer):
    declared = {**writer, "Content-Type": "application/json", "Content-Length": str(50_000_000)}
    response = client.post("/api/v1/articles", content=b"{}", headers=declared)
    assert_error(response, 413, "too_large")


def test_a_streamed_body_over_the_byte_limit_is_413(client, app, writer):
    limit = app.state.settings.max_upload_bytes
    body = json.dumps({"title": "t", "text": "x" * (limit + 10)}).encode()

    def chunks():
        for i in range(0, len(body), 1 << 20):
            yield body[i:i + 1 << 20]

    response = client.post("/api/v1/articles", content=chunks(),
                           headers={**writer, "Content-Type": "application/json"})
    assert_error(response, 413, "too_large")


def test_posting_needs_the_write_scope(client, make_token):
    assert_error(post(client, make_token(["articles:read"])), 403, "forbidden")


def test_get_article_returns_the_current_revision_with_an_etag(client, writer):
    post(client, writer)
    response = client.get("/api/v1/articles/cms-42", headers=writer)
    assert response.status_code == 200
    assert response.json()["article"]["text"] == TEXT
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = client.get("/api/v1/articles/cms-42", headers={**writer, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("external_id", ["missing", "nul%00byte"])
def test_unknown_or_impossible_external_ids_are_refused(client, writer, external_id):
    response = client.get(f"/api/v1/articles/{external_id}", headers=writer)
    assert response.status_code in (404, 422)
    assert response.json()["error"]["code"] in ("not_found", "invalid_input")


def test_unknown_api_paths_answer_with_the_json_error_body(client):
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(client.delete("/api/v1/ping"), 405, "method_not_allowed")
