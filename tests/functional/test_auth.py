"""Signing in and out, the login wall, sessions ending, rate limiting and CSRF over HTTP."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from factcheck.models import Article, LoginAttempt
from factcheck.services.users import UserService
from factcheck.web.auth import SESSION_COOKIE
from tests.functional.conftest import PASSWORD


def login_token(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/login")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def post_login(client, email: str, password: str, *, next: str = "/articles", token: str | None = None):  # type: ignore[no-untyped-def]
    token = token if token is not None else login_token(client)
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token, "next": next},
        follow_redirects=False,
    )


class TestLogin:
    def test_the_login_page_is_a_centred_form_with_its_own_token(self, client):
        page = client.get("/login")
        assert page.status_code == 200
        assert 'class="auth-card panel"' in page.text
        assert 'name="csrf_token"' in page.text
        assert "factcheck_login_csrf" in page.headers["set-cookie"]

    def test_the_right_password_signs_in_and_redirects_to_next(self, client, users):
        response = post_login(client, "Editor@Newsroom.test", PASSWORD, next="/articles?page=2")
        assert response.status_code == 303
        assert response.headers["location"] == "/articles?page=2"
        cookie = response.headers["set-cookie"]
        assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert client.get("/articles").status_code == 200

    def test_the_session_cookie_is_secure_over_https(self, app, users):
        from fastapi.testclient import TestClient

        with TestClient(app, base_url="https://testserver") as client:
            response = post_login(client, users.editor.email, PASSWORD)
        session_cookie = [c for c in response.headers.get_list("set-cookie") if SESSION_COOKIE in c]
        assert "Secure" in session_cookie[0]

    def test_the_page_shows_who_is_signed_in_and_the_links_of_their_role(self, client, users):
        post_login(client, users.editor.email, PASSWORD)
        page = client.get("/articles").text
        assert "Eda Editor" in page and 'href="/review"' in page and 'href="/admin"' not in page
        assert re.search(r'<meta name="csrf-token" content="[^"]+">', page)

    @pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example", "/\\evil", "javascript:x"])
    def test_next_never_leaves_the_site(self, client, users, next_url):
        response = post_login(client, users.editor.email, PASSWORD, next=next_url)
        assert response.headers["location"] == "/"

    def test_a_wrong_password_is_refused_and_recorded(self, client, users, db):
        response = post_login(client, users.editor.email, "not the password at all")
        assert response.status_code == 401
        assert "Wrong email or password" in response.text
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
        assert db.scalar(select(func.count()).select_from(LoginAttempt)
                         .where(LoginAttempt.succeeded.is_(False))) == 1

    def test_a_deactivated_user_cannot_sign_in(self, client, users, db):
        UserService(db).deactivate(users.checker.id, actor=users.admin)
        response = post_login(client, users.checker.email, PASSWORD)
        assert response.status_code == 401
        assert "deactivated" in response.text

    def test_a_login_without_its_form_token_is_refused(self, client, users):
        client.get("/login")
        response = post_login(client, users.editor.email, PASSWORD, token="forged")
        assert response.status_code == 403
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")

    def test_too_many_failures_for_an_account_answer_429(self, client, users, settings):
        for _ in range(settings.login_max_failures):
            assert post_login(client, users.editor.email, "wrong password!").status_code == 401
        response = post_login(client, users.editor.email, PASSWORD)
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")

    def test_a_signed_in_visitor_to_login_goes_on_to_next(self, as_editor):
        response = as_editor.get("/login?next=/articles", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/articles"


class TestLoginWall:
    def test_an_anonymous_page_view_redirects_to_login_with_next(self, client):
        response = client.get("/articles?x=1", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/articles%3Fx%3D1"

    def test_an_anonymous_htmx_request_gets_hx_redirect(self, client):
        response = client.get("/articles", headers={"HX-Request": "true",
                                                    "HX-Current-URL": "http://testserver/articles/3"})
        assert response.status_code == 401
        assert response.headers["HX-Redirect"] == "/login?next=/articles/3"

    def test_an_anonymous_post_gets_401_and_changes_nothing(self, client, db):
        response = client.post("/articles", data={"title": "T", "text": "Prices rose 5% in 2023."})
        assert response.status_code == 401
        assert db.scalar(select(func.count()).select_from(Article)) == 0

    @pytest.mark.parametrize("path", ["/healthz", "/readyz", "/login", "/static/app.css"])
    def test_public_paths_need_no_login(self, client, path):
        assert client.get(path, follow_redirects=False).status_code == 200

    def test_a_forged_cookie_counts_as_anonymous(self, client, users):
        client.cookies.set(SESSION_COOKIE, "eyJ1IjoxfQ.forged.signature")
        response = client.get("/articles", follow_redirects=False)
        assert response.status_code == 303
        assert SESSION_COOKIE in response.headers.get("set-cookie", "")  # the bad cookie is cleared


class TestSessionsEnd:
    def test_deactivation_signs_the_user_out_at_once(self, as_checker, users, db):
        assert as_checker.get("/articles").status_code == 200
        UserService(db).deactivate(users.checker.id, actor=users.admin)
        response = as_checker.get("/articles", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")

    def test_a_password_change_ends_older_sessions(self, as_checker, users, db):
        UserService(db).set_password(users.checker.id, password="a brand new password", actor=users.checker)
        assert as_checker.get("/articles", follow_redirects=False).status_code == 303

    def test_logout_ends_the_session_even_if_the_cookie_is_replayed(self, as_editor):
        cookie = as_editor.cookies.get(SESSION_COOKIE)
        response = as_editor.post("/logout", headers=as_editor.csrf_headers, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login"
        as_editor.cookies.set(SESSION_COOKIE, cookie)
        assert as_editor.get("/articles", follow_redirects=False).status_code == 303

    def test_logout_over_htmx_answers_hx_redirect(self, as_editor):
        response = as_editor.post("/logout", headers=as_editor.htmx_headers)
        assert response.status_code == 204 and response.headers["HX-Redirect"] == "/login"


class TestCsrf:
    ARTICLE = {"title": "Prices", "text": "Prices rose 5% in 2023, the ministry said on March 8."}

    def test_a_post_without_a_token_is_403_and_changes_nothing(self, as_editor, db):
        response = as_editor.post("/articles", data=self.ARTICLE)
        assert response.status_code == 403
        assert "CSRF" in response.text
        assert db.scalar(select(func.count()).select_from(Article)) == 0

    def test_a_post_with_a_wrong_token_is_403(self, as_editor, db):
        response = as_editor.post("/articles", data=self.ARTICLE, headers={"X-CSRF-Token": "nope"})
        assert response.status_code == 403
        assert db.scalar(select(func.count()).select_from(Article)) == 0

    def test_another_users_token_does_not_work(self, as_editor, as_checker, db):
        response = as_editor.post("/articles", data=self.ARTICLE, headers=as_checker.csrf_headers)
        assert response.status_code == 403

    def test_the_token_in_the_header_lets_the_post_through(self, as_editor, db):
        response = as_editor.post("/articles", data=self.ARTICLE, headers=as_editor.csrf_headers,
                                  follow_redirects=False)
        assert response.status_code == 303
        assert db.scalar(select(func.count()).select_from(Article)) == 1

    def test_the_token_in_the_form_lets_the_post_through_and_the_form_still_reaches_the_view(
        self, as_editor, db
    ):
        response = as_editor.post("/articles", data={**self.ARTICLE, "csrf_token": as_editor.csrf},
                                  follow_redirects=False)
        assert response.status_code == 303
        assert db.scalar(select(Article.title)) == "Prices"

    def test_a_multipart_upload_carries_the_token_in_the_form(self, as_editor, db):
        response = as_editor.post(
            "/articles", data={"title": "Upload", "csrf_token": as_editor.csrf},
            files={"file": ("a.txt", b"Unemployment fell to 3.4% in January 2023.", "text/plain")},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert db.scalar(select(Article.title)) == "Upload"

    def test_an_htmx_post_without_a_token_is_403_shown_in_the_flash_area(self, as_editor):
        response = as_editor.post("/articles", data=self.ARTICLE, headers={"HX-Request": "true"})
        assert response.status_code == 403
        assert response.headers["HX-Retarget"] == "#flash"
