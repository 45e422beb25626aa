"""Check-worthiness on a labelled TSV (CheckThat! 2024 Task 1 format): P/R/F1 of "Yes", speed.

    python bench/checkworthiness.py --data ct24_dev.tsv [--threshold 0.5]

Scores every sentence through ClaimDetector.score_sentences, the path `factcheck detect
--sentences` uses. The last line is exactly `F1 0.xxx`.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
from pathlib import Path

try:
    from factcheck.analysis.claim_detector import DEFAULT_THRESHOLD, ClaimDetector
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from factcheck.analysis.claim_detector import DEFAULT_THRESHOLD, ClaimDetector


def read_tsv(path: Path) -> tuple[list[str], list[bool]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows or not {"Text", "class_label"} <= set(rows[0]):
        raise SystemExit(f"{path}: expected columns Sentence_id, Text, class_label")
    return [r["Text"] for r in rows], [r["class_label"].strip().lower() == "yes" for r in rows]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args(argv)
    texts, gold = read_tsv(args.data)

    detector = ClaimDetector(threshold=args.threshold)
    detector.score_sentences(["Warm-up: the model and gazetteer load here, not in the timing."])
    started = time.perf_counter()
    results = detector.score_sentences(texts)
    elapsed = time.perf_counter() - started

    predicted = [r.is_claim for r in results]
    tp = sum(p and g for p, g in zip(predicted, gold))
    precision = tp / max(1, sum(predicted))
    recall = tp / max(1, sum(gold))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"data       {args.data} ({len(texts)} sentences, {sum(gold)} Yes)")
    print(f"threshold  {args.threshold}")
    print(f"precision  {precision:.3f}")
    print(f"recall     {recall:.3f}")
    print(f"speed      {len(texts) / elapsed:,.0f} sentences/s (one process, one core)")
    print(f"machine    {platform.platform()}, {os.cpu_count()} CPUs, "
          f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"F1 {f1:.3f}")


if __name__ == "__main__":
    main()
