"""The claim workspace: the claim in context, its lease, and the verdict draft (save, submit)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from factcheck.dependencies import DbSession, SettingsDep
from factcheck.exceptions import ConflictError
from factcheck.services.leases import LeaseService
from factcheck.services.verdicts import CLAIM_REVIEWED_ADVISED, VerdictService
from factcheck.services.workflow import MAX_ID
from factcheck.services.workspace import WorkspaceService
from factcheck.web.auth import CurrentChecker
from factcheck.web.claims import conflict
from factcheck.web.rendering import is_htmx, render

router = APIRouter()

ClaimId = Annotated[int, Path(gt=0, le=MAX_ID)]
LockVersion = Annotated[int, Form(ge=0, le=MAX_ID)]
OptionalId = Annotated[int | None, Form(gt=0, le=MAX_ID)]


def show(request: Request, db, settings, user, claim_id: int, *,  # type: ignore[no-untyped-def]
         status_code: int = 200, headers: dict[str, str] | None = None, **extra) -> Response:
    workspace = WorkspaceService(db, settings=settings).load(claim_id, actor=user)
    return render(request, "claims/show.html",
                  {"ws": workspace, "claim": workspace.claim, "advised": CLAIM_REVIEWED_ADVISED,
                   "warnings": [], **extra},
                  fragment="claims/_workspace.html", status_code=status_code, headers=headers)


def after_action(request: Request, db, settings, user, claim_id: int) -> Response:  # type: ignore[no-untyped-def]
    """htmx: the re-rendered workspace; a plain form post: back to the workspace page."""
    if not is_htmx(request):
        return RedirectResponse(f"/claims/{claim_id}", status_code=303)
    return show(request, db, settings, user, claim_id,
                headers={"HX-Retarget": "#workspace", "HX-Reswap": "outerHTML",
                         "HX-Trigger": "claim-changed"})


@router.get("/claims/{claim_id:int}")
def workspace(request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
              user: CurrentChecker):
    return show(request, db, settings, user, claim_id)


@router.post("/claims/{claim_id:int}/take")
def take(request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
         user: CurrentChecker):
    try:
        LeaseService(db, settings=settings).take(claim_id, actor=user)
    except ConflictError as error:
        return conflict(request, error, f"/claims/{claim_id}")
    return after_action(request, db, settings, user, claim_id)


@router.post("/claims/{claim_id:int}/renew")
def renew(request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
          user: CurrentChecker):
    try:
        LeaseService(db, settings=settings).renew(claim_id, actor=user)
    except ConflictError as error:
        return conflict(request, error, f"/claims/{claim_id}")
    return after_action(request, db, settings, user, claim_id)


@router.post("/claims/{claim_id:int}/release")
def release(request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
            user: CurrentChecker):
    try:
        LeaseService(db, settings=settings).release(claim_id, actor=user)
    except ConflictError as error:
        return conflict(request, error, f"/claims/{claim_id}")
    return after_action(request, db, settings, user, claim_id)


@router.post("/claims/{claim_id:int}/verdict")
def save_draft(
    request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
    user: CurrentChecker, lock_version: LockVersion,
    rating_id: OptionalId = None,
    claim_reviewed: Annotated[str, Form(max_length=1000)] = "",
    summary: Annotated[str, Form(max_length=2000)] = "",
    reasoning: Annotated[str, Form(max_length=50_000)] = "",
):
    try:
        result = VerdictService(db).save_draft(
            claim_id, actor=user, lock_version=lock_version, rating_id=rating_id,
            claim_reviewed=claim_reviewed, summary=summary, reasoning=reasoning,
        )
    except ConflictError as error:
        # Never overwrite: the form keeps what the user typed; the flash says how to recover.
        return conflict(request, error, f"/claims/{claim_id}")
    if not is_htmx(request):
        return RedirectResponse(f"/claims/{claim_id}", status_code=303)
    workspace = WorkspaceService(db, settings=settings).load(claim_id, actor=user)
    return render(request, "claims/_verdict.html",
                  {"ws": workspace, "claim": workspace.claim, "advised": CLAIM_REVIEWED_ADVISED,
                   "warnings": result.warnings, "saved": True},
                  headers={"HX-Trigger": "claim-changed"})


@router.post("/claims/{claim_id:int}/verdict/submit")
def submit(
    request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
    user: CurrentChecker, lock_version: LockVersion,
    rating_id: OptionalId = None,
    claim_reviewed: Annotated[str, Form(max_length=1000)] = "",
    summary: Annotated[str, Form(max_length=2000)] = "",
    reasoning: Annotated[str, Form(max_length=50_000)] = "",
):
    try:
        VerdictService(db).save_and_submit(
            claim_id, actor=user, lock_version=lock_version, rating_id=rating_id,
            claim_reviewed=claim_reviewed, summary=summary, reasoning=reasoning,
        )
    except ConflictError as error:
        return conflict(request, error, f"/claims/{claim_id}")
    return after_action(request, db, settings, user, claim_id)
