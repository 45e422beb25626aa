"""Published verdicts, articles and claims as the API's JSON (W3C Web Annotation selectors included)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from factcheck.analysis.anchoring import utf16_span
from factcheck.models import Article, ArticleRevision, Claim, Evidence, Rating, Source, Verdict
from factcheck.services.publishing import ArticleVerdicts, FeedPage, PublishedVerdict


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def selectors(claim: Claim, text: str) -> list[dict[str, Any]]:
    """TextQuoteSelector and TextPositionSelector (code points, plus UTF-16 units for JavaScript)."""
    start16, end16 = utf16_span(text, claim.start, claim.end) if claim.end <= len(text) else (None, None)
    return [
        {"type": "TextQuoteSelector", "exact": claim.exact, "prefix": claim.prefix,
         "suffix": claim.suffix},
        {"type": "TextPositionSelector", "start": claim.start, "end": claim.end,
         "utf16": {"start": start16, "end": end16}},
    ]


def rating_json(rating: Rating | None) -> dict[str, Any] | None:
    if rating is None:
        return None
    return {"name": rating.name, "label": rating.label, "value": rating.value,
            "colour": rating.colour, "best": None, "worst": None}


def verdict_json(item: PublishedVerdict, *, best: int, worst: int, claimreview_url: str) -> dict[str, Any]:
    verdict = item.verdict
    rating = rating_json(verdict.rating)
    if rating is not None:
        rating["best"], rating["worst"] = max(best, rating["value"]), min(worst, rating["value"])
    successor = item.superseded_by
    return {
        "id": verdict.id,
        "claim_id": item.claim.id,
        "version": verdict.number,
        "status": verdict.state,
        "superseded_by": successor.id if successor else None,
        "selectors": selectors(item.claim, item.revision.text),
        "claim_reviewed": verdict.claim_reviewed or item.claim.exact,
        "rating": rating,
        "summary": verdict.summary,
        "evidence": [
            {"url": e.source.url, "title": e.source.title, "publisher": e.source.publisher,
             "excerpt": e.excerpt, "stance": e.stance}
            for e in sorted(verdict.evidence, key=lambda e: e.id)
        ],
        "correction_note": verdict.correction_note,
        "approved_at": iso(verdict.approved_at),
        "published_at": iso(verdict.published_at),
        "first_published_at": iso(item.first_published_at),
        "corrections": [
            {"version": v.number, "correction_note": v.correction_note, "published_at": iso(v.published_at)}
            for v in item.history
            if v.number > 1 and v.number <= verdict.number
        ],
        "claimreview_url": claimreview_url,
    }


def article_json(article: Article, revision: ArticleRevision) -> dict[str, Any]:
    return {
        "id": article.id,
        "external_id": article.external_id,
        "title": article.title,
        "url": article.url,
        "author": article.author,
        "published_at": iso(article.published_at),
        "revision": revision.number,
        "revision_created_at": iso(revision.created_at),
        "source_format": revision.source_format,
        "text": revision.text,
    }


def claim_json(claim: Claim, text: str) -> dict[str, Any]:
    return {
        "id": claim.id,
        "status": claim.status,
        "anchor_state": claim.anchor_state,
        "selectors": selectors(claim, text),
        "score": round(claim.score, 4),
        "kinds": list(claim.kinds),
        "reasons": list(claim.reasons),
        "facts": [
            {"kind": f.kind, "text": f.text, "start": f.start, "end": f.end, "value": f.value}
            for f in claim.facts
        ],
    }


def article_verdicts_json(data: ArticleVerdicts, *, url_for_claim) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "article": {"external_id": data.article.external_id, "url": data.article.url,
                    "title": data.article.title, "revision": data.revision.number},
        "verdicts": [
            verdict_json(item, best=data.bounds.best, worst=data.bounds.worst,
                         claimreview_url=url_for_claim(item.claim.id))
            for item in data.verdicts
            if item.verdict.state == "published"
        ],
    }


def feed_entry_json(item: PublishedVerdict, *, best: int, worst: int, claimreview_url: str) -> dict[str, Any]:
    body = verdict_json(item, best=best, worst=worst, claimreview_url=claimreview_url)
    body["feed_position"] = item.verdict.feed_position
    body["event"] = "corrected" if item.verdict.number > 1 else "published"
    body["article"] = {"external_id": item.article.external_id, "url": item.article.url,
                       "title": item.article.title, "revision": item.revision.number}
    return body


def feed_json(page: FeedPage, *, cursor: str | None, url_for_claim) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "verdicts": [
            feed_entry_json(item, best=page.bounds.best, worst=page.bounds.worst,
                            claimreview_url=url_for_claim(item.claim.id))
            for item in page.entries
        ],
        "next_cursor": cursor,
        "has_more": page.has_more,
    }


# -- the workflow over JSON ------------------------------------------------------------------


def workflow_claim_json(claim: Claim, article_title: str | None = None) -> dict[str, Any]:
    return {
        "id": claim.id, "article_id": claim.article_id, "article_title": article_title,
        "status": claim.status, "version": claim.version,
        "exact": claim.exact, "prefix": claim.prefix, "suffix": claim.suffix,
        "start": claim.start, "end": claim.end, "score": round(claim.score, 4),
        "kinds": list(claim.kinds),
        "facts": [{"kind": f.kind, "text": f.text, "start": f.start, "end": f.end, "value": f.value}
                  for f in claim.facts],
        "assignee_id": claim.assignee_id, "lease_expires_at": iso(claim.lease_expires_at),
        "duplicate_of_id": claim.duplicate_of_id,
    }


def draft_json(verdict: Verdict, warnings: list[str] | None = None) -> dict[str, Any]:
    rating = verdict.rating
    return {
        "id": verdict.id, "claim_id": verdict.claim_id, "number": verdict.number,
        "state": verdict.state, "lock_version": verdict.lock_version,
        "rating": {"id": rating.id, "name": rating.name, "label": rating.label} if rating else None,
        "claim_reviewed": verdict.claim_reviewed, "summary": verdict.summary,
        "reasoning": verdict.reasoning, "correction_note": verdict.correction_note,
        "review_comment": verdict.review_comment, "warnings": list(warnings or []),
    }


def source_json(source: Source) -> dict[str, Any]:
    return {
        "id": source.id, "url": source.url, "title": source.title, "kind": source.kind,
        "publisher": source.publisher,
        "published_on": source.published_on.isoformat() if source.published_on else None,
        "archived_url": source.archived_url,
    }


def evidence_json(evidence: Evidence) -> dict[str, Any]:
    return {"id": evidence.id, "claim_id": evidence.claim_id, "source": source_json(evidence.source),
            "excerpt": evidence.excerpt, "stance": evidence.stance}


def rating_scale_json(rating: Rating) -> dict[str, Any]:
    return {"id": rating.id, "name": rating.name, "label": rating.label, "value": rating.value,
            "colour": rating.colour}
