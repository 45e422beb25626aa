"""Distillation, measured cleanly: one fifth of the labelled debates held out from teacher and students.

    python bench/distillation.py --data ct24_train.tsv --texts ct20_debates_train.tsv \
        --leave-out ct24_dev.tsv --block 4 --work DIR

Needs the `train` and `encoder` extras; about 40 minutes on 2 CPUs (the teacher half an hour).
The labelled file is cut into five blocks in sentence-id order (the held-out-debate folds of
`factcheck detector train`); block N (1–5) is held out. The teacher (`Teacher`, as `factcheck
detector teacher` trains it) and two students (`train` without and with the transfer file, as
`factcheck detector train --vectors [--transfer]`) learn from the other four. The transfer text is
the corpus less the debates that share three or more sentences with the held-out block, less every
labelled or left-out sentence, so nothing about the held-out debates reaches the students.

Prints average precision and best F1 on the held-out block for the teacher, the linear model and
the default scorer, each without and with distillation. Files in DIR are reused when present (the
teacher's transfer file, the students), so a second run only measures. The last line is
`F1 0.xxx` for the distilled default scorer.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402

from factcheck.analysis.checkworthiness_model import LinearModel  # noqa: E402
from factcheck.analysis.checkworthiness_readout import ReadoutScorer  # noqa: E402
from factcheck.analysis.checkworthiness_teacher import (  # noqa: E402
    Teacher,
    augmented,
    normalised,
    read_transfer,
    write_transfer,
)
from factcheck.analysis.checkworthiness_training import read_labelled, train  # noqa: E402
from factcheck.analysis.claim_detector import ClaimDetector  # noqa: E402


def ranking(scores: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """Average precision and the best F1 over thresholds."""
    order = np.argsort(-scores, kind="stable")
    hits = gold[order].astype(float)
    found = np.cumsum(hits)
    precision = found / np.arange(1, len(hits) + 1)
    recall = found / max(hits.sum(), 1.0)
    ap = float((precision * hits).sum() / max(hits.sum(), 1.0))
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return ap, float(f1.max())


def corpus_sentences(path: Path, held: set[str], excluded: set[str]) -> tuple[list[str], list[str]]:
    """Sentences of a debates TSV (debate, …, text) whose debate shares < 3 sentences with ``held``."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or "debate" not in rows[0] or "text" not in rows[0]:
        raise SystemExit(f"error: {path}: expected the columns debate and text")
    by_debate: dict[str, list[str]] = {}
    for row in rows:
        by_debate.setdefault(row["debate"], []).append(" ".join(row["text"].split()))
    dropped = [d for d, ts in by_debate.items() if sum(normalised(t) in held for t in ts) >= 3]
    kept = (t for d, ts in by_debate.items() if d not in dropped for t in ts)
    return [t for t in dict.fromkeys(kept) if len(t) > 3 and normalised(t) not in excluded], dropped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="labelled TSV (ct24_train.tsv)")
    parser.add_argument("--texts", type=Path, required=True, help="debates TSV (ct20_debates_train.tsv)")
    parser.add_argument("--leave-out", type=Path, action="append", default=[],
                        help="labelled TSV kept out of the transfer (ct24_dev.tsv); repeatable")
    parser.add_argument("--block", type=int, choices=range(1, 6), default=5,
                        help="the fifth held out, in sentence-id order (5: the latest debates)")
    parser.add_argument("--work", type=Path, required=True, help="folder for the trained files")
    parser.add_argument("--augment", type=int, default=0,
                        help="also measure students given this many teacher-labelled perturbed "
                             "copies of each training sentence")
    args = parser.parse_args()

    texts, labels, _ = read_labelled(args.data)
    y = np.array(labels)
    held = np.array_split(np.arange(len(texts)), 5)[args.block - 1]
    rest = np.setdiff1d(np.arange(len(texts)), held)
    held_set = {normalised(texts[i]) for i in held}
    excluded = {normalised(t) for t in texts}
    for path in args.leave_out:
        excluded |= {normalised(t) for t in read_labelled(path)[0]}
    corpus, dropped = corpus_sentences(args.texts, held_set, excluded)
    work = args.work / f"block{args.block}"
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine    {machine()}")
    print(f"data       {args.data.name}: {len(rest):,} sentences to learn from, block {args.block} of 5 "
          f"held out ({len(held):,} sentences, {int(y[held].sum()):,} check-worthy)")
    print(f"transfer   {len(corpus):,} sentences of {args.texts.name}"
          f" (debates left out: {', '.join(dropped) or 'none'})")

    subset = work / "train.tsv"
    with subset.open("w", encoding="utf-8") as handle:
        handle.write("Sentence_id\tText\tclass_label\n")
        for i in rest:
            handle.write(f"{i}\t{' '.join(texts[i].split())}\t{'Yes' if y[i] else 'No'}\n")
    held_texts, gold = [texts[i] for i in held], y[held]

    transfer = work / "transfer.tsv"
    if not transfer.exists():
        started = time.perf_counter()
        teacher = Teacher(seed=0).fit([texts[i] for i in rest], y[rest].tolist(), seed=0,
                                      log=lambda line: print(line, flush=True))
        ap, f1 = ranking(teacher.logits(held_texts), gold)
        (work / "teacher.txt").write_text(f"{ap:.6f} {f1:.6f}\n", encoding="utf-8")
        write_transfer(transfer, corpus, 1.0 / (1.0 + np.exp(-teacher.logits(corpus))))
        teacher.save(work / "teacher.pt")
        print(f"teacher    trained and scored in {time.perf_counter() - started:.0f} s")
    runs: list[tuple[str, Path | None]] = [("", None), ("distilled ", transfer)]
    if args.augment:
        copies = work / f"augmented{args.augment}.tsv"
        if not copies.exists():
            if not (work / "teacher.pt").exists():
                raise SystemExit(f"error: {work}: the teacher's weights (teacher.pt) are missing; "
                                 "remove transfer.tsv there to train the teacher again")
            teacher = Teacher(seed=0).load(work / "teacher.pt")
            learned = [texts[i] for i in rest]
            variants = [(v, i) for v, i in augmented(learned, args.augment, seed=0)
                        if normalised(v) not in excluded and normalised(v) not in held_set]
            write_transfer(copies, [v for v, _ in variants],
                           1.0 / (1.0 + np.exp(-teacher.logits([v for v, _ in variants]))),
                           copy_of=[learned[i] for _, i in variants])
        both = work / f"transfer_augmented{args.augment}.tsv"
        if not both.exists():
            first, second = read_transfer(transfer), read_transfer(copies)
            write_transfer(both, [*first[0], *second[0]], np.concatenate([first[1], second[1]]),
                           copy_of=[*first[2], *second[2]])
        print(f"augmented  {sum(1 for _ in copies.open(encoding='utf-8')) - 1:,} perturbed copies")
        runs.append((f"distilled+aug{args.augment} ", both))
    if (work / "teacher.txt").exists():
        ap, f1 = map(float, (work / "teacher.txt").read_text(encoding="utf-8").split())
        print(f"{'teacher (fine-tuned MiniLM)':36s} AP {ap:.3f}  best F1 {f1:.3f}")

    f1 = float("nan")
    for tag, transfer_path in runs:
        model, vectors = work / f"{tag or 'plain '}model.json".replace(" ", "_"), \
            work / f"{tag or 'plain '}vectors.json".replace(" ", "_")
        if not vectors.exists():
            train([subset], out_path=model, vectors_out=vectors, transfer_path=transfer_path)
        for name, scorer in (("linear model", LinearModel.load(model)),
                             ("default scorer", ReadoutScorer.load(vectors, base_path=model))):
            results = ClaimDetector(scorer=scorer).score_sentences(held_texts)
            ap, f1 = ranking(np.array([r.score for r in results]), gold)
            print(f"{tag + name:36s} AP {ap:.3f}  best F1 {f1:.3f}")
    print(f"F1 {f1:.3f}")


if __name__ == "__main__":
    main()
