"""Response models of the API (documentation and contract: the views build plain dicts that match them)
and the error answers each operation declares."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["No article has the external id 'cms-1'."])
    details: dict[str, Any] | list[Any] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    error: ErrorDetail


class Utf16Span(BaseModel):
    start: int | None
    end: int | None


class QuoteSelector(BaseModel):
    type: Literal["TextQuoteSelector"]
    exact: str
    prefix: str
    suffix: str


class PositionSelector(BaseModel):
    type: Literal["TextPositionSelector"]
    start: int = Field(description="Unicode code points, end exclusive")
    end: int
    utf16: Utf16Span = Field(description="The same span in UTF-16 code units (JavaScript indices)")


Selectors = list[QuoteSelector | PositionSelector]


class FactOut(BaseModel):
    kind: str
    text: str
    start: int
    end: int
    value: str | None


class ClaimOut(BaseModel):
    id: int
    status: str
    anchor_state: str
    selectors: Selectors
    score: float
    kinds: list[str]
    reasons: list[str]
    facts: list[FactOut]


class ArticleOut(BaseModel):
    id: int
    external_id: str | None
    title: str
    url: str | None
    author: str | None
    published_at: str | None
    revision: int
    revision_created_at: str | None
    source_format: str
    text: str


class IngestOut(BaseModel):
    article: ArticleOut
    revision: int
    created: bool
    revised: bool
    unchanged: bool
    claims: list[ClaimOut]


class ArticleWithClaims(BaseModel):
    article: ArticleOut
    claims: list[ClaimOut]


class RatingOut(BaseModel):
    name: str = Field(examples=["mostly-false"])
    label: str = Field(examples=["Mostly false"])
    value: int
    best: int
    worst: int
    colour: str = Field(examples=["#d4661c"])


class EvidenceOut(BaseModel):
    url: str
    title: str
    publisher: str | None
    excerpt: str
    stance: str


class CorrectionOut(BaseModel):
    version: int
    correction_note: str | None
    published_at: str | None


class VerdictOut(BaseModel):
    id: int
    claim_id: int
    version: int
    status: Literal["published", "superseded"]
    superseded_by: int | None
    selectors: Selectors
    claim_reviewed: str
    rating: RatingOut | None
    summary: str
    evidence: list[EvidenceOut]
    correction_note: str | None
    approved_at: str | None
    published_at: str | None
    first_published_at: str | None
    corrections: list[CorrectionOut]
    claimreview_url: str


class ArticleRef(BaseModel):
    external_id: str | None
    url: str | None
    title: str
    revision: int


class ArticleVerdictsOut(BaseModel):
    article: ArticleRef
    verdicts: list[VerdictOut]


class FeedEntry(VerdictOut):
    feed_position: int
    event: Literal["published", "corrected"]
    article: ArticleRef


class FeedOut(BaseModel):
    verdicts: list[FeedEntry]
    next_cursor: str | None = Field(description="Pass as `cursor` to continue; null if nothing was returned and no cursor was given")
    has_more: bool


class SentenceOut(BaseModel):
    index: int
    start: int
    end: int
    text: str
    score: float
    is_claim: bool
    kinds: list[str]
    facts: list[dict[str, Any]]
    reasons: list[str]


class DetectOut(BaseModel):
    sentences: list[SentenceOut]


ERROR_DESCRIPTIONS = {
    400: "Malformed JSON",
    401: "No token, or a bad, expired or revoked one",
    403: "The token lacks the scope, or its user the role",
    404: "Not found",
    409: "Conflicts with the current state (stale version, illegal transition)",
    413: "Over the size limit",
    422: "Invalid input",
    429: "Over the token's rate limit (see Retry-After)",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers an operation can give, all with the error body."""
    return {code: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[code]} for code in codes}


AUTH_ERRORS = (401, 403, 429)
