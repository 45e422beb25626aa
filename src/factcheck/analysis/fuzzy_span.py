"""Fuzzy placement of a quote in a region of text: alignment seeds, word-boundary refinement, scores.

Used by anchoring.locate() for quotes that are no longer in the text verbatim.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein

# A fuzzy match whose text is less similar than this to the quote is rejected whatever its context.
MIN_QUOTE_SIMILARITY = 0.75
# A seed span less similar than this (0-100) to the quote is not refined.
SEED_SIMILARITY = 55
# Bound the whole-text search: a word with more hits says nothing; at most this many regions.
MAX_SEED_HITS = 64
MAX_SEED_REGIONS = 6

_BOUNDARY = re.compile(r"\b|(?<=\s)(?=\S)|(?<=\S)(?=\s)")
_SEED_WORD = re.compile(r"\w{3,}")
_SENTENCE_START = re.compile(r"(?:\n|[.!?\u2026][\"'\u201d\u2019)\]]*\s)\s*\Z")
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\Z")


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    similarity: float
    context: float
    confidence: float


def align(
    text: str, region: tuple[int, int], exact: str, prefix: str, suffix: str, start: int | None
) -> list[Match]:
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


def _score(text: str, s: int, e: int, exact: str, prefix: str, suffix: str, start: int | None) -> Match:
    similarity = Indel.normalized_similarity(exact, text[s:e])
    ctx = context_similarity(text, s, e, prefix, suffix)
    confidence = 0.7 * similarity + 0.2 * ctx + 0.1 * proximity(s, start)
    return Match(s, e, similarity, ctx, round(confidence, 4))


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
    head = {i: weight * prefix_similarity(text, i, prefix) + _kind_bonus(_start_kind_at(text, i), start_kind)
            for i in starts}
    tail = {j: weight * suffix_similarity(text, j, suffix) + _kind_bonus(_end_kind_at(text, j), end_kind)
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


def seed_regions(text: str, exact: str) -> list[tuple[int, int]]:
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


def context_similarity(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """How well the text around a span agrees with the quote's prefix and suffix (0..1)."""
    scores = [prefix_similarity(text, start, prefix)] if prefix else []
    if suffix:
        scores.append(suffix_similarity(text, end, suffix))
    return sum(scores) / len(scores) if scores else 0.0


def prefix_similarity(text: str, start: int, prefix: str) -> float:
    return _sharp(Indel.normalized_similarity(prefix, text[max(0, start - len(prefix)) : start])) if prefix else 0.0


def suffix_similarity(text: str, end: int, suffix: str) -> float:
    return _sharp(Indel.normalized_similarity(suffix, text[end : end + len(suffix)])) if suffix else 0.0


def _sharp(similarity: float) -> float:
    # Unrelated English snippets share letters and score ~0.4 on Indel similarity; map that to 0.
    return max(0.0, (similarity - 0.4) / 0.6)


def proximity(index: int, start: int | None) -> float:
    return 0.5 if start is None else 1.0 / (1.0 + abs(index - start) / 2000)
