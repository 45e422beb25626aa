"""Maps domain errors to HTML answers: a full error page, or a fragment for htmx requests."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from factcheck import exceptions as exc
from factcheck.web.rendering import render

STATUS = {
    exc.ValidationError: 422,
    exc.TooLargeError: 413,
    exc.NotFoundError: 404,
    exc.PermissionDenied: 403,
    exc.AuthenticationError: 401,
    exc.ConflictError: 409,
    exc.RateLimitedError: 429,
}


def status_for(error: exc.FactcheckError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def html_error(request: Request, status: int, message: str, details: dict | None = None):
    headers = {}
    if request.headers.get("HX-Request") == "true":
        # Show the message in the page's flash area instead of swapping it into the target.
        headers = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
    return render(
        request, "error.html", {"status": status, "message": message, "details": details or {}},
        fragment="_error.html", status_code=status, headers=headers,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(exc.FactcheckError)
    async def _domain_error(request: Request, error: exc.FactcheckError):
        if request.url.path.startswith("/api/"):
            raise error  # the API installs its own JSON handler that takes precedence
        return html_error(request, status_for(error), error.message, error.details)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException):
        if request.url.path.startswith("/api/"):
            from fastapi.exception_handlers import http_exception_handler

            return await http_exception_handler(request, error)
        messages = {404: "There is nothing at this address.", 405: "That action is not allowed here."}
        return html_error(request, error.status_code, messages.get(error.status_code, str(error.detail)))

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, error: RequestValidationError):
        # A malformed id in a URL or a missing form field: a readable page, not a JSON dump.
        fields = sorted({str(part) for e in error.errors() for part in e.get("loc", ())[1:2]})
        message = "The request has a missing or malformed value"
        message += f" ({', '.join(fields)})." if fields else "."
        return html_error(request, 422, message)
