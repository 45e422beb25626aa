"""Editor pages: the review queue (approve and publish, or return with a comment) and corrections
(start one, or withdraw one before it is published)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from factcheck.dependencies import DbSession, SettingsDep
from factcheck.exceptions import ConflictError
from factcheck.services.review import ReviewService
from factcheck.services.verdicts import CLAIM_REVIEWED_ADVISED
from factcheck.services.workflow import MAX_ID
from factcheck.services.workspace import WorkspaceService
from factcheck.web.auth import CurrentEditor
from factcheck.web.claims import conflict
from factcheck.web.rendering import is_htmx, render

router = APIRouter()

ClaimId = Annotated[int, Path(gt=0, le=MAX_ID)]


def _done(request: Request, claim_id: int, message: str) -> Response:
    if not is_htmx(request):
        return RedirectResponse("/review", status_code=303)
    return render(request, "review/_done.html", {"claim_id": claim_id, "message": message},
                  headers={"HX-Trigger": "review-changed"})


@router.get("/review")
def review_queue(request: Request, db: DbSession, settings: SettingsDep, user: CurrentEditor):
    items = ReviewService(db, settings=settings).queue()
    return render(request, "review/index.html", {"items": items},
                  fragment="review/_items.html")


@router.post("/review/{claim_id}/approve")
def approve(request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
            user: CurrentEditor, lock_version: Annotated[int, Form(ge=0, le=MAX_ID)]):
    try:
        verdict = ReviewService(db, settings=settings).approve(
            claim_id, actor=user, lock_version=lock_version)
    except ConflictError as error:
        return conflict(request, error, "/review")
    label = verdict.rating.label if verdict.rating else "verdict"
    return _done(request, claim_id, f"Published version {verdict.number}: {label}.")


@router.post("/review/{claim_id}/return")
def return_to_checker(
    request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
    user: CurrentEditor, lock_version: Annotated[int, Form(ge=0, le=MAX_ID)],
    comment: Annotated[str, Form(max_length=5000)] = "",
):
    try:
        ReviewService(db, settings=settings).return_to_checker(
            claim_id, actor=user, comment=comment, lock_version=lock_version)
    except ConflictError as error:
        return conflict(request, error, "/review")
    return _done(request, claim_id, "Returned to the checker with your comment.")


@router.get("/claims/{claim_id:int}/correct")
def correction_form(request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
                    user: CurrentEditor):
    workspace = WorkspaceService(db, settings=settings).load(claim_id, actor=user)
    return render(request, "review/correct.html", {
        "ws": workspace, "claim": workspace.claim, "form": {}, "error": None,
        "advised": CLAIM_REVIEWED_ADVISED,
    }, fragment="review/_correct_form.html")


@router.post("/claims/{claim_id:int}/correct")
def correct(
    request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
    user: CurrentEditor,
    rating_id: Annotated[int, Form(gt=0, le=MAX_ID)],
    summary: Annotated[str, Form(max_length=2000)] = "",
    reasoning: Annotated[str, Form(max_length=50_000)] = "",
    claim_reviewed: Annotated[str, Form(max_length=1000)] = "",
    correction_note: Annotated[str, Form(max_length=5000)] = "",
):
    try:
        ReviewService(db, settings=settings).correct(
            claim_id, actor=user, rating_id=rating_id, summary=summary, reasoning=reasoning,
            claim_reviewed=claim_reviewed or None, correction_note=correction_note)
    except ConflictError as error:
        return conflict(request, error, f"/claims/{claim_id}")
    target = f"/claims/{claim_id}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)



@router.post("/claims/{claim_id:int}/withdraw-correction")
def withdraw_correction(
    request: Request, claim_id: ClaimId, db: DbSession, settings: SettingsDep,
    user: CurrentEditor, reason: Annotated[str, Form(max_length=5000)] = "",
    origin: Annotated[str, Form(pattern="^(review|claim)$")] = "claim",
):
    back = "/review" if origin == "review" else f"/claims/{claim_id}"
    try:
        verdict = ReviewService(db, settings=settings).withdraw_correction(
            claim_id, actor=user, reason=reason)
    except ConflictError as error:
        return conflict(request, error, back)
    if origin == "review":
        return _done(request, claim_id, f"Correction (version {verdict.number}) withdrawn: the "
                     "published version stands.")
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": back})
    return RedirectResponse(back, status_code=303)
