"""Token authentication on the API: 401 for missing/bad/expired/revoked tokens, 403 for scopes, 429 limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from factcheck.api.rate_limit import RateLimiter
from factcheck.exceptions import AuthenticationError, PermissionDenied, ValidationError
from factcheck.models import ApiToken, utcnow
from factcheck.services.api_tokens import ApiTokenService, hash_secret
from tests import factories

URL = "/api/v1/articles/cms-1"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_a_created_token_is_stored_only_as_its_hash(db):
    issued = ApiTokenService(db).create(name="cms", scopes=["articles:write"], system=True)
    assert issued.secret.startswith(f"fc_{issued.token.prefix}_")
    stored = db.get(ApiToken, issued.token.id)
    assert stored.token_hash == hash_secret(issued.secret)
    assert issued.secret not in (stored.token_hash, stored.prefix, stored.name)


@pytest.mark.parametrize("scopes", [["nonsense"], [], ["workflow"], ["detect", "articles:delete"]])
def test_creating_a_token_refuses_unknown_empty_or_userless_workflow_scopes(db, scopes):
    with pytest.raises(ValidationError):
        ApiTokenService(db).create(name="cms", scopes=scopes, system=True)
    assert db.scalar(select(func.count(ApiToken.id))) == 0


def test_only_an_admin_may_create_a_token(db):
    editor = factories.UserFactory(role="editor")
    with pytest.raises(PermissionDenied):
        ApiTokenService(db).create(name="cms", scopes=["detect"], actor=editor)
    admin = factories.UserFactory(role="admin")
    issued = ApiTokenService(db).create(name="cms", scopes=["detect"], actor=admin)
    assert issued.token.created_by_id == admin.id


def test_authenticate_refuses_revoked_and_expired_tokens(db):
    service = ApiTokenService(db)
    revoked = service.create(name="a", scopes=["detect"], system=True)
    service.revoke(revoked.token.id, system=True)
    with pytest.raises(AuthenticationError, match="revoked"):
        service.authenticate(revoked.secret)
    expired = service.create(name="b", scopes=["detect"], system=True, expires_days=1)
    expired.token.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(AuthenticationError, match="expired"):
        service.authenticate(expired.secret)


def test_last_used_is_written_at_most_once_a_minute(db):
    service = ApiTokenService(db)
    issued = service.create(name="a", scopes=["detect"], system=True)
    token, _ = service.authenticate(issued.secret)
    first = token.last_used_at
    assert first is not None
    service.authenticate(issued.secret)
    assert token.last_used_at == first
    token.last_used_at = first - timedelta(minutes=2)
    service.authenticate(issued.secret)
    assert token.last_used_at > first


def test_no_token_is_401_with_the_error_body(client):
    response = client.get(URL)
    assert_error(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", [
    "Bearer fc_deadbeef_not-a-real-secret", "Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer ",
])
def test_a_bad_token_is_401(client, header):
    assert_error(client.get(URL, headers={"Authorization": header}), 401, "unauthenticated")


def test_a_revoked_token_is_401(client, db, make_token):
    headers = make_token(["articles:read"])
    token = db.scalars(select(ApiToken)).one()
    ApiTokenService(db).revoke(token.id, system=True)
    assert_error(client.get(URL, headers=headers), 401, "unauthenticated")


def test_an_expired_token_is_401(client, db, make_token):
    headers = make_token(["articles:read"])
    token = db.scalars(select(ApiToken)).one()
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.flush()
    error = assert_error(client.get(URL, headers=headers), 401, "unauthenticated")
    assert "expired" in error["message"]


def test_a_token_without_the_scope_is_403_naming_the_scope(client, make_token):
    error = assert_error(client.get(URL, headers=make_token(["detect"])), 403, "forbidden")
    assert error["details"]["required_scope"] == "articles:read"


def test_the_admin_scope_grants_every_scope(client, make_token):
    # Passes authentication and the scope check; the article simply does not exist.
    assert_error(client.get(URL, headers=make_token(["admin"])), 404, "not_found")


def test_a_personal_token_of_a_deactivated_user_is_401(client, db, make_token):
    user = factories.UserFactory(role="editor")
    headers = make_token(["articles:read"], user=user)
    user.is_active = False
    db.flush()
    assert_error(client.get(URL, headers=headers), 401, "unauthenticated")


def test_over_the_rate_limit_is_429_with_retry_after(client, app, make_token):
    app.state.api_rate_limiter = RateLimiter(3)
    headers = make_token(["articles:read"])
    for _ in range(3):
        assert client.get(URL, headers=headers).status_code == 404
    response = client.get(URL, headers=headers)
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) >= 1
    # Another token has its own allowance.
    assert client.get(URL, headers=make_token(["articles:read"], name="other")).status_code == 404


def test_the_sliding_window_frees_requests_as_the_previous_minute_fades():
    now = [0.0]
    limiter = RateLimiter(10, clock=lambda: now[0])
    assert all(limiter.hit(1) is None for _ in range(10))
    retry = limiter.hit(1)
    assert retry is not None and 1 <= retry <= 60
    now[0] = 60.0  # a new window: the previous one still weighs fully
    assert limiter.hit(1) is not None
    now[0] = 60.0 + 30.0  # half of the previous window has faded: five requests are free
    assert [limiter.hit(1) for _ in range(6)].count(None) == 5
    now[0] = 300.0
    assert limiter.hit(1) is None


def test_ping_needs_no_token(client):
    response = client.get("/api/v1/ping")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
