"""Code-point offsets (Python) to UTF-16 code-unit offsets (JavaScript, the W3C selectors in browsers)."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache


@lru_cache(maxsize=16)
def _astral_indices(text: str) -> tuple[int, ...]:
    # Only characters outside the BMP take two UTF-16 code units; everything else maps 1:1.
    return () if text.isascii() else tuple(m.start() for m in re.finditer("[\U00010000-\U0010ffff]", text))


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 code-unit offset (JavaScript's string index) of code-point index `index`."""
    if not 0 <= index <= len(text):
        raise ValueError(f"index {index} outside text of length {len(text)}")
    return index + bisect.bisect_left(_astral_indices(text), index)


def utf16_span(text: str, start: int, end: int) -> tuple[int, int]:
    return utf16_offset(text, start), utf16_offset(text, end)
