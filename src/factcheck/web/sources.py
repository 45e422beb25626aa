"""Sources and evidence in the workspace: type-ahead reuse, attach (new or existing), detach."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from factcheck.dependencies import DbSession, SettingsDep
from factcheck.exceptions import ConflictError, ValidationError
from factcheck.services.sources import SourceService
from factcheck.services.workflow import MAX_ID
from factcheck.services.workspace import WorkspaceService
from factcheck.web.auth import CurrentChecker
from factcheck.web.claims import conflict
from factcheck.web.rendering import is_htmx, render

router = APIRouter()

ClaimId = Annotated[int, Path(gt=0, le=MAX_ID)]
Excerpt = Annotated[str, Form(max_length=5000)]
StanceField = Annotated[str, Form(max_length=20)]


def _date(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ValidationError("The source's date must look like 2023-03-08.") from error


def evidence_list(request: Request, db, settings, user, claim_id: int) -> Response:  # type: ignore[no-untyped-def]
    if not is_htmx(request):
        return RedirectResponse(f"/claims/{claim_id}#evidence", status_code=303)
    workspace = WorkspaceService(db, settings=settings).load(claim_id, actor=user)
    return render(request, "claims/_evidence.html", {"ws": workspace, "claim": workspace.claim},
                  headers={"HX-Trigger": "evidence-changed"})


def _current_claim_page(request: Request) -> str:
    """The workspace the request came from (only a local /claims/ path), for the reload link."""
    path = urlsplit(request.headers.get("HX-Current-URL") or request.headers.get("referer") or "").path
    return path if path.startswith("/claims/") else "/my-claims"


@router.get("/sources/search")
def search(request: Request, db: DbSession, user: CurrentChecker,
           q: Annotated[str, Query(max_length=200)] = ""):
    return render(request, "sources/search.html",
                  {"sources": SourceService(db).search(q), "q": q},
                  fragment="sources/_results.html")


@router.post("/claims/{claim_id:int}/evidence")
def attach(
    request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
    user: CurrentChecker, source_id: Annotated[int, Form(gt=0, le=MAX_ID)],
    excerpt: Excerpt = "", stance: StanceField = "context",
):
    SourceService(db).attach(claim_id, source_id=source_id, excerpt=excerpt, stance=stance,
                             actor=user)
    return evidence_list(request, db, settings, user, claim_id)


@router.post("/claims/{claim_id:int}/evidence/new")
def attach_new(
    request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
    user: CurrentChecker,
    url: Annotated[str, Form(max_length=2048)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    kind: Annotated[str, Form(max_length=20)] = "secondary",
    publisher: Annotated[str, Form(max_length=255)] = "",
    published_on: Annotated[str, Form(max_length=20)] = "",
    archived_url: Annotated[str, Form(max_length=2048)] = "",
    excerpt: Excerpt = "", stance: StanceField = "context",
):
    SourceService(db).attach_new(
        claim_id, url=url, title=title, kind=kind, publisher=publisher or None,
        published_on=_date(published_on), archived_url=archived_url or None,
        excerpt=excerpt, stance=stance, actor=user,
    )
    return evidence_list(request, db, settings, user, claim_id)


@router.post("/evidence/{evidence_id}/delete")
def detach(request: Request, db: DbSession, settings: SettingsDep, user: CurrentChecker,
           evidence_id: Annotated[int, Path(gt=0, le=MAX_ID)]):
    try:
        claim = SourceService(db).detach(evidence_id, actor=user)
    except ConflictError as error:
        return conflict(request, error, _current_claim_page(request))
    return evidence_list(request, db, settings, user, claim.id)
