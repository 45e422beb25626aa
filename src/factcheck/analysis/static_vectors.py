"""Static sentence vectors: a table of word-piece vectors distilled from all-MiniLM-L6-v2.

A sentence's vector is the sum of its word pieces' vectors, normalised: no neural network runs, so
it costs tens of microseconds a sentence on the CPU and needs neither torch nor the `encoder`
extra. The table ships inside the package (`data/static_vectors.npz`, not a pickle: int8 rows with
a scale each, the word-piece vocabulary, and how it was made) and is loaded once per process.

How the table was made (`factcheck vectors distill`, analysis/static_vectors_training.py): each
word piece of MiniLM's vocabulary is first embedded alone by MiniLM (a starting point that also
covers pieces the corpus never shows), then the whole table is fitted so that the normalised sum
over a sentence's pieces has the highest cosine with MiniLM's own vector of the sentence, over
~125,000 sentences of the domain (published claims, debate sentences, tweets), then
reduced to its first 128 principal directions. On sentences held out of that fit the static
vector's cosine with MiniLM's is about 0.87. It is what lets matching find paraphrases sharing few
words (docs/matching.md) without the optional encoder; the encoder is still better where it can
be afforded.

The word pieces are MiniLM's (BERT uncased: lower-cased, accents stripped, punctuation split,
WordPiece with `##` continuations), built by the `tokenizers` library from the vocabulary in the
file, so the pieces are exactly those the table was fitted on.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np

VECTORS_PATH = Path(__file__).parent / "data" / "static_vectors.npz"
FORMAT = "factcheck-static-vectors/1"
# Words seen (whitespace-separated chunks) → their word pieces: tokenizing costs ~50 µs a sentence,
# a dictionary lookup per word far less, and claims and their words recur. Cleared when full.
WORD_CACHE = 200_000
TEXT_CACHE = 20_000  # texts → vectors (published claims recur as candidates): 10 MB at most


def _dropped() -> re.Pattern[str]:
    """What BERT's normaliser deletes (control and format characters but tab and line breaks, NUL,
    U+FFFD): deleted before splitting into words, or "a\x1fb" would be two words, not BERT's one."""
    # Control and format characters live in planes 0, 1 and 14 only (the others hold CJK
    # ideographs, private use and unassigned code points): scanning those is 0.04 s, not 0.3.
    planes = [*range(0x20000), *range(0xE0000, 0xF0000)]
    codes = [c for c in planes
             if (unicodedata.category(chr(c)) in ("Cc", "Cf") and chr(c) not in "\t\n\r")
             or c in (0, 0xFFFD)]
    ranges, start = [], codes[0]
    for previous, code in zip(codes, [*codes[1:], None], strict=True):
        if code != previous + 1:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(previous)) if previous > start else ""))
            start = code
    return re.compile("[" + "".join(ranges) + "]")


_DROPPED = _dropped()


class StaticVectors:
    """Unit sentence vectors from the word-piece table (one instance per process: `static_vectors`)."""

    def __init__(self, table: np.ndarray, vocabulary: Sequence[str], meta: dict) -> None:
        from tokenizers import Tokenizer, normalizers, pre_tokenizers  # noqa: PLC0415
        from tokenizers.models import WordPiece  # noqa: PLC0415

        if table.shape[0] != len(vocabulary):
            raise ValueError("the vector table and the vocabulary differ in length")
        self.table = np.ascontiguousarray(table, dtype=np.float32)
        self.meta = meta
        self.name = str(meta.get("name", "static"))
        self.dimensions = int(self.table.shape[1])
        tokenizer = Tokenizer(WordPiece({piece: i for i, piece in enumerate(vocabulary)},
                                        unk_token="[UNK]", max_input_chars_per_word=100))
        tokenizer.normalizer = normalizers.BertNormalizer(
            clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
        tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        self.tokenizer = tokenizer
        self.unknown = vocabulary.index("[UNK]") if "[UNK]" in vocabulary else -1
        self._words: dict[str, list[int]] = {}
        self._texts: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: Path = VECTORS_PATH) -> StaticVectors:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != FORMAT:
                raise ValueError(f"{path} is not a {FORMAT} file")
            table = data["vectors"].astype(np.float32) * data["scales"].astype(np.float32)[:, None]
            vocabulary = [str(piece) for piece in data["vocabulary"]]
        return cls(table, vocabulary, meta)

    def pieces(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's word-piece ids (unknown pieces left out).

        BERT's clean-up drops control and format characters and its pre-tokeniser never joins
        across whitespace, so once those characters are dropped a text's pieces are its
        whitespace-separated words' pieces in order: each word is tokenized once and remembered.
        """
        split = [(_DROPPED.sub("", text) if _DROPPED.search(text) else text).split() for text in texts]
        with self._lock:
            words = self._words
            new = list({w for these in split for w in these if w not in words})
            if new:
                if len(words) + len(new) > WORD_CACHE:
                    words.clear()
                for word, encoding in zip(new, self.tokenizer.encode_batch_fast(
                        new, add_special_tokens=False), strict=True):
                    words[word] = [i for i in encoding.ids if i != self.unknown]
            return [[i for w in these for i in words[w]] for these in split]

    def encode(self, texts: Sequence[str], *, batch_size: int = 0) -> np.ndarray:
        """Unit vectors, one row per text, shape (len(texts), dimensions), float32; a text with no
        known word piece gets a row of zeros. (`batch_size` is accepted for the encoder's interface.)"""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        ids = self.pieces(texts)
        rows = [k for k, these in enumerate(ids) if these]
        if not rows:
            return out
        flat = np.array(list(chain.from_iterable(ids[k] for k in rows)), dtype=np.intp)
        starts = np.cumsum([0] + [len(ids[k]) for k in rows[:-1]])
        sums = np.add.reduceat(self.table.take(flat, axis=0), starts, axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        out[rows] = sums / np.where(norms > 0, norms, 1.0)
        return out


    def word_pieces(self, text: str) -> list[tuple[str, list[int]]]:
        """Each whitespace-separated word of `text` with its word-piece ids, in order (words with
        no known piece left out): the rows whose sum `encode` normalises, grouped by word."""
        words = (_DROPPED.sub("", text) if _DROPPED.search(text) else text).split()
        for attempt in range(2):
            with self._lock:
                ids = [(w, self._words.get(w)) for w in words]
            if all(these is not None for _, these in ids):
                return [(w, these) for w, these in ids if these]
            if attempt == 0:
                self.pieces([text])  # tokenizes and remembers the words not seen before
        return []  # the cache was emptied meanwhile

    def encode_cached(self, texts: Sequence[str], *,
                      clean: Callable[[str], str] | None = None) -> list[np.ndarray]:
        """`encode`, one row per text, remembering the rows of texts seen before (by the text as
        given; `clean` is applied before encoding). The rows are shared: do not modify them."""
        known = self._texts
        with self._lock:
            found = {t: known[t] for t in texts if t in known}
        new = [t for t in dict.fromkeys(texts) if t not in found]
        if new:
            fresh = dict(zip(new, self.encode([clean(t) for t in new] if clean else new), strict=True))
            with self._lock:
                if len(known) + len(new) > TEXT_CACHE:
                    known.clear()
                known.update(fresh)
            found.update(fresh)
        return [found[t] for t in texts]


@lru_cache(maxsize=1)
def static_vectors() -> StaticVectors:
    """The process's table, loaded once."""
    return StaticVectors.load()


def quantize(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and a float32 scale each (what the file stores): |error| ≤ scale / 2 per value."""
    peak = np.abs(table).max(axis=1)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    return np.round(table / scales[:, None]).clip(-127, 127).astype(np.int8), scales


def write(path: Path, table: np.ndarray, vocabulary: Sequence[str], meta: dict) -> Path:
    """Write a table in the shipped format (`StaticVectors.load` reads it)."""
    vectors, scales = quantize(np.asarray(table, dtype=np.float32))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        np.savez_compressed(handle, vectors=vectors, scales=scales,
                            vocabulary=np.array(list(vocabulary), dtype=str),
                            meta=np.array(json.dumps({"format": FORMAT, **meta}, sort_keys=True)))
    return path
