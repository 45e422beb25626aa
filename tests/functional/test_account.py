"""A signed-in user's own account page: who they are, and changing their own password."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from factcheck.models import LoginAttempt, User
from factcheck.services.users import UserService
from factcheck.web.auth import SESSION_COOKIE
from tests.functional.conftest import FAST_HASHER, PASSWORD, login

NEW_PASSWORD = "a brand new long password"


def change(client, *, current=PASSWORD, new=NEW_PASSWORD, confirmation=None, htmx=False):  # type: ignore[no-untyped-def]
    headers = client.htmx_headers if htmx else client.csrf_headers
    return client.post("/account/password", headers=headers, data={
        "current_password": current, "new_password": new,
        "confirmation": new if confirmation is None else confirmation,
    })


def password_works(db, user: User, password: str) -> bool:  # type: ignore[no-untyped-def]
    db.refresh(user)
    return UserService(db, hasher=FAST_HASHER)._verify(password, user.password_hash)


def test_the_account_page_shows_who_is_signed_in(as_checker):
    page = as_checker.get("/account")
    assert page.status_code == 200
    assert "Chris Checker" in page.text and "checker@newsroom.test" in page.text
    assert 'action="/account/password"' in page.text
    assert 'href="/account"' in page.text  # the name in the top bar leads here


def test_changing_the_password_keeps_this_browser_and_ends_the_others(app, db, users, as_checker):
    other_browser = login(TestClient(app), users.checker)
    assert other_browser.get("/queue", follow_redirects=False).status_code == 200

    response = change(as_checker, htmx=True)

    assert response.status_code == 200
    assert "Your password was changed" in response.text
    assert SESSION_COOKIE in response.headers["set-cookie"]
    assert password_works(db, users.checker, NEW_PASSWORD)
    assert not password_works(db, users.checker, PASSWORD)
    assert as_checker.get("/queue", follow_redirects=False).status_code == 200
    assert other_browser.get("/queue", follow_redirects=False).status_code == 303


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failure(db, users, as_checker):
    response = change(as_checker, current="not my password", htmx=True)
    assert response.status_code == 403
    assert "current password is not right" in response.text
    assert password_works(db, users.checker, PASSWORD)
    failures = db.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.email == users.checker.email, LoginAttempt.succeeded.is_(False)))
    assert failures == 1


def test_repeated_wrong_guesses_are_rate_limited(app, db, users, as_checker):
    limit = app.state.settings.login_max_failures
    for _ in range(limit):
        assert change(as_checker, current="guess").status_code == 403
    response = change(as_checker)  # even the right password waits now
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert password_works(db, users.checker, PASSWORD)


def test_bad_new_passwords_are_refused_with_a_reason(db, users, as_checker):
    cases = [
        ({"new": "short", "confirmation": "short"}, "at least"),
        ({"confirmation": "something else entirely"}, "confirmation differ"),
        ({"new": PASSWORD, "confirmation": PASSWORD}, "must differ"),
    ]
    for fields, message in cases:
        response = change(as_checker, **fields)
        assert response.status_code == 422, fields
        assert message in response.text
    assert password_works(db, users.checker, PASSWORD)


def test_the_form_needs_a_csrf_token(users, as_checker):
    response = as_checker.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert response.status_code == 403
