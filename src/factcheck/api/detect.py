"""Check-worthiness over JSON: score a text or ready-made sentences, as `factcheck detect` does; stores nothing."""

from __future__ import annotations

from fastapi import APIRouter

from factcheck.api.auth import DetectScope
from factcheck.api.responses import AUTH_ERRORS, DetectOut, error_responses
from factcheck.api.schemas import DetectIn
from factcheck.dependencies import SettingsDep
from factcheck.exceptions import TooLargeError
from factcheck.services.ingest import make_detector

router = APIRouter(tags=["detect"])


@router.post(
    "/detect",
    response_model=DetectOut,
    responses=error_responses(400, *AUTH_ERRORS, 413, 422),
    summary="Score sentences for check-worthiness (the `factcheck detect` contract)",
)
def detect(body: DetectIn, settings: SettingsDep, principal: DetectScope) -> dict:
    size = len(body.text) if body.text is not None else sum(len(s) for s in body.sentences or [])
    if size > settings.max_article_chars:
        raise TooLargeError(
            f"The text has {size:,} characters; the limit is {settings.max_article_chars:,}.",
            details={"limit": settings.max_article_chars, "size": size},
        )
    detector = make_detector(settings)
    if body.text is not None:
        results = detector.detect(body.text, published_at=body.published_at)
    else:
        results = detector.score_sentences(body.sentences or [], published_at=body.published_at)
    return {"sentences": [r.to_dict() for r in results]}
