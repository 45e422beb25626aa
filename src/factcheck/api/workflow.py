"""The claim workflow over JSON for personal tokens (scope `workflow`), acting as the token's user.

Each route is one call into the same services as the web UI: the same role rules, the same 409
bodies naming the allowed transitions or the current version.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from factcheck.api.auth import ApiPrincipal, require_scope
from factcheck.api.responses import AUTH_ERRORS, error_responses
from factcheck.api.schemas import MAX_ID, NO_NUL
from factcheck.api.workflow_schemas import (
    CorrectionIn, DraftIn, DraftOut, DuplicateIn, EvidenceIn, EvidenceOut, LockIn, RatingScaleOut,
    ReturnIn, SourceIn, SourceOut, VersionIn, WithdrawIn, WorkflowClaimOut,
)
from factcheck.dependencies import DbSession, SettingsDep
from factcheck.exceptions import PermissionDenied
from factcheck.models import ClaimStatus, User
from factcheck.presenters import verdict_api as present
from factcheck.services.leases import LeaseService
from factcheck.services.ratings import RatingService
from factcheck.services.review import ReviewService
from factcheck.services.sources import SourceService
from factcheck.services.triage import MAX_PAGE, TriageService
from factcheck.services.verdicts import VerdictService

router = APIRouter(tags=["workflow"])


async def acting_user(principal: Annotated[ApiPrincipal, Depends(require_scope("workflow"))]) -> User:
    if principal.user is None:
        raise PermissionDenied("The workflow needs a personal token (one created for a user).")
    return principal.user


Actor = Annotated[User, Depends(acting_user)]
ClaimId = Annotated[int, Path(ge=1, le=MAX_ID)]
ACTION_ERRORS = error_responses(400, *AUTH_ERRORS, 404, 409, 422)
Status = Literal[tuple(s.value for s in ClaimStatus)]  # type: ignore[valid-type]


@router.get("/claims", response_model=list[WorkflowClaimOut], responses=error_responses(*AUTH_ERRORS, 422),
            summary="The triage queue: claims in a status, highest score first")
def list_claims(
    db: DbSession, actor: Actor,
    status: Status = "candidate",
    article_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    kind: Annotated[str | None, Query(pattern=r"^[a-z_]{1,32}$")] = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    search: Annotated[str | None, Query(max_length=200, pattern=NO_NUL)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[dict]:
    items = TriageService(db).queue(status=status, article_id=article_id, kind=kind,
                                    min_score=min_score, search=search, limit=limit, offset=offset)
    return [present.workflow_claim_json(i.claim, i.article_title) for i in items]


@router.get("/claims/{claim_id}", response_model=WorkflowClaimOut,
            responses=error_responses(*AUTH_ERRORS, 404, 422), summary="One claim, with its version")
def get_claim(claim_id: ClaimId, db: DbSession, actor: Actor) -> dict:
    item = TriageService(db).item(claim_id)
    return present.workflow_claim_json(item.claim, item.article_title)


@router.post("/claims/{claim_id}/accept", response_model=WorkflowClaimOut, responses=ACTION_ERRORS,
             summary="Triage: worth checking")
def accept(claim_id: ClaimId, body: VersionIn, db: DbSession, actor: Actor) -> dict:
    return present.workflow_claim_json(TriageService(db).accept(claim_id, actor=actor, version=body.version))


@router.post("/claims/{claim_id}/dismiss", response_model=WorkflowClaimOut, responses=ACTION_ERRORS,
             summary="Triage: not worth checking")
def dismiss(claim_id: ClaimId, body: VersionIn, db: DbSession, actor: Actor) -> dict:
    return present.workflow_claim_json(TriageService(db).dismiss(claim_id, actor=actor, version=body.version))


@router.post("/claims/{claim_id}/duplicate", response_model=WorkflowClaimOut, responses=ACTION_ERRORS,
             summary="Triage: a duplicate of another claim")
def mark_duplicate(claim_id: ClaimId, body: DuplicateIn, db: DbSession, actor: Actor) -> dict:
    claim = TriageService(db).mark_duplicate(claim_id, actor=actor, version=body.version,
                                             duplicate_of_id=body.duplicate_of_id)
    return present.workflow_claim_json(claim)


@router.post("/claims/{claim_id}/take", response_model=WorkflowClaimOut, responses=ACTION_ERRORS,
             summary="Take the claim (a lease): one of several takers wins")
def take(claim_id: ClaimId, db: DbSession, settings: SettingsDep, actor: Actor) -> dict:
    return present.workflow_claim_json(LeaseService(db, settings=settings).take(claim_id, actor=actor))


@router.post("/claims/{claim_id}/release", response_model=WorkflowClaimOut, responses=ACTION_ERRORS,
             summary="Give the claim back to the queue")
def release(claim_id: ClaimId, db: DbSession, settings: SettingsDep, actor: Actor) -> dict:
    return present.workflow_claim_json(LeaseService(db, settings=settings).release(claim_id, actor=actor))


@router.post("/sources", response_model=SourceOut, status_code=201, responses=ACTION_ERRORS,
             summary="A new source (409 names the existing one when the URL is on file)")
def create_source(body: SourceIn, db: DbSession, actor: Actor) -> dict:
    source = SourceService(db).create(
        url=body.url, title=body.title, kind=body.kind, publisher=body.publisher,
        published_on=body.published_on, archived_url=body.archived_url, actor=actor,
    )
    return present.source_json(source)


@router.post("/claims/{claim_id}/evidence", response_model=EvidenceOut, status_code=201,
             responses=ACTION_ERRORS, summary="Attach a source to the claim you hold, with its excerpt")
def attach_evidence(claim_id: ClaimId, body: EvidenceIn, db: DbSession, actor: Actor) -> dict:
    evidence = SourceService(db).attach(claim_id, source_id=body.source_id, excerpt=body.excerpt,
                                        stance=body.stance, actor=actor)
    return present.evidence_json(evidence)


@router.put("/claims/{claim_id}/verdict", response_model=DraftOut, responses=ACTION_ERRORS,
            summary="Save the verdict draft (lock_version 0 starts one)")
def save_draft(claim_id: ClaimId, body: DraftIn, db: DbSession, actor: Actor) -> dict:
    result = VerdictService(db).save_draft(
        claim_id, actor=actor, lock_version=body.lock_version, rating_id=body.rating_id,
        claim_reviewed=body.claim_reviewed, summary=body.summary, reasoning=body.reasoning,
    )
    return present.draft_json(result.verdict, result.warnings)


@router.post("/claims/{claim_id}/submit", response_model=DraftOut, responses=ACTION_ERRORS,
             summary="Send the draft to an editor")
def submit(claim_id: ClaimId, body: LockIn, db: DbSession, actor: Actor) -> dict:
    return present.draft_json(VerdictService(db).submit(claim_id, actor=actor, lock_version=body.lock_version))


@router.post("/claims/{claim_id}/approve", response_model=DraftOut, responses=ACTION_ERRORS,
             summary="Editors: approve and publish the verdict under review")
def approve(claim_id: ClaimId, body: LockIn, db: DbSession, settings: SettingsDep, actor: Actor) -> dict:
    verdict = ReviewService(db, settings=settings).approve(claim_id, actor=actor,
                                                           lock_version=body.lock_version)
    return present.draft_json(verdict)


@router.post("/claims/{claim_id}/return", response_model=DraftOut, responses=ACTION_ERRORS,
             summary="Editors: send the verdict back to the checker with a comment")
def return_to_checker(claim_id: ClaimId, body: ReturnIn, db: DbSession, settings: SettingsDep,
                      actor: Actor) -> dict:
    verdict = ReviewService(db, settings=settings).return_to_checker(
        claim_id, actor=actor, comment=body.comment, lock_version=body.lock_version)
    return present.draft_json(verdict)


@router.post("/claims/{claim_id}/correct", response_model=DraftOut, status_code=201,
             responses=ACTION_ERRORS, summary="Editors: propose a corrected version of a published verdict")
def correct(claim_id: ClaimId, body: CorrectionIn, db: DbSession, settings: SettingsDep,
            actor: Actor) -> dict:
    verdict = ReviewService(db, settings=settings).correct(
        claim_id, actor=actor, rating_id=body.rating_id, summary=body.summary,
        reasoning=body.reasoning, correction_note=body.correction_note,
        claim_reviewed=body.claim_reviewed,
    )
    return present.draft_json(verdict)


@router.post("/claims/{claim_id}/withdraw-correction", response_model=DraftOut,
             responses=ACTION_ERRORS,
             summary="Editors: withdraw a correction not yet approved (the published version stands)")
def withdraw_correction(claim_id: ClaimId, body: WithdrawIn, db: DbSession, settings: SettingsDep,
                        actor: Actor) -> dict:
    verdict = ReviewService(db, settings=settings).withdraw_correction(
        claim_id, actor=actor, reason=body.reason)
    return present.draft_json(verdict)


@router.get("/ratings", response_model=list[RatingScaleOut], responses=error_responses(*AUTH_ERRORS),
            summary="The active rating scale (ids for verdict drafts)")
def ratings(db: DbSession, actor: Actor) -> list[dict]:
    return [present.rating_scale_json(r) for r in RatingService(db).list()]
