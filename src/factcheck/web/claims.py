"""Claim pages: the triage queue and its keyboard actions, my claims, and adding a claim by hand.

The workspace of one claim (lease, evidence, verdict) lives in web/workspace.py.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import URL

from factcheck.dependencies import DbSession, SettingsDep
from factcheck.exceptions import ConflictError, ValidationError
from factcheck.models import utcnow
from factcheck.services.articles import ArticleService
from factcheck.services.ingest import make_detector
from factcheck.services.matching import MatchingService
from factcheck.services.triage import TriageService
from factcheck.services.workflow import MAX_ID
from factcheck.services.workspace import WorkspaceService
from factcheck.web.auth import CurrentChecker
from factcheck.web.rendering import is_htmx, render

router = APIRouter()

ClaimId = Annotated[int, Path(gt=0, le=MAX_ID)]
Version = Annotated[int, Form(ge=0, le=MAX_ID)]
KINDS = ("date", "quantity", "attribution", "event", "comparison", "causal", "prediction", "law")
QUEUE_STATUSES = ("candidate", "accepted", "dismissed", "duplicate")


def conflict(request: Request, error: ConflictError, reload_url: str) -> Response:
    """A 409 in the flash area (htmx) or as a page, always with a link to reload the current state."""
    headers = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"} if is_htmx(request) else {}
    return render(request, "claims/conflict.html",
                  {"message": error.message, "details": error.details, "reload_url": reload_url},
                  fragment="claims/_conflict.html", status_code=409, headers=headers)


def back_to_queue(request: Request) -> str:
    """Where a plain (non-htmx) form post returns: the queue page it came from, filters kept."""
    referer = request.headers.get("referer")
    if referer:
        url = URL(referer)
        if url.path == "/queue":
            return f"/queue?{url.query}" if url.query else "/queue"
    return "/queue"


def _number(value: str, kind: type, label: str) -> int | float | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = kind(value)
    except ValueError as error:
        raise ValidationError(f"The {label} filter must be a number.") from error
    if kind is int and not 0 < number <= MAX_ID:
        raise ValidationError(f"There is no {label} {value}.")
    return number


@router.get("/queue")
def queue(
    request: Request,
    db: DbSession,
    user: CurrentChecker,
    q: Annotated[str, Query(max_length=200)] = "",
    # Filters arrive as strings: an empty select or number field sends "" (meaning "any").
    article: Annotated[str, Query(max_length=12)] = "",
    kind: Annotated[str, Query(max_length=32)] = "",
    min_score: Annotated[str, Query(max_length=12)] = "",
    max_score: Annotated[str, Query(max_length=12)] = "",
    status: Annotated[str, Query(max_length=20)] = "candidate",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
):
    service = TriageService(db)
    size = 50
    filters = {"q": q, "article": _number(article, int, "article"), "kind": kind,
               "min_score": _number(min_score, float, "lowest score"),
               "max_score": _number(max_score, float, "highest score"), "status": status}
    items = service.queue(article_id=filters["article"], kind=kind or None,
                          min_score=filters["min_score"], max_score=filters["max_score"],
                          status=status, search=q or None, limit=size + 1,
                          offset=(page - 1) * size)
    query = {k: v for k, v in filters.items() if v not in (None, "")}
    return render(request, "claims/queue.html", {
        "items": items[:size], "has_more": len(items) > size, "filters": filters,
        "next_url": "/queue?" + urlencode({**query, "page": page + 1}),
        "counts": service.counts(), "articles": [s.article for s in ArticleService(db).list()],
        "kinds": KINDS, "statuses": QUEUE_STATUSES,
        "matches": MatchingService(db).latest_for_claims(i.claim.id for i in items),
    }, fragment="claims/_queue_rows.html")


@router.get("/queue/counts")
def queue_counts(request: Request, db: DbSession, user: CurrentChecker):
    if not is_htmx(request):
        return RedirectResponse("/queue", status_code=303)
    return render(request, "claims/_queue_counts.html", {"counts": TriageService(db).counts()})


def _row(request: Request, db, claim_id: int) -> Response:  # type: ignore[no-untyped-def]
    if not is_htmx(request):
        return RedirectResponse(back_to_queue(request), status_code=303)
    return render(request, "claims/_queue_row.html", {
        "item": TriageService(db).item(claim_id),
        "matches": MatchingService(db).latest_for_claims([claim_id]),  # keeps the row's badge
    }, headers={"HX-Trigger": "queue-changed"})


@router.post("/claims/{claim_id}/accept")
def accept(request: Request, claim_id: ClaimId, db: DbSession, user: CurrentChecker,
           version: Version):
    try:
        TriageService(db).accept(claim_id, actor=user, version=version)
    except ConflictError as error:
        return conflict(request, error, back_to_queue(request))
    return _row(request, db, claim_id)


@router.post("/claims/{claim_id}/dismiss")
def dismiss(request: Request, claim_id: ClaimId, db: DbSession, user: CurrentChecker,
            version: Version):
    try:
        TriageService(db).dismiss(claim_id, actor=user, version=version)
    except ConflictError as error:
        return conflict(request, error, back_to_queue(request))
    return _row(request, db, claim_id)


@router.post("/claims/{claim_id}/duplicate")
def mark_duplicate(request: Request, claim_id: ClaimId, db: DbSession, user: CurrentChecker,
                   version: Version, duplicate_of_id: Annotated[int, Form(gt=0, le=MAX_ID)]):
    try:
        TriageService(db).mark_duplicate(claim_id, actor=user, version=version,
                                         duplicate_of_id=duplicate_of_id)
    except ConflictError as error:
        return conflict(request, error, back_to_queue(request))
    return _row(request, db, claim_id)


@router.post("/claims/{claim_id}/undo")
def undo(request: Request, claim_id: ClaimId, db: DbSession, user: CurrentChecker):
    try:
        TriageService(db).undo(claim_id, actor=user)
    except ConflictError as error:
        return conflict(request, error, back_to_queue(request))
    return _row(request, db, claim_id)


@router.post("/queue/bulk")
def bulk(
    request: Request,
    db: DbSession,
    user: CurrentChecker,
    action: Annotated[str, Form(max_length=20)],
    claim_ids: Annotated[list[int], Form()] = [],  # noqa: B006 - FastAPI copies defaults
):
    service = TriageService(db)
    result = service.bulk(action, claim_ids, actor=user)
    if not is_htmx(request):
        return RedirectResponse(back_to_queue(request), status_code=303)
    items = [service.item(claim_id) for claim_id in [*result.done, *result.skipped]]
    return render(request, "claims/_bulk_result.html", {"items": items, "result": result},
                  headers={"HX-Trigger": "queue-changed"})


@router.get("/claims/search")
def search_claims(
    request: Request, db: DbSession, user: CurrentChecker,
    q: Annotated[str, Query(max_length=200)] = "",
    exclude: Annotated[int | None, Query(gt=0, le=MAX_ID)] = None,
):
    items = TriageService(db).search_claims(q, limit=8, exclude_id=exclude)
    return render(request, "claims/search.html", {"items": items, "q": q},
                  fragment="claims/_search_results.html")


@router.get("/articles/{article_id}/claims/new")
def new_claim(request: Request, db: DbSession, user: CurrentChecker,
              article_id: Annotated[int, Path(gt=0, le=MAX_ID)]):
    """Select a span of the article's current text to add a claim the detector missed."""
    article = ArticleService(db).get(article_id)
    return render(request, "claims/new.html", {"article": article,
                                                "revision": article.current_revision})


@router.post("/articles/{article_id}/claims")
def add_claim(
    request: Request, db: DbSession, settings: SettingsDep, user: CurrentChecker,
    article_id: Annotated[int, Path(gt=0, le=MAX_ID)],
    start: Annotated[int, Form(ge=0, le=MAX_ID)], end: Annotated[int, Form(ge=0, le=MAX_ID)],
):
    claim = TriageService(db).add_manual_claim(article_id=article_id, start=start, end=end,
                                               actor=user, detector=make_detector(settings))
    target = f"/claims/{claim.id}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/my-claims")
def my_claims(request: Request, db: DbSession, settings: SettingsDep, user: CurrentChecker):
    rows = WorkspaceService(db, settings=settings).mine(user)
    return render(request, "claims/mine.html", {"rows": rows, "now": utcnow()},
                  fragment="claims/_mine_rows.html")
