"""The read-out scorers: the shipped linear model's logit plus a small neural read-out of a
sentence vector and the rule features.

    z = z_linear + blend · (mlp([scale · sentence vector, rule features]) − center)

The sentence vector is the shipped static vectors' (analysis/static_vectors.py: the default
scorer, no extra, no torch; `data/checkworthiness_vectors.json`) or all-MiniLM-L6-v2's (the
optional encoder scorer, the `encoder` extra; `data/checkworthiness_encoder.json`). `mlp` is one
hidden layer of rectified units and a logistic output (scikit-learn's MLPClassifier, trained by
`factcheck detector train --vectors / --encoder`), exported to plain JSON (the layer weights,
`blend`, `center`, the calibration, the reasons and the sha256 of the linear model file it was
trained beside) and evaluated with numpy.

Why a read-out beside the linear model rather than instead of it: the word n-grams learn the
debates' own vocabulary, the vectors carry meaning across wordings they never saw (a new
debate's topics). `blend` is fixed at training time, not fitted on the linear model's
out-of-fold logits: fitting it (the earlier stacked design) gave the vector part more weight
than held up on dev and on later debates. The reasons are the linear model's, plus one saying
which way the read-out pushed when it moved the logit by at least `min_reason`. Thresholds keep
their meaning (0.5 queue, 0.8 high priority, chosen by the same cross-validation as the linear
model's).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from factcheck.analysis.checkworthiness_model import (
    MODEL_PATH,
    QUEUE_SCORE,
    VECTORS_REASON,
    VECTORS_REASON_AGAINST,
    LinearModel,
    Scored,
    plain_word,
    sigmoid,
)
from factcheck.analysis.features import RULE_FEATURES, SentenceFeatures

VECTORS_MODEL_PATH = Path(__file__).parent / "data" / "checkworthiness_vectors.json"
ENCODER_MODEL_PATH = Path(__file__).parent / "data" / "checkworthiness_encoder.json"
READOUT_FORMAT = "factcheck-checkworthiness-readout/1"

log = logging.getLogger(__name__)


def readout_inputs(vectors: np.ndarray, rule_rows: Sequence[Sequence[str]], *, scale: float,
                   rules: Sequence[str] = RULE_FEATURES) -> np.ndarray:
    """[scale · vector, one 0/1 column per rule feature] for each sentence (float64)."""
    column = {name: i for i, name in enumerate(rules)}
    flags = np.zeros((len(rule_rows), len(rules)))
    for row, names in enumerate(rule_rows):
        for name in names:
            if name in column:
                flags[row, column[name]] = 1.0
    return np.hstack([scale * np.asarray(vectors, dtype=np.float64), flags])


class ReadoutScorer:
    """sigmoid(slope · (z_linear + blend · (readout − center) − offset)). ``vectors`` is anything
    with ``name``, ``dimensions`` and ``encode(texts) -> array``: the static vectors or the
    encoder."""

    def __init__(self, data: dict, *, base: LinearModel, vectors) -> None:
        if data.get("format") != READOUT_FORMAT:
            raise ValueError(f"not a {READOUT_FORMAT} model file")
        if data["vectors"] != vectors.name or data["dimensions"] != vectors.dimensions:
            raise ValueError(f"the model was trained on {data['vectors']} vectors, not {vectors.name}")
        self.meta = {k: v for k, v in data.items() if k not in ("hidden", "output")}
        self.base, self.vectors = base, vectors
        self.rules: list[str] = list(data["rules"])
        self.scale = float(data["scale"])
        self.hidden_weights = np.asarray(data["hidden"]["weights"], dtype=np.float64)
        self.hidden_bias = np.asarray(data["hidden"]["bias"], dtype=np.float64)
        self.output_weights = np.asarray(data["output"]["weights"], dtype=np.float64)
        self.output_bias = float(data["output"]["bias"])
        expected = vectors.dimensions + len(self.rules)
        if self.hidden_weights.shape != (expected, len(self.hidden_bias)) or \
                self.output_weights.shape != (len(self.hidden_bias),):
            raise ValueError("the read-out's layer shapes do not fit the vectors and rules")
        self.blend, self.center = float(data["blend"]), float(data["center"])
        self.slope, self.offset = float(data["slope"]), float(data["offset"])
        self.min_reason = float(data.get("min_reason", 0.3))
        self.reasons = tuple(data.get("reasons", (VECTORS_REASON, VECTORS_REASON_AGAINST)))
        # Every word piece's row and its projection through the hidden layer (see driving_words):
        # 31 MB, made once
        # per scorer, here so that BLAS's threads are idle again before any scoring.
        table = getattr(vectors, "table", None)
        self._projected = None if table is None else np.hstack([
            table, self.scale * np.asarray(table, dtype=np.float64)
            @ self.hidden_weights[: table.shape[1]]]).astype(np.float32)

    @classmethod
    def load(cls, path: Path = VECTORS_MODEL_PATH, *, base_path: Path = MODEL_PATH,
             vectors=None) -> ReadoutScorer:
        """A model file and the linear model it was trained beside; ``vectors`` defaults to the
        static vectors."""
        from factcheck.analysis.static_vectors import static_vectors  # noqa: PLC0415

        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != READOUT_FORMAT:
            raise ValueError(f"{path} is not a {READOUT_FORMAT} model file")
        digest = hashlib.sha256(Path(base_path).read_bytes()).hexdigest()
        if data.get("base_model", {}).get("sha256") != digest:
            raise ValueError(f"{path} was trained beside another {Path(base_path).name}: retrain "
                             f"both with `factcheck detector train`")
        return cls(data, base=LinearModel.load(base_path), vectors=vectors or static_vectors())

    def readout(self, inputs: np.ndarray) -> np.ndarray:
        """The read-out's logit for each row of `readout_inputs`."""
        return self._readout(inputs)[0]

    def _readout(self, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The logits, and the hidden layer before its rectifier.

        einsum without `optimize` stays off BLAS: a matrix this small is done in a few
        milliseconds on one core, while BLAS's worker threads would keep spinning (and burning
        the server's CPU) well after the call."""
        pre = np.einsum("ij,jk->ik", inputs, self.hidden_weights, optimize=False) + self.hidden_bias
        logits = np.einsum("ij,j->i", np.maximum(pre, 0.0), self.output_weights,
                           optimize=False) + self.output_bias
        return logits, pre

    def score(self, features: SentenceFeatures) -> Scored:
        return self.score_batch([features])[0]

    def score_batch(self, features_list: Sequence[SentenceFeatures]) -> list[Scored]:
        if not features_list:
            return []
        inputs = readout_inputs(self.vectors.encode([f.text for f in features_list]),
                                [f.values() for f in features_list], scale=self.scale,
                                rules=self.rules)
        raw, pre = self._readout(inputs)
        moved = self.blend * (raw - self.center)
        results = []
        for k, (features, e) in enumerate(zip(features_list, moved.tolist())):
            z_base, contributions = self.base.logit(features)
            score = sigmoid(self.slope * (z_base + e - self.offset))
            if abs(e) >= self.min_reason:
                reason = self.reasons[0] if e > 0 else self.reasons[1]
                # The words only for sentences scored as claims: what a checker reads in the
                # queue (naming them costs about as much as scoring the sentence).
                words = (self.driving_words(features.text, pre[k], float(raw[k]), e > 0)
                         if score >= QUEUE_SCORE else [])
                if words:
                    reason = f"{reason} ({', '.join(words)})"
                contributions.append((reason, e))
                contributions.sort(key=lambda c: -abs(c[1]))
            results.append(Scored(score, tuple(contributions)))
        return results


    def driving_words(self, text: str, pre: np.ndarray, raw: float, up: bool,
                      *, most: int = 2, least: float = 0.1) -> list[str]:
        """The words whose removal would move the read-out most against its direction (`up`:
        towards "like a claim"): the sentence's vector is re-made without each word in turn
        (its pieces' rows taken out of the sum) and read out again. At most `most` words, each
        moving the logit by at least `least`; common words ("the", "was") are not named. Only
        for vectors that expose their words and table (the static vectors; not the encoder).

        Cheap because the hidden layer is linear before its rectifier: every word piece's row
        is projected through it once per scorer (`_projected`, beside the row itself), so a
        sentence without word i is (projected total − projected word i) / ‖total − word i‖ plus
        the rules' part. `pre` is the sentence's hidden layer before the rectifier."""
        word_pieces = getattr(self.vectors, "word_pieces", None)
        parts = word_pieces(text) if word_pieces is not None and self._projected is not None else []
        if len(parts) < 2:
            return []
        # Per word: its rows' sum (raw, to re-normalise) and their projection, side by side.
        # Most words are one piece: take the first pieces' rows, add the few others.
        words = self._projected.take([these[0] for _, these in parts], axis=0)
        more = [(w, i) for w, (_, these) in enumerate(parts) for i in these[1:]]
        if more:
            np.add.at(words, [w for w, _ in more], self._projected.take([i for _, i in more], axis=0))
        totals = words.sum(axis=0)
        dims = self.vectors.dimensions
        rest_rows = totals[:dims] - words[:, :dims]
        norms = np.sqrt(np.einsum("ij,ij->i", rest_rows, rest_rows))
        norms[norms == 0] = np.inf  # a sentence of one repeated word: nothing left, no vector
        full = float(np.sqrt(totals[:dims] @ totals[:dims])) or 1.0
        # The hidden layer's input minus the full vector's part: the rules' part and the bias.
        rest = pre - totals[dims:] / full
        pre_without = (totals[dims:] - words[:, dims:]) / norms[:, None] + rest
        without = np.einsum("ij,j->i", np.maximum(pre_without, 0.0), self.output_weights,
                            optimize=False) + self.output_bias
        drop = self.blend * (raw - without) * (1 if up else -1)
        named: list[str] = []
        for i in np.argsort(-drop, kind="stable"):
            if drop[i] < least or len(named) == most:
                break
            word = parts[i][0].strip(".,;:!?\"'()[]{}“”‘’«»…-–—").lower()
            if word and not plain_word(word) and word not in named:
                named.append(word)
        return named

def load_vectors_scorer() -> ReadoutScorer | None:
    """The shipped static-vector scorer, or None (logged) when its file or the linear model's is
    missing or they do not belong together."""
    if not VECTORS_MODEL_PATH.exists() or not MODEL_PATH.exists():
        log.warning("no static-vector check-worthiness model is shipped; scoring with the linear model")
        return None
    try:
        return ReadoutScorer.load(VECTORS_MODEL_PATH, base_path=MODEL_PATH)
    except ValueError as error:
        log.warning("%s; scoring with the linear model", error)
        return None


def load_encoder_scorer() -> ReadoutScorer | None:
    """The shipped encoder scorer, or None (logged) when the extra or a model file is missing or
    the files do not belong together."""
    from factcheck.analysis.sentence_encoder import encoder_installed, get_encoder  # noqa: PLC0415

    if not encoder_installed():
        log.warning("FACTCHECK_DETECTOR_ENCODER is on but the `encoder` extra is not installed; "
                    "scoring without it")
        return None
    if not ENCODER_MODEL_PATH.exists() or not MODEL_PATH.exists():
        log.warning("no encoder check-worthiness model is shipped; scoring without it")
        return None
    try:
        return ReadoutScorer.load(ENCODER_MODEL_PATH, base_path=MODEL_PATH, vectors=get_encoder())
    except ValueError as error:
        log.warning("%s; scoring without the encoder", error)
        return None
