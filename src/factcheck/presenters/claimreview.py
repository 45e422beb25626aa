"""schema.org ClaimReview JSON-LD for published verdicts (what search engines read from a fact-check page)."""

from __future__ import annotations

from typing import Any

from factcheck.services.publishing import PublishedVerdict, ScaleBounds
from factcheck.settings import Settings

CONTEXT = "https://schema.org"


def review_url(settings: Settings, claim_id: int) -> str:
    """The fact-check's public address: one per claim, so it stays the same across corrections."""
    return f"{settings.public_base_url.rstrip('/')}/claims/{claim_id}"


def claim_review(item: PublishedVerdict, *, bounds: ScaleBounds, settings: Settings) -> dict[str, Any]:
    verdict, article = item.verdict, item.article
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": review_url(settings, item.claim.id),
        "claimReviewed": (verdict.claim_reviewed or item.claim.exact).strip(),
        "author": {"@type": "Organization", "name": settings.organization_name,
                   "url": settings.organization_url},
        "itemReviewed": _item_reviewed(item),
    }
    first = item.first_published_at
    if first is not None:
        review["datePublished"] = first.date().isoformat()
    if verdict.number > 1 and verdict.published_at is not None:
        review["dateModified"] = verdict.published_at.date().isoformat()
    if verdict.summary:
        review["name"] = verdict.summary
    if verdict.rating is not None:
        value = verdict.rating.value
        review["reviewRating"] = {
            "@type": "Rating",
            "name": verdict.rating.name,
            "alternateName": verdict.rating.label,
            "ratingValue": value,
            # The scale's bounds; widened if an archived rating lies outside today's active scale.
            "bestRating": max(bounds.best, value),
            "worstRating": min(bounds.worst, value),
        }
    return review


def _item_reviewed(item: PublishedVerdict) -> dict[str, Any]:
    article = item.article
    appearance: dict[str, Any] = {"@type": "CreativeWork", "headline": article.title}
    if article.url:
        appearance["url"] = article.url
    claim: dict[str, Any] = {"@type": "Claim", "appearance": [appearance]}
    if article.author:
        claim["author"] = {"@type": "Person", "name": article.author}
    if article.published_at is not None:
        claim["datePublished"] = article.published_at.date().isoformat()
        appearance["datePublished"] = article.published_at.date().isoformat()
    return claim


def claim_reviews(items: list[PublishedVerdict], *, bounds: ScaleBounds, settings: Settings) -> list[dict[str, Any]]:
    return [claim_review(item, bounds=bounds, settings=settings) for item in items]
