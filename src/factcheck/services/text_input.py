"""Turning what a user or a CMS sends (bytes, text, HTML) into an article's text, or a clear refusal."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from factcheck.analysis.html_text import html_to_text, looks_like_html
from factcheck.exceptions import TooLargeError, ValidationError


@dataclass(frozen=True, slots=True)
class ArticleText:
    text: str
    source_format: str  # "text" or "html"


def decode(data: bytes) -> str:
    """Decode uploaded bytes: UTF-8 (with or without BOM) or BOM-marked UTF-16; nothing is guessed."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ValidationError("The file is not valid UTF-16 text.") from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(
            "The file is not UTF-8 text (it may be binary, or saved in another encoding)."
        ) from error


# Unicode category Cc (C0 and C1 controls) without the whitespace controls \t \n \v \f \r.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _looks_binary(text: str) -> bool:
    sample = text[:10_000]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 100)


def prepare(raw: str | bytes, *, max_chars: int, source_format: str = "auto") -> ArticleText:
    """Validate and normalise an article's text; raise before anything is stored."""
    text = decode(raw) if isinstance(raw, bytes) else raw
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise ValidationError("The text contains NUL bytes; it looks like a binary file.")
    if len(text) > max_chars:
        raise TooLargeError(
            f"The article has {len(text):,} characters; the limit is {max_chars:,}.",
            details={"limit": max_chars, "size": len(text)},
        )
    if _looks_binary(text):
        raise ValidationError("The text contains control characters; it looks like a binary file.")
    is_html = source_format == "html" or (source_format == "auto" and looks_like_html(text))
    if is_html:
        text = html_to_text(text)
    # One line-ending convention, so offsets mean the same thing to every consumer.
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not text.strip():
        raise ValidationError("The article is empty (no text after removing markup and whitespace).")
    return ArticleText(text=text, source_format="html" if is_html else "text")
