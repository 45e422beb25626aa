"""The poll answered from memory (api/fast_path.py): the same answer as the route, header for header,
and every case it does not know handed to the route (which refuses, re-reads or counts as always).

The change listener is replaced by a generation the test moves by hand: these tests write in a
transaction that never commits, so PostgreSQL would notify nobody (test_invalidation.py tests the
real listener)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from factcheck.api.rate_limit import RateLimiter
from factcheck.models import utcnow
from factcheck.services.api_tokens import hash_secret
from tests.api.conftest import article_with_claims
from tests.api.test_auth import assert_error
from tests.api.test_verdicts import EMOJI_TEXT, verdicts


class Generation:
    """What the route and the fast path ask of the change listener: `current()`."""

    def __init__(self) -> None:
        self.value: int | None = 1

    def current(self) -> int | None:
        return self.value


@pytest.fixture
def listener(app, client) -> Generation:
    app.state.change_listener = Generation()  # after the client's start-up, which set None
    return app.state.change_listener


@pytest.fixture
def published(db, publish):
    _, claims = article_with_claims(EMOJI_TEXT)
    publish(claims[0])
    return claims


def served(app) -> int:
    return getattr(app.state, "fast_path_served", 0)


def comparable(response) -> tuple:
    headers = {k: v for k, v in response.headers.items() if k != "date"}
    return response.status_code, headers, response.content


@pytest.mark.parametrize("extra", [{}, {"Accept": "application/json"}])
def test_a_repeated_poll_is_answered_from_memory_exactly_as_the_route_answered(
    app, client, listener, published, reader, extra
):
    by_route = verdicts(client, {**reader, **extra})
    assert served(app) == 0
    from_memory = verdicts(client, {**reader, **extra})
    assert served(app) == 1
    assert comparable(from_memory) == comparable(by_route)
    assert from_memory.json()["verdicts"][0]["claim_id"] == published[0].id


def test_a_client_with_the_etag_gets_the_same_304_from_memory(app, client, listener, published, reader):
    etag = verdicts(client, reader).headers["ETag"]
    by_route = verdicts(client, {**reader, "If-None-Match": etag, "Cache-Control": "no-cache"})
    from_memory = verdicts(client, {**reader, "If-None-Match": etag})
    assert served(app) == 1
    assert from_memory.status_code == 304 and from_memory.content == b""
    assert comparable(from_memory) == comparable(by_route)


def test_a_notification_sends_the_next_poll_to_the_route_which_reads_again(
    app, client, listener, published, reader, publish
):
    verdicts(client, reader)
    publish(published[1])  # not committed: nobody is notified, so memory still answers
    assert len(verdicts(client, reader).json()["verdicts"]) == 1
    assert served(app) == 1
    listener.value += 1  # the listener heard a commit
    assert len(verdicts(client, reader).json()["verdicts"]) == 2
    assert served(app) == 1
    assert len(verdicts(client, reader).json()["verdicts"]) == 2
    assert served(app) == 2


@pytest.mark.parametrize("why", ["listener down", "no-cache", "query string"])
def test_without_a_vouching_listener_or_when_asked_to_revalidate_the_route_answers(
    app, client, listener, published, reader, why
):
    verdicts(client, reader)
    headers = dict(reader)
    path = "/api/v1/articles/cms-1/verdicts"
    if why == "listener down":
        listener.value = None
    elif why == "no-cache":
        headers["Cache-Control"] = "no-cache"
    else:
        path += "?limt=5"
    response = client.get(path, headers=headers)
    assert served(app) == 0
    if why == "query string":
        assert_error(response, 422, "invalid_input")
    else:
        assert response.status_code == 200


def test_refusals_are_always_the_routes(app, client, db, listener, published, reader, make_token, checker):
    verdicts(client, reader)  # the body and the fingerprint are in memory
    assert_error(verdicts(client, {}), 401, "unauthenticated")
    assert_error(verdicts(client, {"Authorization": "Bearer fc_nope_nope"}), 401, "unauthenticated")
    assert_error(verdicts(client, {"Authorization": "Basic abc"}), 401, "unauthenticated")
    no_scope = make_token(["articles:read"])
    verdicts(client, no_scope)
    assert_error(verdicts(client, no_scope), 403, "forbidden")
    assert served(app) == 0
    assert_error(verdicts(client, reader, external_id="cms-unknown"), 404, "not_found")
    assert served(app) == 0


def test_a_personal_token_is_served_by_the_route_which_checks_its_user(
    app, client, db, listener, published, make_token, checker
):
    personal = make_token(["verdicts:read"], user=checker)
    assert verdicts(client, personal).status_code == 200
    assert verdicts(client, personal).status_code == 200
    assert served(app) == 0
    checker.is_active = False
    db.flush()
    assert_error(verdicts(client, personal), 401, "unauthenticated")


def test_an_expired_cached_token_goes_to_the_route_and_is_refused(app, client, db, listener, published,
                                                                   make_token):
    headers = make_token(["verdicts:read"])
    assert verdicts(client, headers).status_code == 200
    # The token expires while its grant is cached (as time passing would do).
    digest = hash_secret(headers["Authorization"].removeprefix("Bearer "))
    cache = app.state.api_token_cache
    cache.put(digest, replace(cache.get(digest), expires_at=utcnow() - timedelta(seconds=1)))
    assert_error(verdicts(client, headers), 401, "unauthenticated")
    assert served(app) == 0


def test_requests_answered_from_memory_count_towards_the_rate_limit(app, client, listener, published,
                                                                   reader):
    app.state.api_rate_limiter = RateLimiter(3)
    for _ in range(3):
        assert verdicts(client, reader).status_code == 200
    assert served(app) == 2
    refused = verdicts(client, reader)
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) >= 1
