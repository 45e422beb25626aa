"""Revision pages: "Update text", the revision list, the diff of two revisions, and the orphans."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.models import ArticleRevision
from factcheck.services.ingest import IngestService

LOST = "Pakistan has lost more than 80,000 lives over the past two decades, the minister said."
RATE = "Unemployment fell to 3.5% in March 2023, the lowest rate since 1969."
OPINION = "Both sides want to talk more, I think."
TEXT = f"{LOST}\n\n{RATE}\n\n{OPINION}"
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


@pytest.fixture
def article(db, settings):
    return IngestService(db, settings=settings).ingest(text=TEXT, title="Costs <b>of</b> war").article


def revisions(db) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count()).select_from(ArticleRevision))


def update(client, article, text: str, *, htmx: bool = False, **kwargs):  # type: ignore[no-untyped-def]
    headers = client.htmx_headers if htmx else {}
    return client.post(f"/articles/{article.id}/revisions", data={"text": text, "csrf_token": client.csrf},
                       headers=headers, follow_redirects=False, **kwargs)


def test_the_edit_page_holds_the_current_text_escaped(as_checker, article):
    page = as_checker.get(f"/articles/{article.id}/edit")

    assert page.status_code == 200 and "<html" in page.text
    assert f">{LOST}\n\n{RATE}" in page.text
    assert "Costs &lt;b&gt;of&lt;/b&gt; war" in page.text
    fragment = as_checker.get(f"/articles/{article.id}/edit", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and 'name="text"' in fragment.text


def test_new_text_makes_a_revision_and_lands_on_the_revision_list(db, as_checker, article):
    response = update(as_checker, article, f"{RATE}\n\n{OPINION}")

    assert response.status_code == 303
    assert response.headers["location"] == f"/articles/{article.id}/revisions"
    listing = as_checker.get(response.headers["location"])
    assert "Revisions <span class=\"count\">2</span>" in listing.text
    assert "1 orphaned" in listing.text and LOST in listing.text  # the orphan with its old quote
    assert f"/articles/{article.id}/revisions/2/diff" in listing.text


def test_with_htmx_the_update_answers_with_a_redirect_header(db, as_checker, article):
    response = update(as_checker, article, f"{OPINION}\n\n{RATE}", htmx=True)

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/articles/{article.id}/revisions"
    assert revisions(db) == 2


def test_an_update_without_the_csrf_token_is_refused_and_changes_nothing(db, as_checker, article):
    response = as_checker.post(f"/articles/{article.id}/revisions", data={"text": RATE},
                               follow_redirects=False)

    assert response.status_code == 403
    assert revisions(db) == 1


def test_the_pages_need_a_login(client, article):
    for path in (f"/articles/{article.id}/edit", f"/articles/{article.id}/revisions", "/orphans",
                 f"/articles/{article.id}/revisions/1/diff"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code in (303, 307) and response.headers["location"].startswith("/login")


@pytest.mark.parametrize("htmx", [False, True])
def test_empty_text_is_refused_with_the_form_and_changes_nothing(db, as_checker, article, htmx):
    response = update(as_checker, article, "   ", htmx=htmx)

    assert response.status_code == 422
    assert "Paste the article" in response.text and ("<html" in response.text) is not htmx
    assert revisions(db) == 1


def test_the_same_text_again_says_so_and_makes_no_revision(db, as_checker, article):
    response = update(as_checker, article, TEXT, htmx=True)

    assert response.status_code == 200 and "nothing changed" in response.text
    assert revisions(db) == 1


def test_a_file_over_the_upload_limit_is_a_413(db, as_checker, article, settings):
    big = b"A sentence. " * (settings.max_upload_bytes // 12 + 1)
    response = as_checker.post(f"/articles/{article.id}/revisions", data={"csrf_token": as_checker.csrf},
                               files={"file": ("story.txt", big, "text/plain")})

    assert response.status_code == 413 and revisions(db) == 1


def test_unknown_articles_and_revisions_are_404s(as_checker, article):
    assert as_checker.get("/articles/999999/edit").status_code == 404
    assert as_checker.get(f"/articles/{article.id}/revisions/7/diff").status_code == 404
    assert as_checker.get("/articles/99999999999/revisions").status_code == 422
    assert as_checker.get(f"/articles/{article.id}/revisions/1/diff?against=9").status_code == 422


def test_the_diff_escapes_both_texts_inline_and_side_by_side(db, as_checker, article):
    upload = f"{LOST}\n\n{RATE} {XSS}\n\n{OPINION}".encode()
    as_checker.post(f"/articles/{article.id}/revisions", data={"csrf_token": as_checker.csrf},
                    files={"file": ("story.txt", upload, "text/plain")})

    for layout in ("inline", "side"):
        page = as_checker.get(f"/articles/{article.id}/revisions/2/diff?against=1&layout={layout}")
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "<ins>" in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    fragment = as_checker.get(f"/articles/{article.id}/revisions/2/diff?layout=side",
                              headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "diff-side" in fragment.text


def test_the_diff_rejects_an_unknown_layout(as_checker, article):
    assert as_checker.get(f"/articles/{article.id}/revisions/1/diff?layout=zigzag").status_code == 422


def test_orphans_are_listed_on_the_article_and_across_articles(db, as_checker, article, settings):
    other = IngestService(db, settings=settings).ingest(text=f"{XSS} {RATE}\n\n{OPINION}", title="Other",
                                                        source_format="text").article
    IngestService(db, settings=settings).revise(other.id, text=OPINION, source_format="text")
    update(as_checker, article, f"{RATE}\n\n{OPINION}")

    own = as_checker.get(f"/articles/{article.id}/orphans", headers={"HX-Request": "true"})
    assert LOST in own.text and "<html" not in own.text and "Other" not in own.text
    everything = as_checker.get("/orphans")
    assert "<html" in everything.text and LOST in everything.text
    assert "&lt;script&gt;" in everything.text and "<script>alert" not in everything.text


def test_the_article_page_links_to_editing_and_loads_its_orphans(as_checker, article):
    page = as_checker.get(f"/articles/{article.id}")

    assert f'href="/articles/{article.id}/edit"' in page.text
    assert f'hx-get="/articles/{article.id}/orphans"' in page.text
