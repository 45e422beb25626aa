"""Bearer-token authentication for the API: 401 without a live token, 403 without the scope, 429 over the limit.

A token seen in the last TOKEN_CACHE_SECONDS is not read again: a client token then costs no
database work at all (a personal token still loads its user, so deactivation is immediate).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from factcheck.api.rate_limit import RateLimiter
from factcheck.dependencies import DbSession
from factcheck.exceptions import AuthenticationError, PermissionDenied, RateLimitedError
from factcheck.models import User, utcnow
from factcheck.services.api_tokens import ApiTokenService, TokenCache, TokenGrant, has_scope, hash_secret

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="BearerToken",
    description="An API token: `Authorization: Bearer fc_<prefix>_<secret>` "
    "(create one with `factcheck tokens create` or on /admin/tokens).",
)


@dataclass
class ApiPrincipal:
    """Who is calling: a token, its scopes and, for a personal token, the user it acts as."""

    token_id: int
    name: str
    scopes: list[str] = field(default_factory=list)
    user: User | None = None


def rate_limiter(request: Request) -> RateLimiter:
    limiter = getattr(request.app.state, "api_rate_limiter", None)
    if limiter is None:
        limiter = RateLimiter(request.app.state.settings.api_rate_limit_per_minute)
        request.app.state.api_rate_limiter = limiter
    return limiter


def token_cache(request: Request) -> TokenCache:
    cache = getattr(request.app.state, "api_token_cache", None)
    if cache is None:
        cache = request.app.state.api_token_cache = TokenCache()
    return cache


def _lookups(request: Request) -> dict[str, asyncio.Task[TokenGrant]]:
    lookups = getattr(request.app.state, "api_token_lookups", None)
    if lookups is None:
        lookups = request.app.state.api_token_lookups = {}
    return lookups


async def token_grant(request: Request, secret: str) -> TokenGrant:
    """The cached grant, or one lookup per process however many requests bring the token at once."""
    grant = cached_grant(request, secret)
    if grant is not None:
        return grant
    cache = token_cache(request)
    task = _look_up_once(request, cache, hash_secret(secret), secret)
    return await asyncio.shield(task)  # a client that hangs up does not cancel the others' lookup


def cached_grant(request: Request, secret: str) -> TokenGrant | None:
    """The grant this process holds for the token (read again in the background when due), or None."""
    cache, digest = token_cache(request), hash_secret(secret)
    grant = cache.get(digest)
    if grant is not None and cache.due(digest):
        _look_up_once(request, cache, digest, secret)  # in the background; this request goes on
    return grant


def well_formed(secret: str) -> bool:
    return "\x00" not in secret and secret.isascii()


def _look_up_once(
    request: Request, cache: TokenCache, digest: str, secret: str
) -> asyncio.Task[TokenGrant]:
    pending = _lookups(request)
    task = pending.get(digest)
    if task is None:
        task = pending[digest] = asyncio.ensure_future(
            run_in_threadpool(_look_up, request.app.state.session_factory, secret))
        task.add_done_callback(lambda done: _settle(done, cache, digest, pending))
    return task


def _look_up(session_factory: Callable[[], Session], secret: str) -> TokenGrant:
    # Its own short transaction: the last_used_at write never waits for a request to finish.
    with session_factory() as db:
        grant = ApiTokenService(db).grant(secret)
        db.commit()
    return grant


def _settle(task: asyncio.Task[TokenGrant], cache: TokenCache, digest: str,
            pending: dict[str, asyncio.Task[TokenGrant]]) -> None:
    pending.pop(digest, None)
    if task.cancelled():
        return
    if task.exception() is None:
        cache.put(digest, task.result())
    elif isinstance(task.exception(), AuthenticationError):
        cache.discard(digest)  # revoked or deleted since it was cached: refused from now on


async def authenticate(
    request: Request,
    db: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> ApiPrincipal:
    if credentials is None:
        raise AuthenticationError("This needs an API token: send `Authorization: Bearer <token>`.")
    secret = credentials.credentials
    if not well_formed(secret):
        raise AuthenticationError("The bearer token is malformed.")
    token = await token_grant(request, secret)
    token.check_not_expired(utcnow())
    user = None
    if token.user_id is not None:
        user = await run_in_threadpool(ApiTokenService(db).active_user, token.user_id)
    retry_after = rate_limiter(request).hit(token.token_id)
    if retry_after is not None:
        raise RateLimitedError(
            f"Over the limit of {rate_limiter(request).limit} requests a minute for this token.",
            retry_after=retry_after,
        )
    return ApiPrincipal(token_id=token.token_id, name=token.name, scopes=list(token.scopes), user=user)


def require_scope(scope: str) -> Callable[..., ApiPrincipal]:
    # async: no I/O here, so no thread-pool hop of its own.
    async def dependency(principal: Annotated[ApiPrincipal, Depends(authenticate)]) -> ApiPrincipal:
        if not has_scope(principal.scopes, scope):
            raise PermissionDenied(
                f"This token lacks the {scope!r} scope.",
                details={"required_scope": scope, "token_scopes": principal.scopes},
            )
        return principal

    dependency.__name__ = f"require_{scope.replace(':', '_')}"
    return dependency


ArticlesRead = Annotated[ApiPrincipal, Depends(require_scope("articles:read"))]
ArticlesWrite = Annotated[ApiPrincipal, Depends(require_scope("articles:write"))]
VerdictsRead = Annotated[ApiPrincipal, Depends(require_scope("verdicts:read"))]
DetectScope = Annotated[ApiPrincipal, Depends(require_scope("detect"))]
WorkflowScope = Annotated[ApiPrincipal, Depends(require_scope("workflow"))]
