"""Re-anchor claim quotes in a revised article text (W3C TextQuote + TextPosition selectors).

Tried in Hypothesis' order: the old position, the exact quote, a fuzzy quote with context; else orphan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from factcheck.analysis.fuzzy_span import (
    MIN_QUOTE_SIMILARITY, Match, align, context_similarity, prefix_similarity, proximity, seed_regions,
    suffix_similarity,
)
from factcheck.analysis.offsets import utf16_offset, utf16_span

__all__ = ["Anchor", "TextQuote", "locate", "quote_selector", "utf16_offset", "utf16_span"]

Method = Literal["position", "quote", "fuzzy"]

# Tuned on bench/reanchoring.py (see docs/reanchoring.md): no misplaced claim at these values.
DEFAULT_MIN_CONFIDENCE = 0.75
# Fuzzy search looks this far around the old position before trying the whole text.
WINDOW = 2048
# A window match this similar to the quote, with this much context, is taken without searching the
# whole text: a twin elsewhere could not beat its context (see _doubtful).
GOOD_SIMILARITY = 0.9
GOOD_CONTEXT = 0.5
# Bound the work on pathological quotes ("the") in very long texts.
MAX_EXACT_HITS = 5000
# The old place of a quote is recognised by prefix and suffix each aligning this well (0-100),
# together at least HOME_TOTAL (one side may carry a typo or a changed word) ...
HOME_SCORE = 80
HOME_TOTAL = 175
# ... when each has at least this many non-blank characters.
HOME_CONTEXT = 12


@dataclass(frozen=True)
class TextQuote:
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    method: Method
    confidence: float
    changed: bool


def quote_selector(text: str, start: int, end: int, *, context: int = 32) -> TextQuote:
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}:{end} outside text of length {len(text)}")
    return TextQuote(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


def locate(
    text: str,
    *,
    exact: str,
    prefix: str,
    suffix: str,
    start: int | None,
    end: int | None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> Anchor | None:
    """Where the quote now is in `text`, or None (an orphan) when it cannot be placed safely."""
    if not exact:
        raise ValueError("cannot anchor an empty quote")
    anchor = _by_position(text, exact, prefix, suffix, start)
    if anchor is None:
        home = _Home(text, exact, prefix, suffix, start)
        anchor = _by_quote(text, exact, prefix, suffix, start, home) or _by_fuzzy(
            text, exact, prefix, suffix, start, end, home
        )
    if anchor is None or anchor.confidence < min_confidence:
        return None
    return anchor


class _Home:
    """Where the quote used to sit: its old prefix followed, a short way on, by its old suffix.

    When that place still exists near the old position but the best match lies outside it, the text
    there was rewritten or cut and the match is a near-twin elsewhere (a lead repeating a body
    sentence): an orphan is then safer than a wrong place. Found lazily, once per claim.
    """

    def __init__(self, text: str, exact: str, prefix: str, suffix: str, start: int | None) -> None:
        self.args = (text, exact, prefix, suffix, start)
        self._span: tuple[int, int] | None | bool = False

    def elsewhere(self, s: int, e: int, *, rewritten: bool = False) -> bool:
        """The home exists and [s, e) is not in it (with `rewritten`: and it holds other words)."""
        if self._span is False:
            self._span = _find_home(*self.args)
        if not self._span:
            return False
        lo, hi = self._span  # type: ignore[misc]
        if rewritten and (not self.args[2] or fuzz.ratio(self.args[0][lo:hi], self.args[1]) < 50):
            # Only the start of the text vouches for the place, or what is there now is no rewrite of
            # the quote (cut out, or another paragraph put there): the exact copy may be it, moved.
            return False
        return not (lo <= e and s <= hi)


def _find_home(text: str, exact: str, prefix: str, suffix: str, start: int | None) -> tuple[int, int] | None:
    if start is None or (len(prefix.strip()) < HOME_CONTEXT and len(suffix.strip()) < HOME_CONTEXT):
        return None
    reach = 2 * len(exact) + 64
    if prefix:
        lo = max(0, start - WINDOW)
        head = fuzz.partial_ratio_alignment(prefix, text[lo : start + len(exact) + WINDOW], score_cutoff=HOME_SCORE)
        if head is None:
            return None
        gap_start, score = lo + head.dest_end, head.score
    elif start == 0:  # the quote opened the text: its place is the start
        gap_start, score = 0, 100.0
    else:
        return None
    if not suffix:  # the quote closed the text
        return (gap_start, len(text)) if len(text) - gap_start <= reach and score >= 90 else None
    tail = fuzz.partial_ratio_alignment(suffix, text[gap_start : gap_start + reach + len(suffix)],
                                        score_cutoff=HOME_SCORE)
    if tail is None or score + tail.score < HOME_TOTAL:
        return None
    return gap_start, gap_start + tail.dest_start


def _by_position(text: str, exact: str, prefix: str, suffix: str, start: int | None) -> Anchor | None:
    if start is None or text[start : start + len(exact)] != exact:
        return None
    # A short quote can sit at its old offset by coincidence; trust the offset only if context agrees.
    if len(exact) < 40 and (prefix or suffix) and context_similarity(text, start, start + len(exact), prefix, suffix) < 0.5:
        return None
    return Anchor(start, start + len(exact), "position", 1.0, False)


def _by_quote(
    text: str, exact: str, prefix: str, suffix: str, start: int | None, home: _Home
) -> Anchor | None:
    hits = []
    i = text.find(exact)
    while i != -1 and len(hits) < MAX_EXACT_HITS:
        hits.append(i)
        i = text.find(exact, i + 1)
    if not hits:
        return None
    scored = [(context_similarity(text, h, h + len(exact), prefix, suffix), h) for h in hits]
    ctx, best = max(scored, key=lambda s: s[0] + 0.1 * proximity(s[1], start))
    # A copy with little of its context while the quote's own place now holds other words: the
    # claim was rewritten there and the copy is a twin (a pull quote). Let the fuzzy step decide.
    if ctx < 0.5 and home.elsewhere(best, best + len(exact), rewritten=True):
        return None
    strength = min(1.0, len(exact) / 40) if len(hits) == 1 else 0.0
    confidence = 0.75 + 0.25 * max(ctx, strength)
    return Anchor(best, best + len(exact), "quote", round(confidence, 4), False)


def _by_fuzzy(
    text: str, exact: str, prefix: str, suffix: str, start: int | None, end: int | None, home: _Home
) -> Anchor | None:
    matches: list[Match] = []
    if start is not None:
        stop = end if end is not None else start
        matches += align(text, (max(0, start - WINDOW), min(len(text), stop + len(exact) + WINDOW)),
                          exact, prefix, suffix, start)
    if not any(_clearly_good(m) for m in matches):
        for region in seed_regions(text, exact):
            matches += align(text, region, exact, prefix, suffix, start)
    matches = [m for m in matches if m.similarity >= MIN_QUOTE_SIMILARITY]
    if not matches:
        return None
    best = max(matches, key=lambda m: m.confidence)
    if _doubtful(text, best, matches, exact, prefix, suffix) or home.elsewhere(best.start, best.end):
        return None
    changed = text[best.start : best.end] != exact
    return Anchor(best.start, best.end, "fuzzy", best.confidence, changed)


def _clearly_good(match: Match) -> bool:
    return match.similarity >= GOOD_SIMILARITY and match.context >= GOOD_CONTEXT


def _doubtful(text: str, best: Match, matches: list[Match], exact: str, prefix: str, suffix: str) -> bool:
    """Reasons to orphan the best fuzzy match rather than risk placing the claim in the wrong sentence."""
    if best.context == 0.0:
        return True  # a match with no support from either side of its context is a guess
    if _mid_word(text, best.start) and not _mid_word(prefix[-1:] + exact, len(prefix[-1:])):
        return True  # the quote began on a word boundary; a match starting inside a word is another sentence
    if _mid_word(text, best.end) and not _mid_word(exact + suffix[:1], len(exact)):
        return True
    # A near-twin elsewhere (a caption repeating a quote, a title) that context cannot tell apart.
    for other in matches:
        apart = other.end <= best.start or best.end <= other.start
        if apart and other.similarity >= best.similarity - 0.05 and best.context - other.context < 0.25:
            return True
    return _is_neighbour(text, best.start, best.end, exact, prefix, suffix)


def _mid_word(text: str, i: int) -> bool:
    return 0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()


def _is_neighbour(text: str, s: int, e: int, exact: str, prefix: str, suffix: str) -> bool:
    """The span is the sentence that used to follow (or precede) the quote, not the quote.

    Either the span reads like the old context at least as well as like the quote (a neighbour, or a
    twin that starts like the quote's neighbour: no way to tell), or the old prefix now runs straight
    into the old suffix at the span: the quote was cut out there.
    """
    head, tail = suffix.lstrip()[:24], prefix.rstrip()[-24:]
    if len(head) >= 12:
        here = Indel.normalized_similarity(head, text[s : s + len(head)])
        if here >= 0.95 and (
            here >= Indel.normalized_similarity(head, exact[: len(head)]) - 0.03
            or prefix_similarity(text, s, prefix) >= 0.8
        ):
            return True
    if len(tail) >= 12:
        here = Indel.normalized_similarity(tail, text[max(s, e - len(tail)) : e])
        return here >= 0.95 and (
            here >= Indel.normalized_similarity(tail, exact[-len(tail) :]) - 0.03
            or suffix_similarity(text, e, suffix) >= 0.8
        )
    return False
