"""Split news text into sentences, as exact character spans over the input as given.

pySBD segments one paragraph (or line block) at a time; the rules below fix what news copy needs.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache

import pysbd

from factcheck.analysis.sentence_ends import AMBIGUOUS, CLEAR_END, is_clear_end, never_ends


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    start: int
    end: int  # exclusive


# Each rule can be switched off by name so bench/segmentation.py can show what it is worth.
RULES: frozenset[str] = frozenset(
    {"lines", "quotes", "initialisms", "times", "lists", "lowercase", "brackets"}
)

_BLANK_LINE = re.compile(r"\n\s*\n")
_NEWLINE = re.compile(r"\r\n|\r|\n")
# pySBD slows down super-linearly on long inputs, so longer blocks are cut at safe boundaries.
_MAX_BLOCK = 1500
_SAFE_CUT = re.compile(r"(?<=[a-z]{3}[.!?])\s+(?=[A-Z])")
_TERMINAL_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_LINE_START = re.compile(r"[A-Z0-9\"“‘'(\[•*–—-]")
_BULLET = re.compile(r"(?:[•*–—-]|\d{1,3}[.)]|[a-z][.)])\s")
_QUOTED = re.compile(r"\"([^\"]{12,})\"|“([^”]{12,})”")
_INNER_TERMINAL = re.compile(r"[.!?]\s")
_CURLY_QUOTE_END = re.compile(r"[.!?]’\s+(?=[A-Z“\"])")
_CLOSERS = re.compile(r"[\"”’')\]»]+(?=\s|$)")
_LEADING_PUNCT = re.compile(r"[:;,]")
# "U.S. officials" must stay joined, "Washington D.C. The team" must not.
_INITIALISM_END = re.compile(
    r"\b(?:[A-Z]\.){2,}\s+(?=(?:The|A|An|He|She|It|They|We|I|You|This|That|These|Those|There"
    r"|His|Her|Its|Their|Our|But|And|However|Meanwhile|In|On|At|When|While|If|After|Before)\b)"
)
_TIME_END = re.compile(r"\b\d{1,2}(?::\d\d)?\s*[ap]\.m\.$", re.IGNORECASE)
_TIME_FOLLOWER = re.compile(
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:[ECMP][SD]T|[ECMP]T|GMT|UTC|BST|CES?T)\b"
)
# "At 5 a.m." alone has no verb: it introduces the next clause rather than ending a sentence.
_TIME_ONLY = re.compile(
    r"(?:at|by|before|after|until|from|around|about|since)\s+\d{1,2}(?::\d\d)?\s*[ap]\.m\.",
    re.IGNORECASE,
)
_PAREN_LIST_MARKER = re.compile(r"\(?(?:\d{1,2}|[a-z])\.?\)\s")
_LETTER_LIST_MARKER = re.compile(r"[a-z][.)]\s")
_LOWER_WORD = re.compile(r"[a-z]+(?![A-Za-z])")
_BRACKET_ELLIPSIS = re.compile(r"\[(?:\.\s?){3}\]\s+(?=[A-Z\"“])")



@lru_cache(maxsize=1)
def _pysbd() -> pysbd.Segmenter:
    # One segmenter per process: building it compiles many regexes.
    # char_span=False because pySBD's own spans go wrong on repeated sentences; we align ourselves.
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def segment(text: str) -> list[SentenceSpan]:
    """Sentences of `text` in order; never crossing a blank line; offsets into `text` itself."""
    return _segment(text, RULES)


def _segment(text: str, rules: Collection[str]) -> list[SentenceSpan]:
    spans: list[SentenceSpan] = []
    for start, end in _paragraphs(text):
        for block_start, block_end in _blocks(text, start, end, rules):
            starts = _boundaries(text, block_start, block_end, rules)
            spans.extend(_spans(text, [block_start, *starts, block_end]))
    return spans


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _BLANK_LINE.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _blocks(text: str, start: int, end: int, rules: Collection[str]) -> Iterator[tuple[int, int]]:
    """Cut a paragraph at unwrapped line breaks (headlines, datelines) and to a bounded length."""
    cuts = [start, *(_line_breaks(text, start, end) if "lines" in rules else []), end]
    for block_start, block_end in zip(cuts, cuts[1:]):
        while block_end - block_start > _MAX_BLOCK:
            cut = _safe_cut(text, block_start, block_start + _MAX_BLOCK)
            yield block_start, cut
            block_start = cut
        yield block_start, block_end


def _safe_cut(text: str, start: int, limit: int) -> int:
    last = None
    for last in _SAFE_CUT.finditer(text, start + _MAX_BLOCK // 2, limit):
        pass
    if last is not None:
        return last.end()
    space = max(text.rfind(" ", start + 1, limit), text.rfind("\n", start + 1, limit))
    return space if space > start else limit


def _line_breaks(text: str, start: int, end: int) -> list[int]:
    """Offsets after single newlines that end a line rather than wrap it.

    A line ends (rather than wraps) when the next line's first word would have fitted on it, and
    it ends with terminal punctuation or the next line starts like a sentence or list item.
    Wrapped lines are left for pySBD to read through as if the newline were a space.
    """
    newlines = [m.end() for m in _NEWLINE.finditer(text, start, end)]
    if not newlines:
        return []
    bounds = [start, *newlines, end]
    lines = [text[a:b].rstrip() for a, b in zip(bounds, bounds[1:])]
    longest = max(len(line) for line in lines)
    width = longest if longest >= 50 else None  # short lines are lists or headings, not wrapping
    cuts = []
    for i, offset in enumerate(newlines):
        previous, following = lines[i], lines[i + 1].lstrip()
        if not previous.strip() or not following:
            continue
        if width is not None and len(previous) + 1 + len(following.split()[0]) > width:
            continue  # the next word would not have fitted: a wrapped line
        starts_like_sentence = _BULLET.match(following) or _LINE_START.match(following)
        if starts_like_sentence or _TERMINAL_END.search(previous):
            cuts.append(offset)
    return cuts


def _boundaries(text: str, start: int, end: int, rules: Collection[str]) -> list[int]:
    """Sentence start offsets strictly inside the block."""
    block = text[start:end]
    if "lines" in rules:
        # Line breaks were judged above; what remains are wrapped lines for pySBD to read through.
        block = _NEWLINE.sub(lambda m: " " * len(m.group()), block)
    starts = set(_pysbd_starts(block, start, closers_ok="quotes" in rules))
    if "quotes" in rules:
        starts |= set(_quote_starts(block, start, sorted(starts)))
    if "initialisms" in rules:
        starts |= {start + m.end() for m in _INITIALISM_END.finditer(block)}
    if "brackets" in rules:
        starts |= {start + m.end() for m in _BRACKET_ELLIPSIS.finditer(block)}
    return _refine(text, start, end, sorted(b for b in starts if start < b < end), rules)


def _pysbd_starts(block: str, offset: int, closers_ok: bool) -> list[int]:
    """Sentence starts inside `block` (after the first): clear ends directly, the rest by pySBD.

    pySBD costs a few milliseconds per call whatever the length, so pieces whose only terminal
    mark is their last character (most news sentences) never reach it.
    """
    starts: list[int] = []
    piece_start = 0
    for match in CLEAR_END.finditer(block):
        if not is_clear_end(block, match, closers_ok):
            continue
        cut = match.start("opener")  # at the capital, or at the quote or bracket opening it
        starts += _piece_starts(block, piece_start, match.end("mark"), offset)
        starts.append(offset + cut)
        piece_start = cut
    starts += _piece_starts(block, piece_start, len(block), offset)
    return starts


def _piece_starts(block: str, start: int, end: int, offset: int) -> list[int]:
    piece = block[start:end]
    body = piece.rstrip().rstrip("\"'”’»)]").rstrip(".!?…")
    if all(never_ends(body, m) for m in AMBIGUOUS.finditer(body)):
        return []
    return _pysbd_only_starts(piece, offset + start)


def _pysbd_only_starts(block: str, offset: int) -> list[int]:
    """Where pySBD's 2nd, 3rd, ... sentences start, aligned to `block` by forward search."""
    try:
        sentences = _pysbd().segment(block)
    except Exception:  # pySBD has crashed on odd input before; one sentence is a safe answer
        return []
    starts, cursor = [], 0
    for sentence in sentences:
        stripped = sentence.strip()
        if not stripped:
            continue
        # Bounded window keeps this linear; repeated sentences are found in order.
        found = block.find(stripped, cursor, cursor + len(sentence) + 16 + len(stripped))
        if found < 0:
            found = _skip_nonspace(block, cursor, 0)
            cursor = _skip_nonspace(block, found, _nonspace_len(stripped))
        else:
            cursor = found + len(stripped)
        starts.append(offset + found)
    return starts[1:]


def _nonspace_len(s: str) -> int:
    return sum(1 for ch in s if not ch.isspace())


def _skip_nonspace(block: str, cursor: int, count: int) -> int:
    """Fallback when pySBD altered the text: advance over `count` non-space characters."""
    while cursor < len(block) and block[cursor].isspace():
        cursor += 1
    while count > 0 and cursor < len(block):
        if not block[cursor].isspace():
            count -= 1
        cursor += 1
    return cursor


def _quote_starts(block: str, offset: int, starts: list[int]) -> Iterator[int]:
    """pySBD never splits inside quotation marks; long quotes of several sentences need it."""
    for match in _QUOTED.finditer(block):
        inner_start = match.start() + 1
        inner = block[inner_start : match.end() - 1]
        if _INNER_TERMINAL.search(inner):
            yield from _pysbd_starts(inner, offset + inner_start, closers_ok=True)
    for match in _CURLY_QUOTE_END.finditer(block):
        yield offset + match.end()


def _refine(
    text: str, start: int, end: int, starts: list[int], rules: Collection[str]
) -> list[int]:
    """Drop or move boundaries that pySBD places where news text has none."""
    kept: list[int] = []
    for b in starts:
        previous_start = kept[-1] if kept else start
        if "quotes" in rules:
            b = _after_closers(text, b, end)
            if b >= end or b <= previous_start:
                continue
        if not _keep(text, previous_start, b, rules):
            continue
        kept.append(b)
    return kept


def _after_closers(text: str, b: int, end: int) -> int:
    # A "sentence" that opens with a closing quote belongs to the one before it.
    closers = _CLOSERS.match(text, b, end)
    if closers is None:
        return b
    b = closers.end()
    while b < end and text[b].isspace():
        b += 1
    return b


def _keep(text: str, previous_start: int, b: int, rules: Collection[str]) -> bool:
    previous = text[previous_start:b].rstrip()
    following = text[b : b + 40]
    if not previous:
        return False
    if _LEADING_PUNCT.match(following) and "quotes" in rules:
        return False
    if "times" in rules and _TIME_END.search(previous):
        if _TIME_FOLLOWER.match(following) or _TIME_ONLY.fullmatch(previous.lstrip()):
            return False
    if "lists" in rules and _PAREN_LIST_MARKER.match(following):
        # "You either 1) ... or 2) ..." is one sentence; a list of "1) ... 2) ..." is not.
        if previous[-1] not in ".!?" and not _PAREN_LIST_MARKER.match(previous + " "):
            return False
    if "lowercase" in rules and previous[-1] == "." and _starts_lowercase_word(following):
        return bool(_LETTER_LIST_MARKER.match(following))
    return True


def _starts_lowercase_word(s: str) -> bool:
    # "iPhone" or "eBay" may start a sentence; "studies" after "M.Sc." does not.
    return _LOWER_WORD.match(s) is not None


def _spans(text: str, cuts: list[int]) -> Iterator[SentenceSpan]:
    for a, b in zip(cuts, cuts[1:]):
        chunk = text[a:b]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            yield SentenceSpan(a + lead, a + lead + len(stripped))
