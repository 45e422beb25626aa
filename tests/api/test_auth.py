"""Token authentication on the API: 401 for missing/bad/expired/revoked tokens, 403 for scopes, 429 limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from factcheck.api.rate_limit import RateLimiter
from factcheck.exceptions import AuthenticationError, PermissionDenied, ValidationError
from factcheck.models import ApiToken, utcnow
from factcheck.services.api_tokens import (
    TOKEN_CACHE_SECONDS, ApiTokenService, TokenCache, TokenGrant, hash_secret,
)
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


# -- the per-process token cache ----------------------------------------------------------------


@pytest.fixture
def clock(app) -> list[float]:
    """The token cache's clock, moved by hand."""
    now = [0.0]
    app.state.api_token_cache = TokenCache(clock=lambda: now[0])
    return now


def test_a_revocation_takes_effect_once_the_cache_bound_has_passed(client, db, clock, make_token):
    headers = make_token(["articles:read"])
    assert client.get(URL, headers=headers).status_code == 404  # authenticated; no such article
    token = db.scalars(select(ApiToken)).one()
    ApiTokenService(db).revoke(token.id, system=True)
    db.flush()
    assert client.get(URL, headers=headers).status_code == 404, "trusted until the bound"
    clock[0] += TOKEN_CACHE_SECONDS
    assert_error(client.get(URL, headers=headers), 401, "unauthenticated")


def test_a_cached_token_still_expires_on_time(client, db, clock, make_token, monkeypatch):
    headers = make_token(["articles:read"])
    token = db.scalars(select(ApiToken)).one()
    token.expires_at = utcnow() + timedelta(hours=1)
    db.flush()
    assert client.get(URL, headers=headers).status_code == 404
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr("factcheck.api.auth.utcnow", lambda: later)
    error = assert_error(client.get(URL, headers=headers), 401, "unauthenticated")
    assert "expired" in error["message"]


def test_a_cached_personal_token_stops_when_its_user_is_deactivated(client, db, clock, make_token):
    user = factories.UserFactory(role="editor")
    headers = make_token(["articles:read"], user=user)
    assert client.get(URL, headers=headers).status_code == 404
    user.is_active = False
    db.flush()
    assert_error(client.get(URL, headers=headers), 401, "unauthenticated")


def test_last_used_is_written_when_the_token_is_read_again_not_per_request(
    client, db, clock, make_token
):
    headers = make_token(["articles:read"])
    token = db.scalars(select(ApiToken)).one()
    assert client.get(URL, headers=headers).status_code == 404
    db.refresh(token)
    assert token.last_used_at is not None
    long_ago = utcnow() - timedelta(hours=1)
    token.last_used_at = long_ago
    db.flush()
    for _ in range(3):
        assert client.get(URL, headers=headers).status_code == 404
    db.refresh(token)
    assert token.last_used_at == long_ago, "served from the cache: no write"
    clock[0] += TOKEN_CACHE_SECONDS
    assert client.get(URL, headers=headers).status_code == 404
    db.refresh(token)
    assert token.last_used_at > long_ago


def test_a_wrong_token_is_never_cached_and_a_new_one_works_at_once(client, app, clock, make_token):
    assert_error(client.get(URL, headers={"Authorization": "Bearer fc_00000000_nope"}), 401,
                 "unauthenticated")
    assert client.get(URL, headers=make_token(["articles:read"])).status_code == 404
    assert len(app.state.api_token_cache._items) == 1


def test_the_cache_forgets_its_oldest_token_when_full():
    cache = TokenCache(size=2)
    grants = [TokenGrant(token_id=i, name=str(i), scopes=("detect",), user_id=None, expires_at=None)
              for i in range(3)]
    for i, grant in enumerate(grants):
        cache.put(f"digest-{i}", grant)
    assert cache.get("digest-0") is None
    assert [cache.get(f"digest-{i}") for i in (1, 2)] == grants[1:]


def test_a_cached_token_is_due_for_a_background_read_from_half_its_life_and_dropped_at_the_bound():
    now = [0.0]
    cache = TokenCache(10.0, clock=lambda: now[0])
    grant = TokenGrant(token_id=1, name="cms", scopes=("detect",), user_id=None, expires_at=None)
    cache.put("digest", grant)
    assert cache.get("digest") == grant and not cache.due("digest")
    now[0] = 5.0
    assert cache.get("digest") == grant and cache.due("digest")
    now[0] = 10.0
    assert cache.get("digest") is None and not cache.due("digest")
