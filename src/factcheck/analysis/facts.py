"""Fact extraction: the typed spans a checker verifies in a sentence, each with a normalised value.

Dates, times and years are found here; numbers and money in ``quantities``, names in ``entities``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from factcheck.analysis.entities import entity_candidates, gazetteer
from factcheck.analysis.quantities import (
    ORDINAL_HINTS,
    QUANTITY_HINTS,
    has_digit,
    lower_keep_offsets,
    money_candidates,
    ordinal_candidates,
    parse_number,
    percent_candidates,
    quantity_candidates,
)

__all__ = ["FACT_KINDS", "FactSpan", "extract_facts", "gazetteer", "parse_number"]

FACT_KINDS = (
    "date", "time", "year", "quantity", "percentage", "money", "ordinal", "number",
    "person", "place", "organization",
)


@dataclass(frozen=True, slots=True)
class FactSpan:
    kind: str
    text: str
    start: int
    end: int
    value: str | None

    def shifted(self, offset: int) -> FactSpan:
        return FactSpan(self.kind, self.text, self.start + offset, self.end + offset, self.value)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end,
                "value": self.value}


# --- dates and times -----------------------------------------------------------------------------

_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_MONTH_CONTEXT = (r"(?:[Ii]n|[Oo]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|[Ff]rom|[Dd]uring|[Ll]ast|[Tt]his|"
                  r"[Nn]ext|[Ee]arly|[Ll]ate|[Mm]id-?|[Oo]f|[Tt]hrough|[Bb]efore|[Aa]fter|[Ee]nd of)")

_DATE_PATTERNS = [
    ("mdy", re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?")),
    ("dmy", re.compile(rf"\b(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{_MONTH})(?:,?\s+(?P<y>{_YEAR})\b)?")),
    ("my", re.compile(rf"\b(?P<m>{_MONTH})(?:,)?\s+(?P<y>{_YEAR})\b")),
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    ("us", re.compile(r"\b(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/(?P<y>\d{4}|\d{2})\b")),
    ("m", re.compile(rf"\b(?P<ctx>{_MONTH_CONTEXT})\s+(?P<m>{_MONTH})\b(?!\s+\d)")),
    ("wd", re.compile(r"\b(?:(?P<rel>last|next|this|on|On|Last|Next|This)\s+)?"
                      r"(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("rel", re.compile(r"\b(?P<r>[Yy]esterday|[Tt]oday|[Tt]omorrow|(?:[Ll]ast|[Tt]his|[Nn]ext)\s+"
                       r"(?:week|month|year|spring|summer|fall|autumn|winter))\b")),
]
_DECADE = re.compile(r"\b(?:the\s+)?(?:(?P<c>1[6-9]|20)(?P<d>\d)0s|'(?P<s>\d)0s)\b")
_YEAR_RE = re.compile(rf"(?<![\d$£€.,])\b(?P<y>{_YEAR})\b(?![.,]\d|\s*%|\s*(?:percent|per cent)\b)")
_TIME_RE = re.compile(r"\b(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>[ap]\.?m\.?)(?![a-z])"
                      r"|\b(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)\b|\b(?P<word>noon|midnight)\b",
                      re.I)


def _resolve_month_day(month: int, day: int | None, year: int | None,
                       published_at: dt.date | None, rel: str | None = None) -> str:
    if year is None and published_at is not None:
        # The closest occurrence to the article's date: "March 8" in a March 20 article is that March.
        candidates = []
        for y in (published_at.year - 1, published_at.year, published_at.year + 1):
            try:
                candidates.append(dt.date(y, month, day or 15))
            except ValueError:
                continue
        if rel and rel.lower() == "next":
            candidates = [c for c in candidates if c > published_at] or candidates
        elif rel and rel.lower() == "last":
            candidates = [c for c in candidates if c < published_at] or candidates
        year = min(candidates, key=lambda c: abs((c - published_at).days)).year
    if year is None:
        return f"--{month:02d}-{day:02d}" if day else f"--{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}" if day else f"{year:04d}-{month:02d}"


_NON_DIGIT = re.compile(r"\D")
# Whether a sentence can hold a date at all: a month, "day", "last/this/next ", "tomorrow",
# "3/4" or "1990s". Substring tests first, then regexes that start with a literal (one regex
# alternating all of these scanned every position, and cost more than the date patterns).
_MONTH_OR_RELATIVE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|\b(?:[Ll]ast|[Tt]his|[Nn]ext) ")
_NUMERIC_DATE = re.compile(r"\d[-/]\d|\d0s\b")
_DAY_END = re.compile(r"day\b")


def _mentions_date(text: str) -> bool:
    return bool(("day" in text and _DAY_END.search(text))
                or "tomorrow" in text or "Tomorrow" in text
                or _MONTH_OR_RELATIVE.search(text) or _NUMERIC_DATE.search(text))


def _date_candidates(text: str, published_at: dt.date | None):
    if not _mentions_date(text):
        return
    for name, rx in _DATE_PATTERNS:
        for m in rx.finditer(text):
            g = m.groupdict()
            value: str | None = None
            kind = "date"
            if name in ("mdy", "dmy", "my", "iso", "us", "m"):
                raw_m = g["m"]
                month = int(raw_m) if raw_m.isdigit() else _MONTHS[raw_m.lower().rstrip(".")]
                day = int(_NON_DIGIT.sub("", g["d"])) if g.get("d") else None
                year = int(g["y"]) if g.get("y") else None
                if year is not None and year < 100:
                    year += 2000 if year < 50 else 1900
                if raw_m in ("May", "Mar", "Jun") and name == "m":
                    continue  # "May" alone is almost always the modal verb
                if day is not None and not 1 <= day <= 31:
                    continue
                value = _resolve_month_day(month, day, year, published_at, g.get("ctx"))
                if name == "m":
                    yield kind, m.start("m"), m.end(), value
                    continue
            elif name == "wd":
                if g["rel"] is None and not text[m.start():m.end()].istitle():
                    continue
                value = _resolve_weekday(g["w"], g["rel"], published_at)
                if g["rel"] and g["rel"].lower() == "on":
                    yield kind, m.start("w"), m.end(), value
                    continue
            elif name == "rel":
                kind, value = _resolve_relative(g["r"].lower(), published_at)
            yield kind, m.start(), m.end(), value
    for m in _DECADE.finditer(text):
        if m.group("s"):
            value = f"19{m.group('s')}0s"
        else:
            value = f"{m.group('c')}{m.group('d')}0s"
        yield "year", m.start(), m.end(), value


def _resolve_weekday(name: str, rel: str | None, published_at: dt.date | None) -> str | None:
    if published_at is None:
        return None
    target = _WEEKDAYS.index(name.lower())
    delta = (published_at.weekday() - target) % 7
    if rel and rel.lower() == "next":
        return (published_at + dt.timedelta(days=(target - published_at.weekday()) % 7 or 7)).isoformat()
    if rel and rel.lower() == "last" and delta == 0:
        delta = 7
    return (published_at - dt.timedelta(days=delta)).isoformat()


def _resolve_relative(rel: str, published_at: dt.date | None) -> tuple[str, str | None]:
    rel = " ".join(rel.split())
    if rel.endswith("year"):
        if published_at is None:
            return "year", None
        shift = {"last": -1, "this": 0, "next": 1}[rel.split()[0]]
        return "year", str(published_at.year + shift)
    if published_at is None:
        return "date", None
    day_shift = {"yesterday": -1, "today": 0, "tomorrow": 1}
    if rel in day_shift:
        return "date", (published_at + dt.timedelta(days=day_shift[rel])).isoformat()
    if rel.endswith("month"):
        shift = {"last": -1, "this": 0, "next": 1}[rel.split()[0]]
        month_index = published_at.year * 12 + published_at.month - 1 + shift
        return "date", f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"
    return "date", None


def _time_candidates(text: str):
    for m in _TIME_RE.finditer(text):
        if m.group("word"):
            value = "12:00" if m.group("word").lower() == "noon" else "00:00"
        elif m.group("h24") is not None:
            value = f"{int(m.group('h24')):02d}:{m.group('m24')}"
        else:
            hour = int(m.group("h")) % 12 + (12 if m.group("ap").lower().startswith("p") else 0)
            value = f"{hour:02d}:{m.group('mi') or '00'}"
        yield "time", m.start(), m.end(), value


_COUNT_NOUN_AFTER = re.compile(
    r"\s+(?!years?\b|was\b|has\b|is\b|as\b|this\b|its\b|his\b|elections?\b)[a-z]+s\b")


def _year_candidates(text: str):
    for m in _YEAR_RE.finditer(text):
        # "2000 people" is a count, not a year.
        after = text[m.end():m.end() + 12]
        if _COUNT_NOUN_AFTER.match(after):
            continue
        yield "year", m.start(), m.end(), m.group("y")


_WORD = re.compile(r"[a-z]+")


def extract_facts(text: str, *, published_at: dt.date | None = None) -> list[FactSpan]:
    """All typed spans in ``text``, non-overlapping, in order; offsets index ``text``."""
    taken = bytearray(len(text))  # 1 where an accepted span already lies
    facts: list[FactSpan] = []

    def accept(candidates) -> None:
        for kind, start, end, value in sorted(candidates, key=lambda c: (c[1], -(c[2] - c[1]))):
            if start < end and taken.find(1, start, end) < 0:
                taken[start:end] = b"\x01" * (end - start)
                facts.append(FactSpan(kind, text[start:end], start, end, value))

    # Cheap word-set checks first: most sentences need only a few of the extractors.
    digits = has_digit(text)
    words = set(_WORD.findall(lower_keep_offsets(text)))
    accept(money_candidates(text))
    accept(percent_candidates(text))
    accept(_date_candidates(text, published_at))
    if digits or "noon" in words or "midnight" in words:
        accept(_time_candidates(text))
    if digits:
        accept(_year_candidates(text))
    if digits or not words.isdisjoint(ORDINAL_HINTS):
        accept(ordinal_candidates(text))
    if digits or not words.isdisjoint(QUANTITY_HINTS):
        accept(quantity_candidates(text))
    accept(entity_candidates(text))
    facts.sort(key=lambda f: f.start)
    return facts
