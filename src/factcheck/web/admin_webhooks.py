"""Admin pages for webhooks: register endpoints, see deliveries and their attempts, re-send failures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from factcheck.dependencies import DbSession
from factcheck.exceptions import ValidationError
from factcheck.models import EVENTS, User
from factcheck.services.webhooks import WebhookService
from factcheck.web.auth import CurrentAdmin
from factcheck.web.rendering import is_htmx, render

router = APIRouter(prefix="/admin/webhooks")

EVENT_HELP = {
    "verdict.published": "a verdict is published",
    "verdict.corrected": "a published verdict is corrected",
    "article.revised": "an article gets a new revision",
    "claim.orphaned": "a claim can no longer be placed in its revised article",
}
Events = Annotated[list[str], Form()]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]  # PostgreSQL integers; beyond that nothing exists


def _base(extra: dict | None = None) -> dict:
    return {"events": EVENTS, "event_help": EVENT_HELP, **(extra or {})}


@router.get("")
def index(request: Request, db: DbSession, admin: CurrentAdmin):
    summaries = WebhookService(db).overview(actor=admin)
    return render(request, "admin/webhooks/index.html",
                  _base({"summaries": summaries, "form": {"events": ["verdict.published"]}}))


@router.post("")
def create(
    request: Request, db: DbSession, admin: CurrentAdmin,
    url: Annotated[str, Form(max_length=4096)] = "",
    description: Annotated[str, Form(max_length=1000)] = "",
    events: Events = [],  # noqa: B006 - FastAPI copies defaults
):
    form = {"url": url, "description": description, "events": events}
    try:
        endpoint = WebhookService(db).create(url=url, events=events, description=description, actor=admin)
    except ValidationError as error:
        return render(request, "admin/webhooks/new.html", _base({"form": form, "error": error.message}),
                      fragment="admin/webhooks/_form.html", status_code=422)
    return _show(request, db, admin, endpoint.id, secret=endpoint.secret, status_code=201,
                 notice="Endpoint registered.")


@router.get("/{endpoint_id}")
def show(request: Request, db: DbSession, admin: CurrentAdmin, endpoint_id: Id):
    return _show(request, db, admin, endpoint_id)


def _show(
    request: Request, db: Session, admin: User, endpoint_id: int, *, secret: str | None = None,
    notice: str | None = None, error: str | None = None, form: dict | None = None,
    status_code: int = 200,
):
    summary = WebhookService(db).summary(endpoint_id, actor=admin)
    endpoint = summary.endpoint
    form = form or {"events": endpoint.events, "description": endpoint.description,
                    "url": endpoint.url, "is_active": endpoint.is_active}
    return render(
        request, "admin/webhooks/show.html",
        _base({"summary": summary, "endpoint": endpoint, "new_secret": secret, "notice": notice,
               "error": error, "form": form}),
        status_code=status_code, headers={"Cache-Control": "no-store"} if secret else None,
    )


@router.post("/{endpoint_id}")
def update(
    request: Request, db: DbSession, admin: CurrentAdmin, endpoint_id: Id,
    url: Annotated[str, Form(max_length=4096)] = "",
    description: Annotated[str, Form(max_length=1000)] = "",
    is_active: Annotated[bool, Form()] = False,
    events: Events = [],  # noqa: B006
):
    try:
        WebhookService(db).update(endpoint_id, url=url, events=events, description=description,
                                  is_active=is_active, actor=admin)
    except ValidationError as error:
        form = {"url": url, "description": description, "events": events, "is_active": is_active}
        return _show(request, db, admin, endpoint_id, error=error.message, form=form, status_code=422)
    return RedirectResponse(f"/admin/webhooks/{endpoint_id}", status_code=303)


@router.post("/{endpoint_id}/rotate-secret")
def rotate_secret(request: Request, db: DbSession, admin: CurrentAdmin, endpoint_id: Id):
    endpoint = WebhookService(db).rotate_secret(endpoint_id, actor=admin)
    return _show(request, db, admin, endpoint_id, secret=endpoint.secret,
                 notice="New secret issued: deliveries from now on are signed with it.")


@router.post("/{endpoint_id}/delete")
def delete(request: Request, db: DbSession, admin: CurrentAdmin, endpoint_id: Id):
    WebhookService(db).remove(endpoint_id, actor=admin)
    if is_htmx(request):
        return render(request, "admin/webhooks/_removed.html", {}, headers={"HX-Redirect": "/admin/webhooks"})
    return RedirectResponse("/admin/webhooks", status_code=303)


@router.post("/deliveries/{delivery_id}/resend")
def resend(request: Request, db: DbSession, admin: CurrentAdmin, delivery_id: Id):
    """Queue a failing/failed delivery again; htmx gets the refreshed deliveries table."""
    service = WebhookService(db)
    new = service.resend(delivery_id, actor=admin)
    if not is_htmx(request):
        return RedirectResponse(f"/admin/webhooks/{new.endpoint_id}#delivery-{new.id}", status_code=303)
    summary = service.summary(new.endpoint_id, actor=admin)
    return render(request, "admin/webhooks/_deliveries.html",
                  {"summary": summary, "endpoint": summary.endpoint, "highlight": new.id},
                  headers={"HX-Trigger": "webhook-resent"})
