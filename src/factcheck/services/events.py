"""Domain events that reach the publishing site: written to the webhook outbox in the caller's transaction.

A rolled-back publish therefore never sends a webhook, and a crash after commit never loses one:
workers deliver what the outbox holds (services/webhook_delivery.py, factcheck.worker).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.models import (
    EVENTS, Article, ArticleRevision, Claim, Verdict, WebhookDelivery, WebhookEndpoint, utcnow,
)


def emit(db: Session, event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue one delivery per active endpoint subscribed to `event`."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    json.dumps(payload, allow_nan=False)  # refuse, here and now, what could never be sent
    event_id = uuid.uuid4().hex
    body = {"id": event_id, "type": event, "created_at": utcnow().isoformat(), "data": payload}
    deliveries = [
        WebhookDelivery(endpoint_id=endpoint.id, event=event, event_id=event_id, payload=body)
        for endpoint in db.scalars(select(WebhookEndpoint).where(WebhookEndpoint.is_active.is_(True)))
        if event in endpoint.events
    ]
    db.add_all(deliveries)
    return deliveries


# Typed helpers: the payload of each event, built in one place so receivers see one shape.
# Payloads are small and stable (ids, CMS ids, a summary); receivers fetch details from the API.


def _article_ref(article: Article) -> dict[str, Any]:
    return {"id": article.id, "external_id": article.external_id, "url": article.url,
            "title": article.title}


def verdict_published(db: Session, verdict: Verdict) -> list[WebhookDelivery]:
    return emit(db, "verdict.published", _verdict_data(db, verdict))


def verdict_corrected(db: Session, verdict: Verdict, *, supersedes: Verdict) -> list[WebhookDelivery]:
    data = _verdict_data(db, verdict)
    data["supersedes"] = {"id": supersedes.id, "version": supersedes.number}
    return emit(db, "verdict.corrected", data)


def _verdict_data(db: Session, verdict: Verdict) -> dict[str, Any]:
    """A verdict's webhook payload: small and stable; receivers fetch the rest from the API."""
    claim, article = _claim_and_article(db, verdict.claim_id)
    rating = verdict.rating
    return {
        "id": verdict.id,
        "claim_id": claim.id,
        "article_id": article.id,
        "article_external_id": article.external_id,
        "version": verdict.number,
        "rating": {"name": rating.name, "label": rating.label, "value": rating.value}
        if rating else None,
        "claim_reviewed": verdict.claim_reviewed,
        "summary": verdict.summary,
        "correction_note": verdict.correction_note,
        "published_at": verdict.published_at.isoformat() if verdict.published_at else None,
        "feed_position": verdict.feed_position,
    }


def article_revised(db: Session, article: Article, revision: ArticleRevision) -> list[WebhookDelivery]:
    return emit(db, "article.revised", {"article": _article_ref(article),
                                         "revision": {"id": revision.id, "number": revision.number}})


def claim_orphaned(db: Session, claim: Claim) -> list[WebhookDelivery]:
    _, article = _claim_and_article(db, claim.id)
    return emit(db, "claim.orphaned", {
        "claim": {"id": claim.id, "exact": claim.exact, "status": claim.status},
        "article": _article_ref(article),
    })


def _claim_and_article(db: Session, claim_id: int) -> tuple[Claim, Article]:
    claim = db.get(Claim, claim_id)
    if claim is None:
        raise ValueError(f"no claim {claim_id}")
    article = db.get(Article, claim.article_id)
    assert article is not None  # a claim's article is a required foreign key
    return claim, article
