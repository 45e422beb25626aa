"""The JSON shape of a verdict for webhooks (and, refined by the API, its responses)."""

from __future__ import annotations

from typing import Any

from factcheck.models import Article, Claim, Verdict


def verdict_payload(verdict: Verdict, *, claim: Claim, article: Article) -> dict[str, Any]:
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
