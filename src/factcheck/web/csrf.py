"""CSRF protection for the HTML surface: every state-changing request outside /api/ carries a token.

Signed-in users' token lives in their session cookie (see web/auth.py) and reaches pages through
`<meta name="csrf-token">` (htmx sends it as X-CSRF-Token) or a hidden `csrf_token` form field.
The login form, used before any session exists, has its own cookie-bound double-submit token.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response

from factcheck.exceptions import PermissionDenied
from factcheck.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
HEADER = "X-CSRF-Token"
FIELD = "csrf_token"
LOGIN_COOKIE = "factcheck_login_csrf"
LOGIN_TOKEN_MAX_AGE = 2 * 3600
# Paths that check a token of their own (the login form's double submit).
SELF_CHECKED_PATHS = frozenset({"/login"})


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


async def submitted_token(request: Request) -> str | None:
    """The token from the X-CSRF-Token header, else from the form body (read once, cached)."""
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    try:
        # Starlette caches the parsed form on the request, so the endpoint still gets it.
        value = (await request.form()).get(FIELD)
    except Exception:  # noqa: BLE001 - a body we cannot parse carries no valid token
        return None
    return value if isinstance(value, str) else None


def needs_check(request: Request) -> bool:
    path = request.url.path
    return (
        request.method not in SAFE_METHODS
        and not path.startswith("/api/")
        and path not in SELF_CHECKED_PATHS
    )


async def check(request: Request, expected: str | None) -> None:
    if not tokens_match(expected, await submitted_token(request)):
        raise PermissionDenied(
            "This form has expired or did not come from this site (missing or invalid CSRF "
            "token). Reload the page and try again."
        )


# The login form's token: a random value, sent both as a signed cookie and as a form field.

def _login_serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="factcheck.login-csrf")


def login_token(request: Request, settings: Settings) -> tuple[str, str | None]:
    """The login form's token, and a new cookie value to set when there was no valid one."""
    existing = read_login_token(request, settings)
    if existing:
        return existing, None
    token = new_secret()
    return token, _login_serializer(settings).dumps(token)


def read_login_token(request: Request, settings: Settings) -> str | None:
    raw = request.cookies.get(LOGIN_COOKIE)
    if not raw:
        return None
    try:
        value = _login_serializer(settings).loads(raw, max_age=LOGIN_TOKEN_MAX_AGE)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def set_login_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE, value, max_age=LOGIN_TOKEN_MAX_AGE, httponly=True, samesite="lax",
        secure=request.url.scheme == "https", path="/login",
    )
