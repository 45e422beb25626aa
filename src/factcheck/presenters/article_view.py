"""The annotated article: paragraphs of escaped text with claim highlights placed by offsets,
and for each claim a card (state badge, verdict, evidence, corrections) for its overlay."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from factcheck.analysis.claim_detector import HIGH_PRIORITY_THRESHOLD
from factcheck.models import Claim, ClaimStatus, Rating, Verdict
from factcheck.services.article_view import ArticleView

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
FALLBACK_COLOUR = "#6e7781"

STATE_LABELS = {
    ClaimStatus.candidate.value: "Candidate",
    ClaimStatus.accepted.value: "Queued",
    ClaimStatus.in_progress.value: "In progress",
    ClaimStatus.in_review.value: "In review",
    ClaimStatus.published.value: "Published",
}
# Which claim wins a highlight when claims overlap: what readers see first, then work in hand.
_RANK = {"published": 0, "in_review": 1, "in_progress": 2, "accepted": 3, "candidate": 4}


@dataclass(frozen=True)
class Badge:
    key: str  # CSS modifier: a status, or "rated"
    label: str
    colour: str | None = None  # a rating's colour (validated "#rrggbb")
    ink: str | None = None  # text colour readable on `colour`


@dataclass(frozen=True)
class EvidenceItem:
    title: str
    publisher: str | None
    url: str | None  # only http(s) URLs; anything else is shown as text, never linked
    excerpt: str
    stance: str


@dataclass(frozen=True)
class VersionItem:
    number: int
    rating_label: str | None
    summary: str
    correction_note: str | None
    published_at: datetime | None


@dataclass
class ClaimCard:
    claim: Claim
    badge: Badge
    verdict: Verdict | None = None
    evidence: list[EvidenceItem] = field(default_factory=list)
    approved_by: str | None = None
    earlier: list[VersionItem] = field(default_factory=list)  # newest first
    correcting: bool = False  # a correction of the published verdict is under way
    high_priority: bool = False
    placed: bool = True  # False when another claim already highlights the same words


@dataclass
class Segment:
    start: int
    end: int
    text: str
    claim: Claim | None = None
    first: bool = True  # the first piece of a claim cut at a paragraph break carries its id
    last: bool = True  # the last piece carries its label


@dataclass
class Paragraph:
    start: int
    end: int
    segments: list[Segment] = field(default_factory=list)


@dataclass
class CountItem:
    badge: Badge
    count: int


@dataclass
class ArticlePage:
    view: ArticleView
    paragraphs: list[Paragraph]
    cards: dict[int, ClaimCard]
    legend: list[Badge]
    state_counts: list[CountItem]
    rating_counts: list[CountItem]

    @property
    def card_list(self) -> list[ClaimCard]:
        return list(self.cards.values())


def safe_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def safe_colour(colour: str | None) -> str:
    return colour if colour and _HEX_COLOUR.match(colour) else FALLBACK_COLOUR


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ink_for(colour: str) -> str:
    """Black or white, whichever contrasts more with `colour` (WCAG contrast ratio)."""
    lum = _luminance(safe_colour(colour))
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def rating_badge(rating: Rating) -> Badge:
    colour = safe_colour(rating.colour)
    return Badge("rated", rating.label, colour, ink_for(colour))


def claim_badge(claim: Claim, verdict: Verdict | None) -> Badge:
    """The published rating when there is one, else the claim's workflow state."""
    if verdict is not None and verdict.rating is not None:
        return rating_badge(verdict.rating)
    return Badge(claim.status, STATE_LABELS.get(claim.status, claim.status.replace("_", " ")))


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if text[cursor:match.start()].strip():
            spans.append((cursor, match.start()))
        cursor = match.end()
    if text[cursor:].strip():
        spans.append((cursor, len(text)))
    return spans


def place(claims: Iterable[Claim], text_length: int, *, published: set[int] = frozenset()) -> list[Claim]:
    """The claims to highlight, in text order: where claims overlap, published ones win, then
    the further along in the workflow, then the more check-worthy."""
    def rank(claim: Claim) -> tuple:
        status = "published" if claim.id in published else claim.status
        return (_RANK.get(status, 9), -claim.score, claim.start, -(claim.end - claim.start))

    taken: list[tuple[int, int]] = []
    placed: list[Claim] = []
    for claim in sorted(claims, key=rank):
        if not 0 <= claim.start < claim.end <= text_length:
            continue
        if any(claim.start < end and start < claim.end for start, end in taken):
            continue
        taken.append((claim.start, claim.end))
        placed.append(claim)
    return sorted(placed, key=lambda c: c.start)


def annotate(text: str, placed: list[Claim]) -> list[Paragraph]:
    """Split text into paragraphs and cut each around the (non-overlapping) placed claims; a
    claim crossing a paragraph break is cut at the break so each paragraph stays a block."""
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
            paragraph.segments.append(Segment(
                c_start, c_end, text[c_start:c_end], claim,
                first=c_start == claim.start, last=c_end == claim.end,
            ))
            cursor = c_end
        if cursor < p_end:
            paragraph.segments.append(Segment(cursor, p_end, text[cursor:p_end]))
        result.append(paragraph)
    return result


def _evidence(items) -> list[EvidenceItem]:
    return [
        EvidenceItem(
            title=e.source.title, publisher=e.source.publisher, url=safe_url(e.source.url),
            excerpt=e.excerpt, stance=e.stance,
        )
        for e in items
    ]


def _card(view: ArticleView, claim: Claim, high_priority: float) -> ClaimCard:
    history = view.verdicts_for(claim)
    verdict = history.current
    card = ClaimCard(
        claim=claim,
        badge=claim_badge(claim, verdict),
        verdict=verdict,
        correcting=verdict is not None and claim.status != ClaimStatus.published.value,
        high_priority=claim.score >= high_priority,
    )
    if verdict is not None:
        card.evidence = _evidence(verdict.evidence or view.claim_evidence.get(claim.id, []))
        card.approved_by = view.user_name(verdict.approved_by_id)
    card.earlier = [
        VersionItem(v.number, v.rating.label if v.rating else None, v.summary, v.correction_note,
                    v.published_at)
        for v in history.earlier
    ]
    return card


def build_page(view: ArticleView, *, high_priority: float | None = None) -> ArticlePage:
    """`high_priority`: the score from which a claim is marked high priority (None: the model's)."""
    threshold = HIGH_PRIORITY_THRESHOLD if high_priority is None else high_priority
    text = view.revision.text if view.revision else ""
    cards = {claim.id: _card(view, claim, threshold) for claim in view.claims}
    published = {cid for cid, card in cards.items() if card.verdict is not None}
    placed = place(view.claims, len(text), published=published)
    placed_ids = {claim.id for claim in placed}
    for cid, card in cards.items():
        card.placed = cid in placed_ids
    active = [r for r in view.ratings if r.is_active]
    states = [Badge(key, label) for key, label in STATE_LABELS.items() if key != "published"]
    state_counts = [
        CountItem(Badge(key, label), view.state_counts.get(key, 0))
        for key, label in STATE_LABELS.items()
    ]
    rating_counts = [
        CountItem(rating_badge(rating), view.rating_counts[rating.id])
        for rating in view.ratings
        if view.rating_counts.get(rating.id)
    ]
    return ArticlePage(
        view=view,
        paragraphs=annotate(text, placed),
        cards=cards,
        legend=([] if view.published_only else states) + [rating_badge(r) for r in active],
        state_counts=[] if view.published_only else state_counts,
        rating_counts=rating_counts,
    )
