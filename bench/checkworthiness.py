"""Check-worthiness on a labelled TSV (CheckThat! 2024 Task 1 format): P/R/F1 of "Yes", speed.

    python bench/checkworthiness.py --data ct24_dev.tsv [--threshold 0.5] [--vectors-model FILE.json]
    python bench/checkworthiness.py --data ct24_dev.tsv --linear [--model FILE.json]
    python bench/checkworthiness.py --data ct24_dev.tsv --encoder [--encoder-model FILE.json]

Scores every sentence through ClaimDetector.score_sentences with the scorer `factcheck detect
--sentences` uses by default (the linear model with the static-vector read-out; --linear: the
linear model alone, as with FACTCHECK_DETECTOR_VECTORS=false; --encoder: the optional encoder
scorer, batched). A CheckThat! 2020
debates file (debate, line_number, speaker, text, label) also gets the per-debate ranking MAP.
The last line is exactly `F1 0.xxx`.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

try:
    import factcheck.analysis.claim_detector  # noqa: F401
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from factcheck.analysis.checkworthiness_model import MODEL_PATH, LinearModel  # noqa: E402
from factcheck.analysis.checkworthiness_readout import (  # noqa: E402
    ENCODER_MODEL_PATH,
    VECTORS_MODEL_PATH,
    ReadoutScorer,
)
from factcheck.analysis.checkworthiness_training import read_labelled  # noqa: E402
from factcheck.analysis.claim_detector import DEFAULT_THRESHOLD, ClaimDetector  # noqa: E402


def mean_average_precision(scores: list[float], gold: list[bool], docs: list[str]) -> float:
    """Rank each document's sentences by score; the mean of the per-document average precision."""
    by_doc: dict[str, list[tuple[float, bool]]] = {}
    for score, label, doc in zip(scores, gold, docs):
        by_doc.setdefault(doc, []).append((score, label))
    aps = []
    for rows in by_doc.values():
        rows.sort(key=lambda r: -r[0])
        hits, total = 0, 0.0
        for rank, (_, label) in enumerate(rows, start=1):
            if label:
                hits += 1
                total += hits / rank
        if hits:
            aps.append(total / hits)
    return sum(aps) / max(1, len(aps))


def make_scorer(args):
    if args.linear:
        return LinearModel.load(args.model or MODEL_PATH)
    if not (args.encoder or args.encoder_model):
        return ReadoutScorer.load(args.vectors_model or VECTORS_MODEL_PATH,
                                  base_path=args.model or MODEL_PATH)
    from factcheck.analysis.sentence_encoder import get_encoder  # noqa: PLC0415

    encoder = get_encoder()
    if encoder is None:
        raise ValueError("the encoder scorer needs the `encoder` extra (make encoder)")
    return ReadoutScorer.load(args.encoder_model or ENCODER_MODEL_PATH,
                              base_path=args.model or MODEL_PATH, vectors=encoder)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--model", type=Path, help="a linear model file other than the shipped one")
    parser.add_argument("--linear", action="store_true",
                        help="score with the linear model alone (FACTCHECK_DETECTOR_VECTORS=false)")
    parser.add_argument("--encoder", action="store_true",
                        help="score with the optional encoder scorer (the `encoder` extra)")
    parser.add_argument("--encoder-model", type=Path,
                        help="an encoder model file other than the shipped one (implies --encoder)")
    parser.add_argument("--vectors-model", type=Path,
                        help="a static-vector model file other than the shipped one")
    args = parser.parse_args(argv)
    if args.linear and (args.encoder or args.encoder_model or args.vectors_model):
        parser.error("--linear scores with the linear model alone: no --encoder or --vectors-model")
    try:
        texts, gold, docs = read_labelled(args.data)
        scorer = make_scorer(args)
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None

    detector = ClaimDetector(threshold=args.threshold, scorer=scorer)
    detector.score_sentences(["Warm-up: the model and gazetteer load here, not in the timing."])
    started, cpu_started = time.perf_counter(), time.process_time()
    results = detector.score_sentences(texts)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started

    predicted = [r.is_claim for r in results]
    tp = sum(p and g for p, g in zip(predicted, gold))
    precision = tp / max(1, sum(predicted))
    recall = tp / max(1, sum(gold))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"data       {args.data} ({len(texts)} sentences, {sum(gold)} Yes)")
    print(f"scorer     {type(detector.scorer).__name__}")
    print(f"threshold  {args.threshold}")
    print(f"precision  {precision:.3f}")
    print(f"recall     {recall:.3f}")
    if len(set(docs)) > 1:
        scores = [r.score for r in results]
        print(f"MAP        {mean_average_precision(scores, gold, docs):.3f} "
              f"(per document, {len(set(docs))} documents)")
    cores = "one core"
    if args.encoder or args.encoder_model:
        import torch  # noqa: PLC0415

        cores = f"torch on {torch.get_num_threads()} threads, their CPU time summed"
    print(f"speed      {len(texts) / elapsed:,.0f} sentences/s wall clock, "
          f"{len(texts) / max(cpu, 1e-9):,.0f} sentences per CPU-second (one process, {cores}; "
          f"load average {os.getloadavg()[0]:.1f})")
    print(f"machine    {platform.platform()}, {os.cpu_count()} CPUs, "
          f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"F1 {f1:.3f}")


if __name__ == "__main__":
    main()
