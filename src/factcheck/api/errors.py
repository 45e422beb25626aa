"""JSON errors for /api/ paths: `{"error": {"code", "message", "details"}}` for every failure.

The HTML handlers stay in charge elsewhere: each handler here delegates non-API paths to the one
it replaces. Also the request-body size limit, applied before the body is read.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factcheck import exceptions as exc

API_PREFIX = "/api/"

STATUS: dict[type[exc.FactcheckError], int] = {
    exc.ValidationError: 422,
    exc.TooLargeError: 413,
    exc.NotFoundError: 404,
    exc.PermissionDenied: 403,
    exc.AuthenticationError: 401,
    exc.ConflictError: 409,
    exc.RateLimitedError: 429,
}
HTTP_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "too_large",
    415: "unsupported_media_type", 422: "invalid_input", 429: "rate_limited",
}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def status_for(error: exc.FactcheckError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def domain_error_response(error: exc.FactcheckError) -> JSONResponse:
    status = status_for(error)
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, exc.RateLimitedError):
        headers["Retry-After"] = str(error.retry_after)
    return error_response(status, error.code, error.message, jsonable_encoder(error.details), headers)


def validation_error_response(error: RequestValidationError) -> JSONResponse:
    errors = error.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        first = next(e for e in errors if e.get("type") == "json_invalid")
        reason = (first.get("ctx") or {}).get("error", "invalid JSON")
        return error_response(400, "malformed_json", f"The body is not valid JSON: {reason}.")
    fields = [
        {"loc": [str(part) for part in e.get("loc", ())], "message": e.get("msg", ""),
         "type": e.get("type", "")}
        for e in errors
    ]
    summary = "; ".join(f"{'.'.join(f['loc'][1:]) or f['loc'][0]}: {f['message']}" for f in fields[:5])
    return error_response(422, "invalid_input", f"The request is invalid: {summary}", {"fields": fields})


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def install(app: FastAPI) -> None:
    """Install JSON handlers for /api/ paths, delegating other paths to the handlers already set."""
    previous_domain = app.exception_handlers.get(exc.FactcheckError)
    previous_http = app.exception_handlers.get(StarletteHTTPException)
    previous_validation = app.exception_handlers.get(RequestValidationError)

    async def _domain(request: Request, error: exc.FactcheckError):
        if _is_api(request) or previous_domain is None:
            return domain_error_response(error)
        return await previous_domain(request, error)

    async def _http(request: Request, error: StarletteHTTPException):
        if _is_api(request) or previous_http is None:
            code = HTTP_CODES.get(error.status_code, "error")
            message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
            if error.status_code == 404 and message == "Not Found":
                message = "There is nothing at this address."
            return error_response(error.status_code, code, message, headers=error.headers)
        return await previous_http(request, error)

    async def _validation(request: Request, error: RequestValidationError):
        if _is_api(request) or previous_validation is None:
            return validation_error_response(error)
        return await previous_validation(request, error)

    app.add_exception_handler(exc.FactcheckError, _domain)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)


class BodyLimitMiddleware:
    """Refuse an /api/ request body over `max_bytes` (413) before reading it, or as soon as it passes."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            response = self._too_large()
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException raised while FastAPI reads the body reaches our handler.
                    raise StarletteHTTPException(413, self._message())
            return message

        await self.app(scope, counting_receive, send)

    def _message(self) -> str:
        return f"The request body is over the limit of {self.max_bytes:,} bytes."

    def _too_large(self) -> JSONResponse:
        return error_response(413, "too_large", self._message(), {"limit": self.max_bytes})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
