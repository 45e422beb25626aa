"""Bearer-token authentication for the API: 401 without a live token, 403 without the scope, 429 over the limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from factcheck.api.rate_limit import RateLimiter
from factcheck.dependencies import DbSession
from factcheck.exceptions import AuthenticationError, PermissionDenied, RateLimitedError
from factcheck.models import User
from factcheck.services.api_tokens import ApiTokenService, has_scope

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


def authenticate(
    request: Request,
    db: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> ApiPrincipal:
    if credentials is None:
        raise AuthenticationError("This needs an API token: send `Authorization: Bearer <token>`.")
    if "\x00" in credentials.credentials or not credentials.credentials.isascii():
        raise AuthenticationError("The bearer token is malformed.")
    token, user = ApiTokenService(db).authenticate(credentials.credentials)
    retry_after = rate_limiter(request).hit(token.id)
    if retry_after is not None:
        raise RateLimitedError(
            f"Over the limit of {rate_limiter(request).limit} requests a minute for this token.",
            retry_after=retry_after,
        )
    return ApiPrincipal(token_id=token.id, name=token.name, scopes=list(token.scopes), user=user)


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
