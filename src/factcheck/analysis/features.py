"""Rule features of one sentence: the facts in it plus claim and non-claim markers.

Each feature keeps the text that fired it, so a scorer can say *why* a sentence scored as it did.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from factcheck.analysis.facts import FactSpan, extract_facts
from factcheck.analysis.quantities import has_digit

CLAIM_KINDS = ("date", "quantity", "attribution", "event", "comparison", "causal", "prediction", "law")


class _Phrases:
    """Marker phrases (regex fragments) matched against the lower-cased sentence, as one regex."""

    def __init__(self, *phrases: str) -> None:
        self.rx = re.compile(r"\b(?:" + "|".join(phrases) + r")\b")

    def search(self, lowered: str) -> re.Match[str] | None:
        return self.rx.search(lowered)


_rx = _Phrases


# Positive markers: each names a claim kind.
_KIND_MARKERS: dict[str, _Phrases] = {
    "attribution": _rx(
        r"according to", r"said", r"says", r"told", r"stated", r"announced", r"reported",
        r"claimed", r"confirmed", r"testified", r"wrote", r"tweeted", r"in a statement",
        r"(?:addressed|gave|held) a (?:press )?(?:briefing|conference)", r"spokes(?:person|man|woman)",
        r"a report by", r"data from", r"figures from", r"statistics from", r"survey", r"poll",
        r"study", r"census", r"accused of", r"alleged", r"allegations?"),
    "event": _rx(
        r"killed", r"killing", r"attack(?:s|ed)?", r"arrest(?:ed|s)?", r"conducted", r"held talks",
        r"raids?", r"bomb(?:ing|ings|ed|er)?", r"addressed a briefing", r"explosions?", r"died",
        r"invaded", r"invasion", r"launched", r"elected", r"resigned", r"fired", r"visited",
        r"voted(?: for| against)?", r"shooting", r"crashed", r"captured", r"seized", r"executed",
        r"injured", r"wounded", r"kidnapped", r"deployed", r"withdrew", r"took (?:power|office)",
        r"suicide", r"massacre", r"assassinated", r"strikes?", r"protests?", r"targeted",
        r"met with", r"signed", r"appointed", r"cut", r"closed", r"created", r"built", r"lost",
        r"won", r"vetoed", r"opposed", r"supported", r"sent", r"spent", r"paid", r"raised",
        r"crackdown", r"crack down", r"stepped up"),
    "comparison": _rx(
        r"more than", r"less than", r"fewer than", r"higher", r"lower", r"highest", r"lowest",
        r"largest", r"biggest", r"smallest", r"fastest", r"worst", r"best", r"risen", r"rose",
        r"rising", r"increased?", r"increasing", r"decreased?", r"declined?", r"fell", r"dropped",
        r"doubled", r"tripled", r"halved", r"grew", r"grown", r"surged", r"soared", r"plunged",
        r"compared (?:with|to)", r"than ever", r"record", r"up from", r"down from", r"times as",
        r"the most", r"the least", r"growing", r"upsurge", r"stepped up", r"first time"),
    "causal": _rx(
        r"due to", r"because(?: of)?", r"led to", r"leads to", r"caused", r"causes", r"resulted in",
        r"as a result", r"thanks to", r"contributed to", r"prompted(?: by)?", r"triggered",
        r"driven by", r"owing to", r"responsible for", r"blamed"),
    "prediction": _rx(
        r"will", r"won't", r"expected to", r"projected", r"forecasts?", r"predicted",
        r"is set to", r"are set to", r"going to", r"on track to", r"by 20\d\d"),
    "law": _rx(
        r"laws?", r"bills?", r"illegal", r"illegally", r"unlawful", r"signed", r"legislation",
        r"statute", r"regulations?", r"bann?ed", r"bans?", r"court", r"ruled",
        r"ruling", r"constitution(?:al)?", r"unconstitutional", r"veto(?:ed)?", r"treaty",
        r"sanctions?", r"mandate", r"tax(?:es)?", r"tariffs?", r"amendment", r"executive order",
        r"legal(?:ly)?", r"prohibit(?:ed|s)?"),
}

# Negative markers: opinion, hedging, first person, evaluation, questions, biography, address.
_NEGATIVE_MARKERS: dict[str, _Phrases | re.Pattern[str]] = {
    "opinion": _rx(
        r"needs? to", r"must", r"should(?:n't)?", r"ought to", r"have to", r"has to",
        r"(?:is|are) (?:essential|crucial|vital|critical|important|imperative|necessary)",
        r"it'?s time", r"let'?s", r"let us", r"we'?ve got to", r"deserves?", r"real need",
        r"(?:is|are) (?:key|the answer)", r"best to", r"common threat"),
    "hedging": _rx(
        r"may", r"might", r"could", r"perhaps", r"possibly", r"probably", r"likely",
        r"seems?", r"appears? to", r"suggests?", r"arguably", r"maybe", r"can be", r"can ensure",
        r"can prevent"),
    # Case-sensitive: "I" is first person, the "i" in "Tehrik-i-Taliban" is not.
    "first_person": re.compile(
        r"\b(?:I think|I believe|I feel|I hope|I want|I'm|I am|I'll|I've|I would|"
        r"[Ii]n my (?:view|opinion)|[Ww]e (?:believe|think|need|want|will|can|should)|[Mm]y|me|I)\b"
        r"(?!-)"),
    "evaluative": _rx(
        r"undoubtedly", r"clearly", r"obviously", r"certainly", r"of course", r"surely", r"truly",
        r"great", r"terrible", r"wonderful", r"horrible", r"disaster", r"ridiculous", r"draconian",
        r"medieval", r"fraught", r"honest", r"effective(?:ly)?", r"strong", r"best", r"complex",
        r"ineffective", r"wrong", r"right thing", r"shameful", r"outrageous", r"amazing"),
    "bio": _rx(
        r"is an? (?:author|writer|journalist|columnist|student|researcher|analyst|contributor|"
        r"freelance \w+|independent \w+)", r"is pursuing", r"(?:his|her|their) research",
        r"(?:has|have) a (?:profound|keen|deep|strong) interest", r"academic", r"degree in",
        r"can be reached", r"follow (?:him|her|them) on", r"is the author of", r"bachelor'?s",
        r"master'?s degree", r"graduated from", r"(?:his|her) (?:work|writing) has appeared"),
    "address": _rx(
        r"thank you", r"thanks", r"good evening", r"good morning", r"welcome", r"ladies and gentlemen",
        r"let me", r"you know", r"excuse me", r"go ahead", r"(?:mr|madam)\. (?:president|speaker)",
        r"applause", r"laughter", r"crosstalk"),
}

FACT_FEATURES = tuple(f"fact:{k}" for k in (
    "date", "time", "year", "quantity", "percentage", "money", "ordinal", "number",
    "person", "place", "organization"))
KIND_FEATURES = tuple(f"kind:{k}" for k in _KIND_MARKERS)
NEGATIVE_FEATURES = tuple(f"not:{k}" for k in (*_NEGATIVE_MARKERS, "question"))
SHAPE_FEATURES = ("shape:short", "shape:long", "shape:digit")
RULE_FEATURES: tuple[str, ...] = FACT_FEATURES + KIND_FEATURES + NEGATIVE_FEATURES + SHAPE_FEATURES

_FACT_LABEL = {"date": "date", "time": "time", "year": "date", "quantity": "statistic",
               "percentage": "statistic", "money": "statistic", "ordinal": "ranking",
               "number": "number", "person": "person", "place": "place",
               "organization": "organization"}
_NEGATIVE_LABEL = {"opinion": "opinion", "hedging": "hedging", "first_person": "first person",
                   "evaluative": "evaluative", "bio": "biography", "address": "address",
                   "question": "question"}
_FACT_KIND_TO_CLAIM_KIND = {"date": "date", "time": "date", "year": "date", "quantity": "quantity",
                            "percentage": "quantity", "money": "quantity"}
_WORD = re.compile(r"\w+")
_QUOTE = re.compile(r"[\"“][^\"”]{15,}[\"”]")
_DIGITS = re.compile(r"\d(?:[\d,.]*\d)?")  # a number, separators inside only: "8" in "March 8,"


@dataclass(frozen=True, slots=True)
class Marker:
    feature: str  # one of RULE_FEATURES
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """What the rules found in one sentence; offsets are relative to ``text``."""

    text: str
    facts: tuple[FactSpan, ...]
    markers: tuple[Marker, ...]
    kinds: tuple[str, ...]

    def values(self) -> dict[str, float]:
        """Rule feature name → 1.0 for every feature that fired."""
        return {m.feature: 1.0 for m in self.markers}

    def reason(self, feature: str) -> str:
        """A readable reason for one fired feature: 'date: March 8', 'attributed to Ned Price'."""
        marker = next(m for m in self.markers if m.feature == feature)
        group, _, name = feature.partition(":")
        if group == "fact":
            return f"{_FACT_LABEL[name]}: {marker.text}"
        if group == "kind":
            if name == "attribution":
                person = next((f.text for f in self.facts if f.kind == "person"), None) or next(
                    (f.text for f in self.facts if f.kind == "organization"), None)
                return f"attributed to {person}" if person else f"attribution: {marker.text}"
            return f"{name}: {marker.text}"
        if group == "not":
            return f"{_NEGATIVE_LABEL[name]}: {marker.text}"
        return {"shape:short": "very short sentence", "shape:long": "long, detailed sentence",
                "shape:digit": f"contains a number: {marker.text}"}[feature]


def extract_features(text: str, *, published_at: dt.date | None = None) -> SentenceFeatures:
    facts = tuple(extract_facts(text, published_at=published_at))
    markers: list[Marker] = []
    seen: set[str] = set()

    def add(feature: str, start: int, end: int) -> None:
        if feature not in seen:
            seen.add(feature)
            markers.append(Marker(feature, text[start:end], start, end))

    for fact in facts:
        add(f"fact:{fact.kind}", fact.start, fact.end)
    kinds = {_FACT_KIND_TO_CLAIM_KIND[f.kind] for f in facts if f.kind in _FACT_KIND_TO_CLAIM_KIND}
    if any(f.kind == "number" and has_digit(f.text) for f in facts):
        kinds.add("quantity")
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters change length when lower-cased
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for name, rx in _KIND_MARKERS.items():
        m = rx.search(lowered)
        if m:
            add(f"kind:{name}", m.start(), m.end())
            kinds.add(name)
    quote = _QUOTE.search(text) if "attribution" not in kinds else None
    if quote:
        add("kind:attribution", quote.start(), quote.end())
        kinds.add("attribution")
    for name, rx in _NEGATIVE_MARKERS.items():
        m = rx.search(text if name == "first_person" else lowered)
        if m:
            add(f"not:{name}", m.start(), m.end())
    stripped = text.rstrip()
    if stripped.endswith("?"):
        add("not:question", len(stripped) - 1, len(stripped))
    words = _WORD.findall(text)
    if len(words) <= 5:
        add("shape:short", 0, len(stripped))
    elif len(words) >= 25:
        add("shape:long", 0, len(stripped))
    digit = _DIGITS.search(text)
    if digit:
        add("shape:digit", digit.start(), digit.end())
    return SentenceFeatures(text, facts, tuple(markers),
                            tuple(k for k in CLAIM_KINDS if k in kinds))
