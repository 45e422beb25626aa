"""The publishing site's poll, answered from memory: `GET /api/v1/articles/{id}/verdicts` served by
an ASGI middleware when everything the route would decide is already known in this process.

A publishing site asks for an article's verdicts again and again, and almost always nothing has
changed. The route (api/articles.py) then reads nothing either: the token is in the token cache,
the change listener vouches that the article's fingerprint still holds, and the body for that
fingerprint is rendered already. What is left is the framework's own work (routing, a dozen
dependencies), several times the cost of the answer. This middleware answers such a request with
the route's own building blocks, in the route's order, and hands every other request on unchanged:

- the same bearer-token parsing and checks (`api.auth.cached_grant`, `well_formed`), a client token
  only (a personal token loads its user on every request, so the route serves it), not expired,
  with the `verdicts:read` scope;
- the same rate limiter (`hit` counts this request; over the limit the route answers 429);
- the fingerprint the route remembered under the listener's current generation (never without a
  vouching listener, never for `Cache-Control: no-cache`), and the body the route cached for it;
- the same response (`caching.respond`: ETag, `Cache-Control`, 304 for `If-None-Match`).

Anything unknown, missing or refused goes to the route, which answers exactly as it always does
(401, 403, 404, 422, 429 included): the fast path never answers an error. Tests compare its
responses with the route's, header for header.
"""

from __future__ import annotations

import re
from fastapi.security.utils import get_authorization_scheme_param
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from factcheck.api.auth import cached_grant, rate_limiter, well_formed
from factcheck.api.caching import body_cache, fingerprints, respond
from factcheck.api.invalidation import wants_fresh_read
from factcheck.models import utcnow
from factcheck.services.api_tokens import has_scope

VERDICTS_PATH = re.compile(r"/api/v1/articles/([^/]+)/verdicts")


class CachedVerdicts:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope["query_string"]:
            match = VERDICTS_PATH.fullmatch(scope["path"])
            if match is not None:
                request = Request(scope)
                response = self._answer(request, match.group(1))
                if response is not None:
                    state = request.app.state
                    state.fast_path_served = getattr(state, "fast_path_served", 0) + 1
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def _answer(self, request: Request, external_id: str):  # type: ignore[no-untyped-def]
        state = request.app.state
        listener = getattr(state, "change_listener", None)
        generation = listener.current() if listener is not None else None
        if generation is None or wants_fresh_read(request.headers.get("cache-control")):
            return None
        remembered = fingerprints(request).get(external_id)
        if remembered is None or remembered[0] != generation:
            return None
        rendered = body_cache(request).get(("verdicts", remembered[1]))
        if rendered is None:
            return None
        scheme, secret = get_authorization_scheme_param(request.headers.get("authorization"))
        if scheme.lower() != "bearer" or not secret or not well_formed(secret):
            return None
        grant = cached_grant(request, secret)
        if grant is None or grant.user_id is not None or not has_scope(grant.scopes, "verdicts:read"):
            return None
        if grant.expires_at is not None and grant.expires_at <= utcnow():
            return None
        if rate_limiter(request).hit(grant.token_id) is not None:
            return None  # not counted: the route counts it again, and answers 429
        return respond(request, rendered)
