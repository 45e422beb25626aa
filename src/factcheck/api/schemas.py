"""Request models of the API: strict input (no coercion, no unknown fields), and the types they share."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

# PostgreSQL refuses NUL characters in text, and lone surrogates cannot be encoded: refuse both here.
NO_NUL = r"^[^\x00]*$"
# Article text: no control characters but whitespace ones (binary data), and something not blank.
_PRINTABLE = r"[^\x00-\x08\x0e-\x1f\x7f-\x9f]"
_VISIBLE = r"[^\s\x00-\x08\x0e-\x1f\x7f-\x9f]"
EXTERNAL_ID = r"^[A-Za-z0-9][A-Za-z0-9._:~@+\-]{0,254}$"
HAS_TEXT = f"^{_PRINTABLE}*{_VISIBLE}{_PRINTABLE}*$"
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database


def _encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("the text contains unpaired surrogate characters") from error
    return value


RFC3339_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:[Zz]|[+-]\d{2}:\d{2})"
)
RFC3339_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _rfc3339(pattern: re.Pattern[str], example: str):  # type: ignore[no-untyped-def]
    """Only the RFC 3339 text form (what OpenAPI's format promises): no numbers, no other layouts."""

    def check(value: object) -> object:
        if isinstance(value, str) and pattern.fullmatch(value):
            return value
        raise ValueError(f"give an RFC 3339 string such as {example}")

    return check


def _sane_datetime(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("give a time zone, e.g. 2023-03-20T09:00:00Z")
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("the date is out of range once converted to UTC") from error


Text = Annotated[str, Field(pattern=NO_NUL), AfterValidator(_encodable)]
NonBlank = Annotated[str, Field(pattern=HAS_TEXT), AfterValidator(_encodable)]
ExternalId = Annotated[str, Field(pattern=EXTERNAL_ID, min_length=1, max_length=255)]
Timestamp = Annotated[
    datetime, Field(strict=False),
    BeforeValidator(_rfc3339(RFC3339_DATETIME, "2023-03-20T09:00:00Z")), AfterValidator(_sane_datetime),
]
Day = Annotated[date, Field(strict=False), BeforeValidator(_rfc3339(RFC3339_DATE, "2023-03-20"))]
Url = Annotated[
    str, Field(pattern=r"^https?://[^\s\x00]+$", max_length=2048), AfterValidator(_encodable)
]
def _whole_number(value: object) -> object:
    # JSON Schema's "integer" includes 3.0; strict mode would refuse it. Strings and booleans stay refused.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Id = Annotated[WholeNumber, Field(ge=1, le=MAX_ID)]


class StrictModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class ArticleIn(StrictModel):
    model_config = ConfigDict(
        strict=True, extra="forbid",
        json_schema_extra={
            "oneOf": [{"required": ["text"]}, {"required": ["html"]}],
            "examples": [{
                "external_id": "cms-4711", "title": "Pakistan and the U.S. keep talking",
                "url": "https://news.example/pakistan", "author": "A. Reporter",
                "published_at": "2023-03-20T09:00:00Z",
                "text": "Pakistan has lost more than 80,000 lives over the past two decades.",
            }],
        },
    )

    external_id: ExternalId | None = Field(None, description="The CMS's id; sending it again revises.")
    title: Annotated[NonBlank, Field(max_length=500)]
    url: Url | None = None
    author: Annotated[Text, Field(max_length=255)] | None = None
    published_at: Annotated[Timestamp, Field(description="ISO 8601 with a time zone")] | None = None
    # Not nullable: "exactly one of" means one key present (OpenAPI `oneOf` + `required`).
    text: NonBlank = Field(None, description="Plain text (exactly one of text and html).")  # type: ignore[assignment]
    html: NonBlank = Field(None, description="HTML; scripts and markup are stripped.")  # type: ignore[assignment]

    @model_validator(mode="after")
    def _one_body(self) -> ArticleIn:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of text and html")
        return self


class DetectIn(StrictModel):
    model_config = ConfigDict(
        strict=True, extra="forbid",
        json_schema_extra={
            "oneOf": [{"required": ["text"]}, {"required": ["sentences"]}],
            "examples": [{"text": "Pakistan has lost more than 80,000 lives. We should talk."},
                         {"sentences": ["Unemployment fell to 3.4% in January."]}],
        },
    )

    text: NonBlank = None  # type: ignore[assignment]
    sentences: Annotated[list[Text], Field(min_length=1, max_length=1000)] = None  # type: ignore[assignment]
    published_at: Day | None = Field(
        None, description="The text's date, to resolve dates like 'March 8'."
    )

    @model_validator(mode="after")
    def _one_input(self) -> DetectIn:
        if (self.text is None) == (self.sentences is None):
            raise ValueError("give exactly one of text and sentences")
        return self
