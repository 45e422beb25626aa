"""Every HTML route, read from the app itself: closed to anonymous visitors, and every
state-changing one refuses a request without a CSRF token. A new route cannot forget either.

Path parameters are filled with 1; the checks run before the route's own code, so it does not
matter whether object 1 exists.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount

from factcheck.app import create_app
from factcheck.settings import Settings
from factcheck.web.auth import is_public, require_csrf, require_login

# Routes FastAPI itself adds for the API's schema and docs (the API has its own token auth).
SCHEMA_PATHS = {"/openapi.json", "/api/docs", "/docs/oauth2-redirect"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _routes():  # type: ignore[no-untyped-def]
    """Every route, with included routers flattened (FastAPI keeps them nested in app.routes)."""
    # Built at collection so each route is its own test; nothing connects here.
    app = create_app(Settings(_env_file=None, environment="test", database_url="sqlite://",
                              secret_key="collection-only", run_worker_in_app=False))
    return list(iter_route_contexts(app.routes))


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _guarded(route) -> bool:  # type: ignore[no-untyped-def]
    path = route.path or ""
    return not (is_public(path) or path in SCHEMA_PATHS or isinstance(route.original_route, Mount))


ROUTES = [route for route in _routes() if _guarded(route)]
CASES = sorted(
    {(method, route.path) for route in ROUTES if isinstance(route.original_route, APIRoute)
     for method in route.methods if method != "HEAD"},
    key=lambda case: (case[1], case[0]),
)
WRITES = [case for case in CASES if case[0] in STATE_CHANGING]


def test_the_table_covers_the_workbench():
    paths = {path for _, path in CASES}
    assert {"/articles", "/logout", "/admin/users"} <= paths
    assert "/login" not in paths and "/healthz" not in paths


def test_every_guarded_route_is_an_api_route_that_gets_the_app_dependencies():
    # A plain Starlette route or a mounted sub-app would skip the login wall and the CSRF check.
    bypassing = [r.path for r in ROUTES if not isinstance(r.original_route, APIRoute)]
    assert bypassing == []
    for route in ROUTES:
        checks = [d.dependency for d in route.dependencies]
        assert checks[:2] == [require_login, require_csrf], route.path
    mounts = [r.path for r in _routes() if isinstance(r.original_route, Mount)]
    assert mounts == ["/static"]


@pytest.mark.parametrize("method, path", CASES, ids=[f"{m} {p}" for m, p in CASES])
def test_anonymous_requests_are_sent_to_login_or_refused(client, method, path):
    response = client.request(method, _concrete(path), follow_redirects=False)
    if method == "GET":
        assert response.status_code == 303, response.text[:300]
        assert response.headers["location"].startswith("/login?next=")
    else:
        assert response.status_code == 401, response.text[:300]


@pytest.mark.parametrize("method, path", CASES, ids=[f"{m} {p}" for m, p in CASES])
def test_anonymous_htmx_requests_get_hx_redirect(client, method, path):
    response = client.request(method, _concrete(path), headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=")


@pytest.mark.parametrize("method, path", WRITES, ids=[f"{m} {p}" for m, p in WRITES])
@pytest.mark.parametrize("who", ["checker", "admin"])
def test_state_changing_requests_without_a_csrf_token_are_refused(logged_in_client, who, method, path):
    client = logged_in_client(who)
    response = client.request(method, _concrete(path), data={"csrf_token": "forged"},
                              follow_redirects=False)
    assert response.status_code == 403, response.text[:300]
    assert "CSRF" in response.text
    response = client.request(method, _concrete(path), follow_redirects=False)
    assert response.status_code == 403, response.text[:300]
