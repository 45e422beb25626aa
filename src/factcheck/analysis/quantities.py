"""Numbers, quantities, percentages, money and ordinals: the numeric spans of ``facts``.

Each ``*_candidates`` function yields ``(kind, start, end, value)`` with a normalised value.
"""

from __future__ import annotations

import re

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


_NUMBER_SPLIT = re.compile(r"[\s-]+")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_SPACES = re.compile(r"\s+")
_SECOND_AS_TIME = re.compile(r"(?:\b(?:a|per|one|split)|\d)\s*$", re.I)


def parse_number(text: str) -> float | None:
    """'80,000' → 80000, 'two' → 2, 'twenty-five' → 25, '2.5 billion' → 2.5e9, 'a dozen' → 12."""
    words = _NUMBER_SPLIT.split(text.lower().replace(",", "").strip())
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if w in ("a", "and", ""):
            continue
        if w in _COUNT_SCALE:
            current, seen = max(current, 1) * _COUNT_SCALE[w], True
        elif _DECIMAL.fullmatch(w):
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


# The same test as _MONEY_HINT for ASCII text (most sentences), without a case-insensitive regex.
_MONEY_WORDS = ("dollar", "euro", "rupee", "yuan", "sterling", "ruble", "rouble")
_MONEY_CODE = re.compile(r"\b(?:usd|eur|gbp|inr|pkr|rs|yen)\b")
_ASCII_DIGIT = re.compile(r"[0-9]")


def _mentions_money(text: str) -> bool:
    if not text.isascii():
        return _MONEY_HINT.search(text) is not None
    if "$" in text:
        return True
    lowered = text.lower()
    return any(word in lowered for word in _MONEY_WORDS) or _MONEY_CODE.search(lowered) is not None


def has_digit(text: str) -> bool:
    """Whether any character is a digit (str.isdigit), by one regex search for ASCII text."""
    if text.isascii():
        return _ASCII_DIGIT.search(text) is not None
    return any(c.isdigit() for c in text)


def money_candidates(text: str):
    if not _mentions_money(text):
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


def percent_candidates(text: str):
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


def lower_keep_offsets(text: str) -> str:
    """Lower-case with offsets kept (a few characters grow when lower-cased)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered


def quantity_candidates(text: str):
    for m in _QUANTITY.finditer(lower_keep_offsets(text)):
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
    base = _SPACES.sub(" ", unit).rstrip("s") if unit not in ("feet",) else "feet"
    base = {"centurie": "century"}.get(base, base)
    if base in _TIME_UNITS:
        return f"{cmp}{_fmt(n * _TIME_UNIT_FACTOR.get(base, 1))} {_TIME_UNITS[base]}"
    return f"{cmp}{_fmt(n)} {_MEASURES.get(base, base)}"


def ordinal_candidates(text: str):
    for m in _ORDINAL.finditer(lower_keep_offsets(text)):
        if m.group("n"):
            yield "ordinal", m.start(), m.end(), m.group("n")
            continue
        word = m.group("w").lower()
        if word == "second" and _SECOND_AS_TIME.search(text[:m.start()]):
            continue
        parts = word.split("-")
        value = _ORDINAL_WORDS[parts[-1]] + (_TENS[parts[0]] if len(parts) == 2 else 0)
        yield "ordinal", m.start(), m.end(), str(value)


ORDINAL_HINTS = frozenset(_ORDINAL_WORDS)
QUANTITY_HINTS = frozenset([*_UNITS, *_TENS, *_SCALES, *_COUNT_SCALE])
