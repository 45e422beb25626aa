"""One helper decides page or fragment (htmx requests get the fragment) and renders it."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from factcheck.analysis.claim_detector import HIGH_PRIORITY_THRESHOLD
from factcheck.paths import TEMPLATES_DIR
from factcheck.web import filters

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
filters.register(templates.env)


def high_priority_threshold(request: Request) -> float:
    """The score from which a claim is what a checker should see first (settings, else the model's)."""
    configured = request.app.state.settings.high_priority_threshold
    return HIGH_PRIORITY_THRESHOLD if configured is None else configured


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render `template`, or `fragment` (a `_name.html` partial) when htmx asked for it."""
    name = fragment if (fragment and is_htmx(request)) else template
    ctx = {"request": request, **(context or {})}
    for key, value in getattr(request.state, "template_context", {}).items():
        ctx.setdefault(key, value)
    ctx.setdefault("high_priority", high_priority_threshold(request))
    return templates.TemplateResponse(request, name, ctx, status_code=status_code, headers=headers)
