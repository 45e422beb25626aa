"""Articles over JSON: a CMS sends an article (created, revised or unchanged) and reads it back with its verdicts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from factcheck.api.auth import ArticlesRead, ArticlesWrite, VerdictsRead
from factcheck.api.caching import body_cache, render_json, respond
from factcheck.api.responses import (
    AUTH_ERRORS, ArticleVerdictsOut, ArticleWithClaims, IngestOut, error_responses,
)
from factcheck.api.schemas import NO_NUL, ArticleIn
from factcheck.dependencies import DbSession, SettingsDep
from factcheck.presenters import claimreview, verdict_api
from factcheck.services.ingest import IngestService
from factcheck.services.publishing import PublishingService

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
def get_article_verdicts(
    external_id: ExternalIdPath, request: Request, db: DbSession, settings: SettingsDep,
    principal: VerdictsRead,
) -> Response:
    service = PublishingService(db)

    def render():  # type: ignore[no-untyped-def]
        data = service.article_verdicts(external_id)
        return render_json(verdict_api.article_verdicts_json(
            data, url_for_claim=lambda claim_id: claimreview.review_url(settings, claim_id)))

    key = ("verdicts", service.article_fingerprint(external_id))
    return respond(request, body_cache(request).get_or_render(key, render))


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
