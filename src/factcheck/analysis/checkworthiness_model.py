"""Check-worthiness scorers: transparent rule weights, and a learned linear model loaded from JSON.

Both take a sentence's SentenceFeatures and return a score in [0, 1] with the contributions that
produced it. The learned model is scored with plain Python (no scikit-learn, no pickle);
scikit-learn is imported only by ``train``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from factcheck.analysis.features import SentenceFeatures


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    contributions: tuple[tuple[str, float], ...]  # (reason, logit contribution), strongest first


class Scorer(Protocol):
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


_DEFAULT: list[Scorer] = []


def default_scorer() -> Scorer:
    """The shipped scorer, built once per process."""
    if not _DEFAULT:
        _DEFAULT.append(RuleScorer())
    return _DEFAULT[0]
