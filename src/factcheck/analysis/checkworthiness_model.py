"""Check-worthiness scorers: transparent rule weights, and a learned linear model loaded from JSON.

Both take a sentence's SentenceFeatures and return a score in [0, 1] with the contributions that
produced it. The learned model is scored with plain Python (no scikit-learn, no pickle);
scikit-learn is imported only by ``train``.
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


def _readable(term: str) -> bool:
    return not all(word in _PLAIN for word in term.split())


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
        contributions: list[tuple[str, float]] = []
        z = self.bias
        for name, value in features.values().items():
            w = self.rules.get(name, 0.0) * value
            if w:
                z += w
                contributions.append((features.reason(name), w))
        weighted, norm2 = [], 0.0
        for term, count in Counter(word_ngrams(features.text)).items():
            entry = self.terms.get(term)
            if entry is not None:
                v = (1.0 + math.log(count)) * entry[0]
                norm2 += v * v
                weighted.append((term, v * entry[1]))
        if norm2:
            norm = math.sqrt(norm2)
            for term, vw in weighted:
                z += vw / norm
                if abs(vw / norm) >= self.min_wording and _readable(term):
                    contributions.append((f"wording: '{term}'", vw / norm))
        contributions.sort(key=lambda c: -abs(c[1]))
        return z, contributions

    def score(self, features: SentenceFeatures) -> Scored:
        z, contributions = self.logit(features)
        return Scored(sigmoid(self.slope * (z - self.offset)), tuple(contributions))


_DEFAULT: list[Scorer] = []


def default_scorer() -> Scorer:
    """The shipped learned model (or the rule scorer if none is shipped), built once per process."""
    if not _DEFAULT:
        _DEFAULT.append(LinearModel.load() if MODEL_PATH.exists() else RuleScorer())
    return _DEFAULT[0]


# --- training (scikit-learn is imported here only) -----------------------------------------------

@dataclass(frozen=True, slots=True)
class TrainReport:
    sentences: int
    positives: int
    folds: int
    cv_precision: float  # out-of-fold, at the queue threshold
    cv_recall: float
    cv_f1: float
    best_cv_f1: float  # at the F1-optimal threshold (the queue threshold trades a little for recall)
    high_priority_precision: float
    high_priority_recall: float
    raw_threshold: float
    raw_high_priority_threshold: float
    terms: int
    out_path: Path
    size_bytes: int


def read_labelled(path: Path) -> tuple[list[str], list[bool], list[str]]:
    """Sentences, labels and document ids from a CheckThat! 2024 or 2020 (debates) TSV."""
    import csv  # noqa: PLC0415

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        columns = set(reader.fieldnames or ())
        if {"Text", "class_label"} <= columns:
            text_col, label_col, doc_col = "Text", "class_label", None
        elif {"text", "label", "debate"} <= columns:
            text_col, label_col, doc_col = "text", "label", "debate"
        else:
            raise ValueError(f"{path}: expected columns 'Sentence_id, Text, class_label' or "
                             f"'debate, line_number, speaker, text, label'")
        texts, labels, docs = [], [], []
        for line, row in enumerate(reader, start=2):
            label = (row.get(label_col) or "").strip().lower()
            if label not in ("yes", "no", "1", "0"):
                raise ValueError(f"{path}:{line}: label must be Yes/No or 1/0, got {label!r}")
            texts.append(row.get(text_col) or "")
            labels.append(label in ("yes", "1"))
            docs.append(row[doc_col] if doc_col else path.name)
    if not texts:
        raise ValueError(f"{path}: no sentences")
    return texts, labels, docs


def _operating_points(z, y, tolerance):
    """Queue threshold (recall-first) and high-priority threshold from out-of-fold logits."""
    import numpy as np  # noqa: PLC0415

    order = np.argsort(-z, kind="stable")
    zs, ys = z[order], y[order].astype(float)
    tp = np.cumsum(ys)
    k = np.arange(1, len(zs) + 1)
    precision, recall = tp / k, tp / max(1.0, ys.sum())
    f1 = np.where(tp > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0.0)
    best = f1.max()
    # Recall first: the lowest threshold whose F1 is within ``tolerance`` of the best.
    queue = int(np.nonzero(f1 >= best - tolerance)[0].max())
    confident = np.nonzero((precision >= 0.8) & (k < queue + 1) & (k >= 10))[0]
    high = int(confident.max()) if len(confident) else max(0, queue // 2)
    return {
        "best_f1": float(best), "queue": (float(zs[queue]), float(precision[queue]),
                                          float(recall[queue]), float(f1[queue])),
        "high": (float(zs[high]), float(precision[high]), float(recall[high])),
    }


def train(data_paths, *, out_path: Path = MODEL_PATH, seed: int = 0, folds: int = 5,
          c: float = 4.0, max_terms: int = 40_000, tolerance: float = 0.0025) -> TrainReport:
    """Cross-validate, choose the thresholds, fit on everything and write the JSON model file."""
    import numpy as np  # noqa: PLC0415
    import scipy.sparse as sp  # noqa: PLC0415
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.model_selection import StratifiedKFold  # noqa: PLC0415

    from factcheck.analysis.features import RULE_FEATURES, extract_features  # noqa: PLC0415

    texts: list[str] = []
    labels: list[bool] = []
    for path in data_paths:
        t, lab, _ = read_labelled(Path(path))
        texts += t
        labels += lab
    y = np.array(labels)
    if y.sum() < folds or (~y).sum() < folds:
        raise ValueError(f"need at least {folds} positive and {folds} negative sentences")
    column = {name: i for i, name in enumerate(RULE_FEATURES)}
    rules = np.zeros((len(texts), len(RULE_FEATURES)))
    for row, text in enumerate(texts):
        for name in extract_features(text).values():
            rules[row, column[name]] = 1.0

    def fit(idx):
        docs = [texts[i] for i in idx]
        vocabulary = None
        for _ in range(2):  # fit, keep the strongest terms, refit on exactly that vocabulary
            vec = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, vocabulary=vocabulary,
                                  min_df=1 if vocabulary else 2)
            x = sp.hstack([vec.fit_transform(docs), sp.csr_matrix(rules[idx])]).tocsr()
            model = LogisticRegression(C=c, max_iter=5000, random_state=seed).fit(x, y[idx])
            names = vec.get_feature_names_out()
            weights = model.coef_[0][:len(names)]
            if len(names) <= max_terms or vocabulary is not None:
                break
            keep = np.argsort(-np.abs(weights), kind="stable")[:max_terms]
            vocabulary = sorted(names[keep])
        return vec, model

    def logits(vec, model, idx):
        x = sp.hstack([vec.transform([texts[i] for i in idx]), sp.csr_matrix(rules[idx])]).tocsr()
        return model.decision_function(x)

    oof = np.zeros(len(texts))
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y):
        vec, model = fit(train_idx)
        oof[test_idx] = logits(vec, model, test_idx)
    points = _operating_points(oof, y, tolerance)
    z_queue, z_high = points["queue"][0], points["high"][0]
    if z_high <= z_queue:
        z_high = z_queue + 1.0
    vec, model = fit(np.arange(len(texts)))
    names = vec.get_feature_names_out()
    coef = model.coef_[0]
    data = {
        "format": MODEL_FORMAT,
        "trained_on": [Path(p).name for p in data_paths],
        "sentences": len(texts), "positives": int(y.sum()), "seed": seed, "folds": folds, "C": c,
        "cv": {"precision": round(points["queue"][1], 4), "recall": round(points["queue"][2], 4),
               "f1": round(points["queue"][3], 4), "best_f1": round(points["best_f1"], 4),
               "high_priority_precision": round(points["high"][1], 4),
               "high_priority_recall": round(points["high"][2], 4)},
        "threshold": QUEUE_SCORE, "high_priority_threshold": HIGH_PRIORITY_SCORE,
        "raw_threshold": z_queue, "raw_high_priority_threshold": z_high,
        "offset": z_queue, "slope": math.log(HIGH_PRIORITY_SCORE / (1 - HIGH_PRIORITY_SCORE)) / (z_high - z_queue),
        "bias": float(model.intercept_[0]),
        "min_wording_reason": 0.3,
        "rules": {name: round(min(float(w), RULE_PRIORS.get(name, 0.0)) if name in RULE_PRIORS
                              else float(w), 4)
                  for name, w in zip(RULE_FEATURES, coef[len(names):]) if w},
        "rule_priors": RULE_PRIORS, "recall_tolerance": tolerance,
        "terms": {str(t): [round(float(i), 4), round(float(w), 4)]
                  for t, i, w in zip(names, vec.idf_, coef[:len(names)])},
    }
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    if out_path == MODEL_PATH:
        _DEFAULT.clear()
    return TrainReport(
        sentences=len(texts), positives=int(y.sum()), folds=folds,
        cv_precision=points["queue"][1], cv_recall=points["queue"][2], cv_f1=points["queue"][3],
        best_cv_f1=points["best_f1"], high_priority_precision=points["high"][1],
        high_priority_recall=points["high"][2], raw_threshold=z_queue,
        raw_high_priority_threshold=z_high, terms=len(names), out_path=out_path,
        size_bytes=out_path.stat().st_size,
    )
