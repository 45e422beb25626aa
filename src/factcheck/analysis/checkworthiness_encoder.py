"""The optional encoder scorer (the `encoder` extra): the shipped linear model's logit stacked
with a linear read-out of the sentence's all-MiniLM-L6-v2 embedding. (The static-vector scorer,
which needs no extra, is in `checkworthiness_vectors`.)

Its weights are plain JSON (`data/checkworthiness_encoder.json`: 384 weights, the weight on the
linear model's logit, bias, calibration), trained by `factcheck detector train --encoder`. The
reasons are the linear model's (scaled by its weight) plus one for the embedding.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from factcheck.analysis.checkworthiness_model import (
    ENCODER_REASON,
    MODEL_PATH,
    LinearModel,
    Scored,
    sigmoid,
)
from factcheck.analysis.features import SentenceFeatures

ENCODER_MODEL_PATH = Path(__file__).parent / "data" / "checkworthiness_encoder.json"
ENCODER_FORMAT = "factcheck-checkworthiness-encoder/1"

log = logging.getLogger(__name__)


class EncoderScorer:
    """sigmoid(slope · (a · z_linear + w · embedding + b − offset)): the thresholds keep their
    meaning (0.5 queue, 0.8 high priority, chosen by the same cross-validation)."""

    def __init__(self, data: dict, *, base: LinearModel, encoder) -> None:
        if data.get("format") != ENCODER_FORMAT:
            raise ValueError(f"not a {ENCODER_FORMAT} model file")
        if data["encoder"] != encoder.name or data["dimensions"] != encoder.dimensions:
            raise ValueError(f"the model was trained on {data['encoder']} embeddings, "
                             f"not {encoder.name}")
        self.meta = {k: v for k, v in data.items() if k != "weights"}
        self.base, self.encoder = base, encoder
        self.weights = np.asarray(data["weights"], dtype=np.float32)
        self.center = float(data["center"])
        self.base_weight = float(data["base_weight"])
        self.bias, self.slope, self.offset = data["bias"], data["slope"], data["offset"]
        self.min_reason = float(data.get("min_encoder_reason", 0.3))
        self.reason = str(data.get("reason", ENCODER_REASON))

    @classmethod
    def load(cls, path: Path = ENCODER_MODEL_PATH, *, base_path: Path = MODEL_PATH,
             encoder=None) -> EncoderScorer:
        from factcheck.analysis.sentence_encoder import get_encoder  # noqa: PLC0415

        data = json.loads(Path(path).read_text(encoding="utf-8"))
        digest = hashlib.sha256(Path(base_path).read_bytes()).hexdigest()
        if data.get("base_model", {}).get("sha256") != digest:
            raise ValueError(f"{path} was trained on another {Path(base_path).name}: retrain "
                             f"both with `factcheck detector train --encoder`")
        encoder = encoder or get_encoder()
        if encoder is None:
            raise ValueError("the encoder scorer needs the `encoder` extra (make encoder)")
        return cls(data, base=LinearModel.load(base_path), encoder=encoder)

    def score(self, features: SentenceFeatures) -> Scored:
        return self.score_batch([features])[0]

    def score_batch(self, features_list: Sequence[SentenceFeatures]) -> list[Scored]:
        """One encoder call for all the sentences (one at a time is several times slower)."""
        if not features_list:
            return []
        encoded = self.encoder.encode([f.text for f in features_list]) @ self.weights - self.center
        results = []
        for features, e in zip(features_list, encoded.tolist()):
            z_base, base_contributions = self.base.logit(features)
            z = self.base_weight * z_base + e + self.bias
            contributions = [(reason, self.base_weight * c) for reason, c in base_contributions]
            if abs(e) >= self.min_reason:
                contributions.append((self.reason, e))
            contributions.sort(key=lambda c: -abs(c[1]))
            results.append(Scored(sigmoid(self.slope * (z - self.offset)), tuple(contributions)))
        return results


def load_encoder_scorer() -> EncoderScorer | None:
    """The shipped encoder scorer, or None (logged) when the extra or the model file is missing."""
    from factcheck.analysis.sentence_encoder import encoder_installed  # noqa: PLC0415

    if not encoder_installed():
        log.warning("FACTCHECK_DETECTOR_ENCODER is on but the `encoder` extra is not installed; "
                    "scoring with the linear model")
        return None
    if not ENCODER_MODEL_PATH.exists() or not MODEL_PATH.exists():
        log.warning("no encoder check-worthiness model is shipped; scoring with the linear model")
        return None
    return EncoderScorer.load()

