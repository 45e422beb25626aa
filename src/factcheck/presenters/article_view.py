"""The annotated article: paragraphs of escaped text with claim highlights placed by offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from factcheck.models import Claim

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@dataclass
class Segment:
    start: int
    end: int
    text: str
    claim: Claim | None = None


@dataclass
class Paragraph:
    start: int
    end: int
    segments: list[Segment] = field(default_factory=list)


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if text[cursor:match.start()].strip():
            spans.append((cursor, match.start()))
        cursor = match.end()
    if text[cursor:].strip():
        spans.append((cursor, len(text)))
    return spans


def annotate(text: str, claims: list[Claim]) -> list[Paragraph]:
    """Split text into paragraphs and cut each around the claims inside it.

    Claims that overlap an earlier one are not highlighted twice (they stay listed elsewhere);
    a claim crossing a paragraph break is cut at the break so each paragraph stays a block.
    """
    placed: list[Claim] = []
    last_end = -1
    for claim in sorted(claims, key=lambda c: (c.start, -c.end)):
        if claim.start >= last_end and 0 <= claim.start < claim.end <= len(text):
            placed.append(claim)
            last_end = claim.end
    result: list[Paragraph] = []
    for p_start, p_end in paragraphs(text):
        paragraph = Paragraph(start=p_start, end=p_end)
        cursor = p_start
        for claim in placed:
            if claim.end <= p_start or claim.start >= p_end:
                continue
            c_start, c_end = max(claim.start, p_start), min(claim.end, p_end)
            if c_start > cursor:
                paragraph.segments.append(Segment(cursor, c_start, text[cursor:c_start]))
            paragraph.segments.append(Segment(c_start, c_end, text[c_start:c_end], claim))
            cursor = c_end
        if cursor < p_end:
            paragraph.segments.append(Segment(cursor, p_end, text[cursor:p_end]))
        result.append(paragraph)
    return result
