"""Published verdicts over JSON: the feed a publishing site syncs from, and one verdict (JSON or ClaimReview)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from factcheck.api.auth import VerdictsRead
from factcheck.api.caching import render_json, respond
from factcheck.api.pagination import CURSOR_PATTERN, decode_cursor, encode_cursor
from factcheck.api.responses import AUTH_ERRORS, FeedOut, VerdictOut, error_responses
from factcheck.api.schemas import MAX_ID, Timestamp
from factcheck.dependencies import DbSession, SettingsDep
from factcheck.presenters import claimreview, verdict_api
from factcheck.services.publishing import MAX_FEED_LIMIT, PublishingService

router = APIRouter(tags=["verdicts"])
JSONLD = "application/ld+json"


@router.get(
    "/verdicts",
    response_model=FeedOut,
    responses={304: {"description": "Not modified (If-None-Match)"},
               **error_responses(*AUTH_ERRORS, 422)},
    summary="Every published or corrected verdict version, in feed order",
    description=(
        "Entries are verdict versions in the order they were published (`feed_position`). A correction "
        "is a new entry (`event: corrected`) at the end of the feed; the version it replaces keeps its "
        "place and reads `status: superseded`, `superseded_by: <id>`. Follow `next_cursor` until "
        "`has_more` is false; keep the last cursor and poll with it to receive what is published later."
    ),
)
def get_feed(
    request: Request, db: DbSession, settings: SettingsDep, principal: VerdictsRead,
    updated_since: Annotated[Timestamp | None, Query(
        description="Only versions published at or after this time (ISO 8601 with a time zone)")] = None,
    cursor: Annotated[str | None, Query(pattern=CURSOR_PATTERN,
                                        description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_FEED_LIMIT)] = 100,
) -> Response:
    after = decode_cursor(cursor) if cursor is not None else None
    page = PublishingService(db).feed(after_position=after, updated_since=updated_since, limit=limit)
    next_cursor = encode_cursor(page.next_position) if page.next_position is not None else None
    payload = verdict_api.feed_json(
        page, cursor=next_cursor,
        url_for_claim=lambda claim_id: claimreview.review_url(settings, claim_id),
    )
    return respond(request, render_json(payload))


@router.get(
    "/verdicts/{verdict_id}",
    response_model=VerdictOut,
    responses={200: {"description": "The verdict; ClaimReview JSON-LD with `Accept: application/ld+json`",
                     "content": {JSONLD: {"schema": {"type": "object"}}}},
               304: {"description": "Not modified (If-None-Match)"},
               **error_responses(*AUTH_ERRORS, 404, 422)},
    summary="One published (or superseded) verdict version",
)
def get_verdict(
    verdict_id: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, db: DbSession,
    settings: SettingsDep, principal: VerdictsRead,
) -> Response:
    item, bounds = PublishingService(db).verdict(verdict_id)
    if JSONLD in request.headers.get("accept", ""):
        payload = claimreview.claim_review(item, bounds=bounds, settings=settings)
        return respond(request, render_json(payload, JSONLD), headers={"Vary": "Accept"})
    payload = verdict_api.verdict_json(
        item, best=bounds.best, worst=bounds.worst,
        claimreview_url=claimreview.review_url(settings, item.claim.id),
    )
    return respond(request, render_json(payload), headers={"Vary": "Accept"})

