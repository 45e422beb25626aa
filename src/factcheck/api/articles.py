"""Articles over JSON: a CMS sends an article (created, revised or unchanged) and reads it back with its verdicts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from factcheck.api.auth import ArticlesRead, ArticlesWrite, VerdictsRead
from factcheck.api.caching import BodyCache, RenderedBody, body_cache, fingerprints, render_json, respond
from factcheck.api.invalidation import ChangeListener, wants_fresh_read
from factcheck.api.reads import coalescer, read
from factcheck.api.responses import (
    AUTH_ERRORS, ArticleVerdictsOut, ArticleWithClaims, IngestOut, error_responses,
)
from factcheck.api.schemas import NO_NUL, ArticleIn
from factcheck.dependencies import DbSession, SettingsDep
from factcheck.presenters import claimreview, verdict_api
from factcheck.services.ingest import IngestService
from factcheck.services.publishing import PublishingService
from factcheck.settings import Settings

router = APIRouter(tags=["articles"])

ExternalIdPath = Annotated[
    str, Path(pattern=NO_NUL, max_length=255, description="The CMS's id for the article",
              examples=["cms-4711"])
]
JSONLD = "application/ld+json"


@router.post(
    "/articles",
    status_code=201,
    response_model=IngestOut,
    responses={200: {"model": IngestOut, "description": "A new revision, or unchanged (same text)"},
               201: {"description": "A new article"},
               **error_responses(400, *AUTH_ERRORS, 413, 422)},
    summary="Send an article: created, revised (same external_id, new text) or unchanged",
)
def post_article(
    body: ArticleIn, request: Request, db: DbSession, settings: SettingsDep, principal: ArticlesWrite
) -> Response:
    result = IngestService(db, settings=settings).ingest(
        text=body.text if body.text is not None else body.html,  # type: ignore[arg-type]
        source_format="text" if body.text is not None else "html",
        title=body.title, url=body.url, external_id=body.external_id, author=body.author,
        published_at=body.published_at, actor=principal.user,
    )
    payload = {
        "article": verdict_api.article_json(result.article, result.revision),
        "revision": result.revision.number,
        "created": result.created,
        "revised": result.revised,
        "unchanged": result.unchanged,
        "claims": [verdict_api.claim_json(c, result.revision.text) for c in result.claims],
    }
    headers = {}
    if result.article.external_id:
        headers["Location"] = str(request.url_for("get_article", external_id=result.article.external_id))
    return respond(request, render_json(payload), status_code=201 if result.created else 200,
                   headers=headers)


@router.get(
    "/articles/{external_id}",
    response_model=ArticleWithClaims,
    responses={304: {"description": "Not modified (If-None-Match)"},
               **error_responses(*AUTH_ERRORS, 404, 422)},
    summary="An article's current revision and its claims",
)
def get_article(
    external_id: ExternalIdPath, request: Request, db: DbSession, principal: ArticlesRead
) -> Response:
    article, revision, claims = PublishingService(db).article_with_claims(external_id)
    payload = {"article": verdict_api.article_json(article, revision),
               "claims": [verdict_api.claim_json(c, revision.text) for c in claims]}
    return respond(request, render_json(payload))


@router.get(
    "/articles/{external_id}/verdicts",
    response_model=ArticleVerdictsOut,
    responses={304: {"description": "Not modified (If-None-Match)"},
               **error_responses(*AUTH_ERRORS, 404, 422)},
    summary="Published verdicts on the article's current revision, with text anchors",
)
async def get_article_verdicts(
    external_id: ExternalIdPath, request: Request, db: DbSession, settings: SettingsDep,
    principal: VerdictsRead,
) -> Response:
    # A site polls this: a request pays at most one cheap read, shared with the requests for the
    # same article that arrived before it started (exact across processes), and the body is
    # rendered once per change, per process.
    fingerprint = await _fingerprint(request, external_id)
    key = ("verdicts", fingerprint)
    cache = body_cache(request)
    rendered = cache.get(key)
    if rendered is None:
        rendered = await run_in_threadpool(
            _render_article_verdicts, db, settings, external_id, cache)
    return respond(request, rendered)


async def _fingerprint(request: Request, external_id: str) -> tuple[object, ...]:
    """The article's fingerprint: remembered while the change listener hears no publish (PostgreSQL),
    else read, shared with the requests for the same article that arrived before the read started."""
    listener: ChangeListener | None = getattr(request.app.state, "change_listener", None)
    generation = listener.current() if listener is not None else None
    known = fingerprints(request)
    if generation is not None and not wants_fresh_read(request.headers.get("cache-control")):
        remembered = known.get(external_id)
        if remembered is not None and remembered[0] == generation:
            return remembered[1]
    # Read after `generation` was taken: a publish notified since then bumps it past this entry.
    fingerprint = await coalescer(request).read(("verdicts", external_id), lambda: read(
        request, lambda s: PublishingService(s).article_fingerprint(external_id)))
    if generation is not None:
        known.put(external_id, (generation, fingerprint))
    return fingerprint


def _render_article_verdicts(
    db: Session, settings: Settings, external_id: str, cache: BodyCache
) -> RenderedBody:
    """Cached under the fingerprint read before rendering, if it still holds after (else a publish
    landed in between, and the next request renders again)."""
    service = PublishingService(db)
    before = service.article_fingerprint(external_id)
    rendered = render_json(verdict_api.article_verdicts_json(
        service.article_verdicts(external_id),
        url_for_claim=lambda claim_id: claimreview.review_url(settings, claim_id)))
    if service.article_fingerprint(external_id) == before:
        cache.put(("verdicts", before), rendered)
    return rendered


@router.get(
    "/articles/{external_id}/claimreview.jsonld",
    response_class=Response,
    responses={200: {"description": "A JSON-LD list of ClaimReview objects",
                     "content": {JSONLD: {"schema": {"type": "array", "items": {"type": "object"}}}}},
               304: {"description": "Not modified (If-None-Match)"},
               **error_responses(*AUTH_ERRORS, 404, 422)},
    summary="schema.org ClaimReview for every published verdict of the article",
)
def get_article_claimreview(
    external_id: ExternalIdPath, request: Request, db: DbSession, settings: SettingsDep,
    principal: VerdictsRead,
) -> Response:
    data = PublishingService(db).article_verdicts(external_id)
    current = [item for item in data.verdicts if item.verdict.state == "published"]
    payload = claimreview.claim_reviews(current, bounds=data.bounds, settings=settings)
    return respond(request, render_json(payload, JSONLD))
