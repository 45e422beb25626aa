"""Diff two revisions of an article for display: sentences first, then words inside changed sentences.

The chunks concatenate back to both texts exactly; the caller escapes them when it renders HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["equal", "insert", "delete", "replace"]

# A sentence keeps the whitespace after it, so that segments tile the text with no gaps.
_SENTENCE = re.compile(r"[^\n.!?\u2026]*(?:[.!?\u2026]+[\"'\u201d\u2019)\]]*|\n|$)\s*", re.S)
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.S)
# Word-level diffs of larger blocks cost too much and read as confetti anyway.
MAX_WORD_TOKENS = 3000
# Below this similarity a rewritten block is shown as one replacement, not word by word.
MIN_WORD_DIFF_RATIO = 0.4


@dataclass(frozen=True)
class DiffChunk:
    op: Op
    old_text: str
    new_text: str


def diff_revisions(old: str, new: str) -> list[DiffChunk]:
    old_sents, new_sents = _sentences(old), _sentences(new)
    chunks: list[DiffChunk] = []
    for tag, i1, i2, j1, j2 in _opcodes(old_sents, new_sents):
        a, b = "".join(old_sents[i1:i2]), "".join(new_sents[j1:j2])
        # Sentences compare without their trailing whitespace, so an "equal" block may differ there.
        chunks.extend([DiffChunk("equal", a, b)] if a == b else _word_diff(a, b))
    return _merge(chunks)


def changed_spans(old: str, new: str) -> list[tuple[int, int]]:
    """Spans of `new` holding inserted or changed sentences (trailing whitespace excluded)."""
    old_sents, new_sents = _sentences(old), _sentences(new)
    starts = [0]
    for sent in new_sents:
        starts.append(starts[-1] + len(sent))
    spans: list[tuple[int, int]] = []
    for tag, _i1, _i2, j1, j2 in _opcodes(old_sents, new_sents):
        if tag in ("insert", "replace") and j1 < j2:
            start, end = starts[j1], starts[j2]
            end = start + len(new[start:end].rstrip())
            if end > start:
                spans.append((start, end))
    return spans


def _sentences(text: str) -> list[str]:
    return [m.group() for m in _SENTENCE.finditer(text) if m.group()]


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    # A paragraph added after the last sentence changes only the whitespace that follows it.
    return SequenceMatcher(None, [s.rstrip() for s in a], [s.rstrip() for s in b], autojunk=False).get_opcodes()


def _word_diff(old: str, new: str) -> list[DiffChunk]:
    if not old or not new:
        return [DiffChunk("insert" if new else "delete", old, new)]
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(a) > MAX_WORD_TOKENS or len(b) > MAX_WORD_TOKENS:
        return [DiffChunk("replace", old, new)]
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < MIN_WORD_DIFF_RATIO:
        return [DiffChunk("replace", old, new)]
    return [DiffChunk(tag, "".join(a[i1:i2]), "".join(b[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


def _merge(chunks: list[DiffChunk]) -> list[DiffChunk]:
    """Join neighbouring changes, swallowing whitespace-only equal runs between them."""
    merged: list[DiffChunk] = []
    for i, chunk in enumerate(chunks):
        between_changes = (
            chunk.op == "equal" and not chunk.old_text.strip() and 0 < i < len(chunks) - 1
            and chunks[i + 1].op != "equal" and merged and merged[-1].op != "equal"
        )
        op = "replace" if between_changes else chunk.op
        if merged and op != "equal" and merged[-1].op != "equal":
            prev = merged.pop()
            old_text, new_text = prev.old_text + chunk.old_text, prev.new_text + chunk.new_text
            op = "replace" if old_text and new_text else "insert" if new_text else "delete"
            merged.append(DiffChunk(op, old_text, new_text))
        elif merged and op == "equal" and merged[-1].op == "equal":
            prev = merged.pop()
            merged.append(DiffChunk("equal", prev.old_text + chunk.old_text, prev.new_text + chunk.new_text))
        elif chunk.old_text or chunk.new_text:
            merged.append(DiffChunk(op, chunk.old_text, chunk.new_text) if op != chunk.op else chunk)
    return merged
