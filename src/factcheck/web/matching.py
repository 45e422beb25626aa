""""Checked before" pages: a claim's matches (confirm / reject / undo), the page of open suggestions
with bulk actions, and the queue's groups of near-identical candidates.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse

from factcheck.dependencies import DbSession, SettingsDep
from factcheck.exceptions import ValidationError
from factcheck.services.matching import MatchingService
from factcheck.services.triage import TriageService
from factcheck.services.workflow import MAX_ID
from factcheck.web.auth import CurrentChecker
from factcheck.web.rendering import is_htmx, render

router = APIRouter()

Id = Annotated[int, Path(gt=0, le=MAX_ID)]
PAGE = 50
BULK_ACTIONS = ("confirm", "reject")
GROUP_ACTIONS = ("accept", "dismiss")


def _claim_matches(request: Request, service: MatchingService, claim_id: int, *,
                   headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return render(request, "matching/claim.html",
                  {"claim_id": claim_id, "matches": service.for_claim(claim_id)},
                  fragment="matching/_matches.html", headers=headers)


@router.get("/claims/{claim_id:int}/matches")
def claim_matches(request: Request, claim_id: Id, db: DbSession, settings: SettingsDep,
                  user: CurrentChecker):
    return _claim_matches(request, MatchingService(db, settings=settings), claim_id)


def _after_decision(request: Request, service: MatchingService, claim_id: int):  # type: ignore[no-untyped-def]
    if not is_htmx(request):
        return RedirectResponse(f"/claims/{claim_id}", status_code=303)
    # The claim's status may have changed (confirmed: duplicate): its page reloads its workspace.
    return _claim_matches(request, service, claim_id, headers={"HX-Trigger": "match-decided"})


@router.post("/matching/suggestions/{suggestion_id:int}/confirm")
def confirm(request: Request, suggestion_id: Id, db: DbSession, settings: SettingsDep,
            user: CurrentChecker, reuse_verdict: Annotated[bool, Form()] = False):
    service = MatchingService(db, settings=settings)
    suggestion = service.confirm(suggestion_id, actor=user, reuse_verdict=reuse_verdict)
    return _after_decision(request, service, suggestion.claim_id)


@router.post("/matching/suggestions/{suggestion_id:int}/reject")
def reject(request: Request, suggestion_id: Id, db: DbSession, settings: SettingsDep,
           user: CurrentChecker):
    service = MatchingService(db, settings=settings)
    suggestion = service.reject(suggestion_id, actor=user)
    return _after_decision(request, service, suggestion.claim_id)


@router.post("/matching/suggestions/{suggestion_id:int}/undo")
def undo_auto_link(request: Request, suggestion_id: Id, db: DbSession, settings: SettingsDep,
                   user: CurrentChecker):
    service = MatchingService(db, settings=settings)
    suggestion = service.undo_auto_link(suggestion_id, actor=user)
    return _after_decision(request, service, suggestion.claim_id)


@router.get("/matching/suggestions")
def suggestions(request: Request, db: DbSession, settings: SettingsDep, user: CurrentChecker,
                page: Annotated[int, Query(ge=1, le=10_000)] = 1):
    rows = MatchingService(db, settings=settings).open_suggestions(
        limit=PAGE + 1, offset=(page - 1) * PAGE)
    return render(request, "matching/suggestions.html",
                  {"rows": rows[:PAGE], "page": page, "has_more": len(rows) > PAGE},
                  fragment="matching/_suggestion_rows.html")


@router.post("/matching/suggestions/bulk")
def bulk(
    request: Request, db: DbSession, settings: SettingsDep, user: CurrentChecker,
    action: Annotated[str, Form(max_length=20)],
    suggestion_ids: Annotated[list[int], Form()] = [],  # noqa: B006 - FastAPI copies defaults
):
    if action not in BULK_ACTIONS:
        raise ValidationError(f"The action must be one of: {', '.join(BULK_ACTIONS)}.")
    service = MatchingService(db, settings=settings)
    bulk_action = service.bulk_confirm if action == "confirm" else service.bulk_reject
    outcome = bulk_action(suggestion_ids, actor=user)
    if not is_htmx(request):
        return RedirectResponse("/matching/suggestions", status_code=303)
    return render(request, "matching/_bulk_result.html", {"outcome": outcome, "action": action},
                  headers={"HX-Trigger": "suggestions-changed"})


@router.get("/queue/groups")
def groups(request: Request, db: DbSession, settings: SettingsDep, user: CurrentChecker):
    found = MatchingService(db, settings=settings).group_candidates()
    return render(request, "matching/groups.html", {"groups": found},
                  fragment="matching/_groups.html")


@router.post("/queue/groups/triage")
def triage_group(
    request: Request, db: DbSession, settings: SettingsDep, user: CurrentChecker,
    action: Annotated[str, Form(max_length=20)],
    claim_ids: Annotated[list[int], Form()] = [],  # noqa: B006 - FastAPI copies defaults
):
    if action not in GROUP_ACTIONS:
        raise ValidationError(f"The action must be one of: {', '.join(GROUP_ACTIONS)}.")
    result = TriageService(db).bulk(action, claim_ids, actor=user)
    if not is_htmx(request):
        return RedirectResponse("/queue/groups", status_code=303)
    return render(request, "matching/_group_result.html", {"result": result, "action": action},
                  headers={"HX-Trigger": "queue-changed"})
