"""Re-anchor claim quotes in a revised article text (W3C TextQuote + TextPosition selectors).

Tried in Hypothesis' order: the old position, the exact quote, a fuzzy quote with context; else orphan.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein

from factcheck.analysis.offsets import utf16_offset, utf16_span

__all__ = ["Anchor", "TextQuote", "locate", "quote_selector", "utf16_offset", "utf16_span"]

Method = Literal["position", "quote", "fuzzy"]

# Tuned on bench/reanchoring.py (see docs/reanchoring.md): no misplaced claim at these values.
DEFAULT_MIN_CONFIDENCE = 0.75
# A fuzzy match whose text is less similar than this to the quote is rejected whatever its context.
MIN_QUOTE_SIMILARITY = 0.75
# Fuzzy search looks this far around the old position before trying the whole text.
WINDOW = 2048
# A window match this similar to the quote, with this much context, is taken without searching the
# whole text: a twin elsewhere could not beat its context (see _doubtful).
GOOD_SIMILARITY = 0.9
GOOD_CONTEXT = 0.5
# A seed span less similar than this (0-100) to the quote is not refined.
SEED_SIMILARITY = 55
# Bound the work on pathological quotes ("the") in very long texts.
MAX_EXACT_HITS = 5000
MAX_SEED_HITS = 64
MAX_SEED_REGIONS = 6
# The old place of a quote is recognised by prefix and suffix each aligning this well (0-100),
# together at least HOME_TOTAL (one side may carry a typo or a changed word) ...
HOME_SCORE = 80
HOME_TOTAL = 175
# ... when each has at least this many non-blank characters.
HOME_CONTEXT = 12

_BOUNDARY = re.compile(r"\b|(?<=\s)(?=\S)|(?<=\S)(?=\s)")
_SEED_WORD = re.compile(r"\w{3,}")
_SENTENCE_START = re.compile(r"(?:\n|[.!?\u2026][\"'\u201d\u2019)\]]*\s)\s*\Z")
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\Z")


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
        if rewritten and (not self.args[0][lo:hi].strip() or not self.args[2]):
            # Cut out (the exact copy may be the same text, moved), or only the start of the text
            # vouches for the place: too little to refuse an exact copy.
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
    if len(exact) < 40 and (prefix or suffix) and _context(text, start, start + len(exact), prefix, suffix) < 0.5:
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
    scored = [(_context(text, h, h + len(exact), prefix, suffix), h) for h in hits]
    ctx, best = max(scored, key=lambda s: s[0] + 0.1 * _proximity(s[1], start))
    # A copy with little of its context while the quote's own place now holds other words: the
    # claim was rewritten there and the copy is a twin (a pull quote). Let the fuzzy step decide.
    if ctx < 0.5 and home.elsewhere(best, best + len(exact), rewritten=True):
        return None
    strength = min(1.0, len(exact) / 40) if len(hits) == 1 else 0.0
    confidence = 0.75 + 0.25 * max(ctx, strength)
    return Anchor(best, best + len(exact), "quote", round(confidence, 4), False)


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    similarity: float
    context: float
    confidence: float


def _by_fuzzy(
    text: str, exact: str, prefix: str, suffix: str, start: int | None, end: int | None, home: _Home
) -> Anchor | None:
    matches: list[_Match] = []
    if start is not None:
        stop = end if end is not None else start
        matches += _align(text, (max(0, start - WINDOW), min(len(text), stop + len(exact) + WINDOW)),
                          exact, prefix, suffix, start)
    if not any(_clearly_good(m) for m in matches):
        for region in _seed_regions(text, exact):
            matches += _align(text, region, exact, prefix, suffix, start)
    matches = [m for m in matches if m.similarity >= MIN_QUOTE_SIMILARITY]
    if not matches:
        return None
    best = max(matches, key=lambda m: m.confidence)
    if _doubtful(text, best, matches, exact, prefix, suffix) or home.elsewhere(best.start, best.end):
        return None
    changed = text[best.start : best.end] != exact
    return Anchor(best.start, best.end, "fuzzy", best.confidence, changed)


def _clearly_good(match: _Match) -> bool:
    return match.similarity >= GOOD_SIMILARITY and match.context >= GOOD_CONTEXT


def _doubtful(text: str, best: _Match, matches: list[_Match], exact: str, prefix: str, suffix: str) -> bool:
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

    Either the span reads like the old context more than the quote does, or the old prefix now runs
    straight into the old suffix at the span: the quote was cut out there.
    """
    head, tail = suffix.lstrip()[:24], prefix.rstrip()[-24:]
    if len(head) >= 12:
        here = Indel.normalized_similarity(head, text[s : s + len(head)])
        if here >= 0.95 and (
            here > Indel.normalized_similarity(head, exact[: len(head)]) + 0.03
            or _prefix_similarity(text, s, prefix) >= 0.8
        ):
            return True
    if len(tail) >= 12:
        here = Indel.normalized_similarity(tail, text[max(s, e - len(tail)) : e])
        return here >= 0.95 and (
            here > Indel.normalized_similarity(tail, exact[-len(tail) :]) + 0.03
            or _suffix_similarity(text, e, suffix) >= 0.8
        )
    return False


def _align(
    text: str, region: tuple[int, int], exact: str, prefix: str, suffix: str, start: int | None
) -> list[_Match]:
    """Placements in the region: the quote aligned alone, or aligned with its context."""
    a, b = region
    window = text[a:b]
    seeds = []
    hit = fuzz.partial_ratio_alignment(exact, window, score_cutoff=MIN_QUOTE_SIMILARITY * 90)
    if hit is not None:
        seeds.append((a + hit.dest_start, a + hit.dest_end))
    if prefix or suffix:
        # Among near-duplicate sentences the one that sits in the old context is the claim.
        hit = fuzz.partial_ratio_alignment(prefix + exact + suffix, window)
        s0 = a + hit.dest_start + len(prefix) - hit.src_start
        seeds.append((max(a, s0), min(b, s0 + len(exact))))
    # Refining costs most of the time: skip a seed whose text is far from the quote (the context
    # alignment always lands somewhere, usually on unrelated text when the quote is gone).
    return [_score(text, *_refine(text, exact, prefix, suffix, s0, e0), exact, prefix, suffix, start)
            for s0, e0 in dict.fromkeys(seeds)
            if s0 < e0 and fuzz.ratio(exact, text[s0:e0], score_cutoff=SEED_SIMILARITY)]


def _score(text: str, s: int, e: int, exact: str, prefix: str, suffix: str, start: int | None) -> _Match:
    similarity = Indel.normalized_similarity(exact, text[s:e])
    ctx = _context(text, s, e, prefix, suffix)
    confidence = 0.7 * similarity + 0.2 * ctx + 0.1 * _proximity(s, start)
    return _Match(s, e, similarity, ctx, round(confidence, 4))


def _refine(text: str, exact: str, prefix: str, suffix: str, s: int, e: int) -> tuple[int, int]:
    """Move both ends to word boundaries, maximising quote and context similarity."""
    # The alignment window is len(exact) long, so an inserted or dropped word shifts an end by its length.
    reach = max(32, len(exact) // 3)
    lo, hi = s - reach, e + reach
    if "\n" not in exact:  # a one-line quote never grows into the next paragraph
        mid = (s + e) // 2
        lo, hi = max(lo, text.rfind("\n", 0, mid) + 1), min(hi, _find(text, "\n", mid))
        s, e = max(s, lo), min(e, hi)
    starts = _boundaries(text, max(lo, s - reach), min(hi, s + reach)) | {s}
    ends = _boundaries(text, max(lo, e - reach), min(hi, e + reach)) | {e}
    start_kind, end_kind = _start_kind(prefix, exact), _end_kind(exact, suffix)
    # Context and boundary kind depend on one end only: score them once per candidate.
    weight = 0.5 / ((prefix != "") + (suffix != "") or 1)
    head = {i: weight * _prefix_similarity(text, i, prefix) + _kind_bonus(_start_kind_at(text, i), start_kind)
            for i in starts}
    tail = {j: weight * _suffix_similarity(text, j, suffix) + _kind_bonus(_end_kind_at(text, j), end_kind)
            for j in ends}

    def score(i: int, j: int) -> float:
        # Levenshtein, not Indel: a changed quote mark then costs as much as dropping it.
        return Levenshtein.normalized_similarity(exact, text[i:j]) + head[i] + tail[j]

    for _ in range(2):
        s = max((i for i in starts if i < e), key=lambda i: (score(i, e), -abs(i - s)), default=s)
        e = max((j for j in ends if j > s), key=lambda j: (score(s, j), -abs(j - e)), default=e)
    return s, e


def _find(text: str, sub: str, start: int) -> int:
    i = text.find(sub, start)
    return len(text) if i == -1 else i


def _boundaries(text: str, lo: int, hi: int) -> set[int]:
    lo, hi = max(0, lo), min(len(text), hi)
    edges = {i for i in (0, len(text)) if lo <= i <= hi}  # the regex sees no boundary after a final "."
    # Search one character past hi so that the cut-off end of the slice is not taken for a boundary.
    return {m.start() for m in _BOUNDARY.finditer(text, lo, hi + 1) if m.start() <= hi} | edges


def _kind_bonus(kind: str, wanted: str) -> float:
    # A claim that was a whole sentence should stay one, even when a clause was added at its end.
    return 0.0 if kind != wanted else 0.25 if kind == "sentence" else 0.05


def _char_class(c: str) -> str:
    return "" if not c else "s" if c.isspace() else "w" if c.isalnum() or c == "_" else "p"


def _start_kind(prefix: str, exact: str) -> str:
    if not prefix or _SENTENCE_START.search(prefix):
        return "sentence"
    return _char_class(prefix[-1:]) + _char_class(exact[:1])


def _start_kind_at(text: str, i: int) -> str:
    return _start_kind(text[max(0, i - 8) : i], text[i : i + 1])


def _end_kind(exact: str, suffix: str) -> str:
    if _SENTENCE_END.search(exact) and (not suffix or suffix[0].isspace()):
        return "sentence"
    return _char_class(exact[-1:]) + _char_class(suffix[:1])


def _end_kind_at(text: str, j: int) -> str:
    return _end_kind(text[max(0, j - 8) : j], text[j : j + 1])


def _seed_regions(text: str, exact: str) -> list[tuple[int, int]]:
    """Regions of the whole text where several of the quote's words sit at the expected offsets."""
    bucket = max(64, len(exact) // 2)
    votes: Counter[int] = Counter()
    words = {m.group(): m.start() for m in _SEED_WORD.finditer(exact)}
    for word, offset in words.items():
        found: set[int] = set()
        i = text.find(word)
        while i != -1 and len(found) <= MAX_SEED_HITS:
            found.add((i - offset) // bucket)
            i = text.find(word, i + 1)
        if len(found) <= MAX_SEED_HITS:  # a very common word says nothing about where the quote is
            votes.update(found)
    need = max(2, len(words) // 4)
    merged = Counter({k: votes[k - 1] + votes[k] + votes[k + 1] for k in votes})
    regions = []
    for k, count in merged.most_common(MAX_SEED_REGIONS):
        if count < need:
            break
        lo = max(0, k * bucket - len(exact) // 2 - 64)
        hi = min(len(text), (k + 1) * bucket + len(exact) + len(exact) // 2 + 64)
        regions.append((lo, hi))
    return regions


def _context(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """How well the text around a span agrees with the quote's prefix and suffix (0..1)."""
    scores = [_prefix_similarity(text, start, prefix)] if prefix else []
    if suffix:
        scores.append(_suffix_similarity(text, end, suffix))
    return sum(scores) / len(scores) if scores else 0.0


def _prefix_similarity(text: str, start: int, prefix: str) -> float:
    return _sharp(Indel.normalized_similarity(prefix, text[max(0, start - len(prefix)) : start])) if prefix else 0.0


def _suffix_similarity(text: str, end: int, suffix: str) -> float:
    return _sharp(Indel.normalized_similarity(suffix, text[end : end + len(suffix)])) if suffix else 0.0


def _sharp(similarity: float) -> float:
    # Unrelated English snippets share letters and score ~0.4 on Indel similarity; map that to 0.
    return max(0.0, (similarity - 0.4) / 0.6)


def _proximity(index: int, start: int | None) -> float:
    return 0.5 if start is None else 1.0 / (1.0 + abs(index - start) / 2000)
