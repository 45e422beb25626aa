"""Check-worthiness scorers: transparent rule weights, and a learned linear model loaded from JSON.

Both take a sentence's SentenceFeatures and return a score in [0, 1] with the contributions that
produced it. The learned model is scored with plain Python (no scikit-learn, no pickle); training
lives in ``checkworthiness_training``, the read-out scorers (the default static-vector one and
the optional encoder one) in ``checkworthiness_readout``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from factcheck.analysis.features import SentenceFeatures

MODEL_PATH = Path(__file__).parent / "data" / "checkworthiness_model.json"
MODEL_FORMAT = "factcheck-checkworthiness/1"
QUEUE_SCORE = 0.5  # the score the CV-chosen queue threshold maps to
HIGH_PRIORITY_SCORE = 0.8  # the score the CV-chosen high-priority threshold maps to
# The reasons a read-out gives (no named feature behind them), saying which way it pushed (the
# queue shows every reason under "why it was flagged"): the static vectors' and the encoder's.
# The static vectors' also name the words that drove it: "... reads like a claim (tariff, rose)".
OVERALL_PREFIX = "overall wording"
VECTORS_REASON = "overall wording: reads like a claim"
VECTORS_REASON_AGAINST = "overall wording: reads unlike a claim"
ENCODER_REASON = "overall wording (encoder): reads like a claim"
ENCODER_REASON_AGAINST = "overall wording (encoder): reads unlike a claim"


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    contributions: tuple[tuple[str, float], ...]  # (reason, logit contribution), strongest first


class Scorer(Protocol):
    """Scores one sentence. A scorer may also offer ``score_batch(list[SentenceFeatures]) ->
    list[Scored]`` (same results, faster for many sentences); ClaimDetector uses it when present."""

    def score(self, features: SentenceFeatures) -> Scored: ...


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


# Weights fitted by logistic regression on ct24_train.tsv over the rule features alone, rounded,
# then the bias shifted so that 0.5 is the threshold chosen by cross-validation. "not:bio" is set
# by hand: the debates have no author bios.
RULE_WEIGHTS: dict[str, float] = {
    "fact:percentage": 2.5, "fact:money": 2.2, "fact:quantity": 1.1, "fact:year": 0.9,
    "fact:organization": 0.8, "fact:number": 0.75, "fact:person": 0.55, "fact:place": 0.55,
    "fact:date": 0.55, "fact:ordinal": 0.35, "fact:time": -0.1,
    "kind:event": 1.1, "kind:comparison": 0.9, "kind:attribution": 0.75, "kind:law": 0.75,
    "kind:causal": 0.4, "kind:prediction": -1.1,
    "shape:digit": 0.5, "shape:long": 0.5, "shape:short": -0.3,
    "not:bio": -3.0, "not:address": -0.5, "not:hedging": -0.5, "not:evaluative": -0.55,
    "not:first_person": -1.0, "not:opinion": -1.2, "not:question": -2.2,
}
RULE_BIAS = -0.55


class RuleScorer:
    """Logistic function over hand-named, weighted rule features."""

    def __init__(self, weights: dict[str, float] | None = None, bias: float | None = None) -> None:
        self.weights = RULE_WEIGHTS if weights is None else weights
        self.bias = RULE_BIAS if bias is None else bias

    def score(self, features: SentenceFeatures) -> Scored:
        z = self.bias
        contributions = []
        for name, value in features.values().items():
            w = self.weights.get(name, 0.0) * value
            if w:
                z += w
                contributions.append((features.reason(name), w))
        contributions.sort(key=lambda c: -abs(c[1]))
        return Scored(sigmoid(z), tuple(contributions))


_TOKEN = re.compile(r"\d[\d,.]*\d|\d|(?:[a-z]\.){2,}|[a-z]+(?:'[a-z]+)?|[%$£€?!]")
# Words too common to make a readable reason on their own (they still count in the score).
_PLAIN = frozenset(
    "0 a an the of to in on at by for from with and or but as is are was were be been has have had "
    "do does did it its this that these those he she they we i you his her their our my your "
    "which who what there here not no so if than then".split())
# Features the debates cannot teach (they have no author bios): the rule weight is used instead
# whenever it is stronger than the learned one.
RULE_PRIORS: dict[str, float] = {"not:bio": -3.0}


def word_ngrams(text: str) -> list[str]:
    """Lower-cased word unigrams and bigrams; numbers become "0" (the rules read numbers)."""
    tokens = ["0" if t[0].isdigit() else t.replace(".", "") if t.endswith(".") else t
              for t in _TOKEN.findall(text.lower().replace("’", "'"))]
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def shown_term(term: str) -> str:
    """An n-gram as a checker reads it: the "0" that every number was folded to is "[number]"."""
    return " ".join("[number]" if word == "0" else word for word in term.split())


def _readable(term: str) -> bool:
    return not all(word in _PLAIN for word in term.split())


def is_overall_reason(reason: str) -> bool:
    """A read-out's reason ("overall wording: …", with or without the words that drove it)."""
    return reason.startswith(OVERALL_PREFIX)


def plain_word(word: str) -> bool:
    """Too common a word to name on its own in a reason."""
    return word.lower() in _PLAIN


class LinearModel:
    """Logistic regression over TF-IDF word n-grams plus the rule features, scored in Python.

    The logit z is mapped to a score with sigmoid(slope * (z - offset)), fixed so that the
    CV-chosen queue threshold scores 0.5 and the high-priority threshold scores 0.8.
    """

    def __init__(self, data: dict) -> None:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a {MODEL_FORMAT} model file")
        self.meta = {k: v for k, v in data.items() if k not in ("terms", "rules")}
        self.terms: dict[str, tuple[float, float]] = {t: (iw[0], iw[1]) for t, iw in data["terms"].items()}
        self.rules: dict[str, float] = data["rules"]
        self.bias: float = data["bias"]
        self.slope: float = data["slope"]
        self.offset: float = data["offset"]
        self.min_wording = float(data.get("min_wording_reason", 0.3))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> LinearModel:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def logit(self, features: SentenceFeatures) -> tuple[float, list[tuple[str, float]]]:
        """The logit and what moved it: each fired rule, and each readable n-gram weighing at
        least ``min_wording``. The n-grams inside what a rule found ("march" and "0" in the date
        "March 8", "said" for the attribution) count towards that rule's reason, not as wording:
        the date, the figure, the source are what a checker checks. The person an attribution
        names counts towards "attributed to …" rather than as a reason of its own, and a number or
        a marker inside a date or figure counts towards that fact ("statistic: more than 80,000",
        not also "comparison: more than" and "contains a number: 80,000"). Only the names change:
        the logit is the same."""
        fired = features.values()
        reason = {name: features.reason(name) for name in fired}
        for name in ("fact:person", "fact:organization"):
            if name in reason and reason.get("kind:attribution") == (
                    "attributed to " + reason[name].partition(": ")[2]):
                reason[name] = reason["kind:attribution"]
        facts = [m for m in features.markers if m.feature.startswith("fact:")]
        for marker in features.markers:
            if marker.feature == "shape:digit" or (
                    marker.feature.startswith("kind:") and marker.feature != "kind:attribution"):
                holder = next((f for f in facts if f.start <= marker.start and marker.end <= f.end),
                              None)
                if holder is not None:
                    reason[marker.feature] = reason[holder.feature]
        by_reason: dict[str, float] = {}
        z = self.bias
        for name, value in fired.items():
            w = self.rules.get(name, 0.0) * value
            if w:
                z += w
                by_reason[reason[name]] = by_reason.get(reason[name], 0.0) + w
        owner: dict[str, str] = {}  # an n-gram inside what a rule found → that rule's reason
        spans = [(m.feature, m.text) for m in features.markers]
        spans += [(f"fact:{f.kind}", f.text) for f in features.facts]
        for name, text in spans:
            if name in reason:
                for term in word_ngrams(text):
                    owner.setdefault(term, reason[name])
        weighted, norm2 = [], 0.0
        for term, count in Counter(word_ngrams(features.text)).items():
            entry = self.terms.get(term)
            if entry is not None:
                v = (1.0 + math.log(count)) * entry[0]
                norm2 += v * v
                weighted.append((term, v * entry[1]))
        contributions: list[tuple[str, float]] = []
        if norm2:
            norm = math.sqrt(norm2)
            for term, vw in weighted:
                z += vw / norm
                if term in owner:
                    by_reason[owner[term]] = by_reason.get(owner[term], 0.0) + vw / norm
                elif abs(vw / norm) >= self.min_wording and _readable(term):
                    contributions.append((f"wording: '{shown_term(term)}'", vw / norm))
        contributions += [(reason, w) for reason, w in by_reason.items() if w]
        contributions.sort(key=lambda c: -abs(c[1]))
        return z, contributions

    def score(self, features: SentenceFeatures) -> Scored:
        z, contributions = self.logit(features)
        return Scored(sigmoid(self.slope * (z - self.offset)), tuple(contributions))


_DEFAULT: dict[str, Scorer | None] = {}


def linear_scorer() -> Scorer:
    """The shipped linear model (or the rule scorer if none is shipped), built once per process."""
    if "linear" not in _DEFAULT:
        _DEFAULT["linear"] = LinearModel.load() if MODEL_PATH.exists() else RuleScorer()
    return _DEFAULT["linear"]


def default_scorer() -> Scorer:
    """The default scorer: the linear model with the static-vector read-out beside it
    (`checkworthiness_readout`), or the linear model alone (logged) if that file is missing.
    Built once per process."""
    if "vectors" not in _DEFAULT:
        from factcheck.analysis.checkworthiness_readout import load_vectors_scorer  # noqa: PLC0415

        _DEFAULT["vectors"] = load_vectors_scorer() or linear_scorer()
    return _DEFAULT["vectors"]


def select_scorer(*, encoder: bool = False, vectors: bool = True) -> Scorer:
    """The scorer the settings ask for: the encoder model when ``encoder`` and the extra is
    installed (and its model file is shipped); otherwise the default (static-vector) scorer, or
    the linear model alone when ``vectors`` is off. Built once per process."""
    fallback = default_scorer if vectors else linear_scorer
    if not encoder:
        return fallback()
    if "encoder" not in _DEFAULT:
        from factcheck.analysis.checkworthiness_readout import load_encoder_scorer  # noqa: PLC0415

        _DEFAULT["encoder"] = load_encoder_scorer()  # None (logged): the extra or file is missing
    return _DEFAULT["encoder"] or fallback()


def reset_default_scorers() -> None:
    """Forget the process's scorers (after a model file was rewritten)."""
    _DEFAULT.clear()
