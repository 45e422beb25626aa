"""Request and response models of the workflow over JSON (personal tokens with the `workflow` scope)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from factcheck.api.schemas import Day, Id, StrictModel, Text, Url, WholeNumber

Version = Annotated[WholeNumber, Field(ge=0, le=2**31 - 1, description="The version you read (optimistic locking)")]
ShortText = Annotated[Text, Field(max_length=2000)]
LongText = Annotated[Text, Field(max_length=50_000)]


class VersionIn(StrictModel):
    version: Version


class DuplicateIn(StrictModel):
    version: Version
    duplicate_of_id: Id


class SourceIn(StrictModel):
    url: Url
    title: Annotated[Text, Field(min_length=1, max_length=500)]
    kind: Literal["primary", "official", "secondary", "expert", "dataset"] = "secondary"
    publisher: Annotated[Text, Field(max_length=255)] | None = None
    published_on: Day | None = None
    archived_url: Url | None = None


class EvidenceIn(StrictModel):
    source_id: Id
    excerpt: Annotated[Text, Field(max_length=5000)] = ""
    stance: Literal["supports", "refutes", "context"] = "context"


class DraftIn(StrictModel):
    lock_version: Annotated[WholeNumber, Field(ge=0, le=2**31 - 1,
                                       description="0 to start a draft, else the draft's lock_version")]
    rating_id: Id | None = None
    claim_reviewed: Annotated[Text, Field(max_length=1000)] = ""
    summary: ShortText = ""
    reasoning: LongText = ""


class LockIn(StrictModel):
    lock_version: Annotated[WholeNumber, Field(ge=0, le=2**31 - 1)]


class ReturnIn(StrictModel):
    comment: Annotated[Text, Field(min_length=1, max_length=5000)]
    lock_version: Annotated[WholeNumber, Field(ge=0, le=2**31 - 1)] | None = None


class CorrectionIn(StrictModel):
    rating_id: Id
    summary: Annotated[ShortText, Field(min_length=1)]
    reasoning: LongText = ""
    correction_note: Annotated[Text, Field(min_length=1, max_length=5000)]
    claim_reviewed: Annotated[Text, Field(max_length=1000)] | None = None


class WithdrawIn(StrictModel):
    reason: Annotated[Text, Field(min_length=1, max_length=5000)]


class WorkflowClaimOut(BaseModel):
    id: int
    article_id: int
    article_title: str | None
    status: str
    version: int
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int
    score: float
    kinds: list[str]
    facts: list[dict]
    assignee_id: int | None
    lease_expires_at: str | None
    duplicate_of_id: int | None


class DraftOut(BaseModel):
    id: int
    claim_id: int
    number: int
    state: str
    lock_version: int
    rating: dict | None
    claim_reviewed: str
    summary: str
    reasoning: str
    correction_note: str | None
    review_comment: str | None
    warnings: list[str] = []


class SourceOut(BaseModel):
    id: int
    url: str
    title: str
    kind: str
    publisher: str | None
    published_on: str | None
    archived_url: str | None


class EvidenceOut(BaseModel):
    id: int
    claim_id: int
    source: SourceOut
    excerpt: str
    stance: str


class RatingScaleOut(BaseModel):
    id: int
    name: str
    label: str
    value: int
    colour: str
