"""Benchmark the sentence segmenter: Golden Rules, GUM boundary accuracy, rule ablation, speed.

Usage: python bench/segmentation.py --golden PATH --gum PATH [--regression PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

try:
    import factcheck  # noqa: F401
except ImportError:  # not pip-installed yet: run from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import pysbd

from factcheck.analysis import segmenter
from factcheck.analysis.segmenter import RULES, SentenceSpan

Segment = Callable[[str], list[tuple[int, int]]]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    exact: int = 0
    gold: int = 0

    def add(self, gold: list[tuple[int, int]], pred: list[tuple[int, int]], skip: set[int]) -> None:
        gold_starts = {s for s, _ in gold} - skip
        pred_starts = {s for s, _ in pred} - skip
        self.tp += len(gold_starts & pred_starts)
        self.fp += len(pred_starts - gold_starts)
        self.fn += len(gold_starts - pred_starts)
        self.exact += len(set(gold) & set(pred))
        self.gold += len(gold)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / max(1, self.tp + self.fp)
        r = self.tp / max(1, self.tp + self.fn)
        return p, r, 2 * p * r / max(1e-9, p + r)


def ours(rules: Iterable[str] = RULES) -> Segment:
    rules = frozenset(rules)
    return lambda text: [(s.start, s.end) for s in segmenter._segment(text, rules)]


def pysbd_whole(text: str) -> list[tuple[int, int]]:
    """pySBD alone on the whole document, its own char spans, stripped."""
    spans = []
    for span in pysbd.Segmenter(language="en", clean=False, char_span=True).segment(text):
        lead = len(span.sent) - len(span.sent.lstrip())
        spans.append((span.start + lead, span.start + lead + len(span.sent.strip())))
    return spans


def golden(cases: list[dict], seg: Segment) -> tuple[int, list[str]]:
    failed = [
        c["title"]
        for c in cases
        if [c["text"][s:e] for s, e in seg(c["text"])] != [x.strip() for x in c["sentences"]]
    ]
    return len(cases) - len(failed), failed


def regression(cases: list[dict], seg: Segment) -> tuple[int, int, list[str]]:
    cases = [c for c in cases if isinstance(c.get("spans"), list)]
    failed = [
        c["issue"]
        for c in cases
        if [c["text"][s:e] for s, e in seg(c["text"])] != [x[0].strip() for x in c["spans"]]
    ]
    return len(cases) - len(failed), len(cases), failed


def paragraph_starts(text: str) -> set[int]:
    return {0} | {m.end() for m in re.finditer(r"\n\s*\n|\A\s+", text)}


def gum(docs: list[dict], seg: Segment, inner_only: bool = False) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for doc in docs:
        gold = [tuple(x) for x in doc["sentence_spans"]]
        skip = paragraph_starts(doc["text"]) if inner_only else {0}
        for key in (doc["genre"], "overall"):
            scores.setdefault(key, Score()).add(gold, seg(doc["text"]), skip)
    return scores


def as_lines(doc: dict) -> dict:
    # Paragraph breaks become single line breaks; same length, so gold offsets still hold.
    return {**doc, "text": doc["text"].replace("\n\n", " \n")}


def wrapped(doc: dict, width: int = 72) -> dict:
    # Hard-wrap each paragraph by turning spaces into newlines; offsets unchanged.
    chars, column = list(doc["text"]), 0
    for i, ch in enumerate(chars):
        if ch == "\n":
            column = 0
            continue
        if ch == " ":
            next_space = re.compile(r"\s").search(doc["text"], i + 1)
            word_end = next_space.start() if next_space else len(chars)
            if column + (word_end - i) > width:
                chars[i], column = "\n", 0
                continue
        column += 1
    return {**doc, "text": "".join(chars)}


def synthetic(docs: list[dict], words: int, seed: int = 7, joiner: str = "\n\n") -> str:
    rng = random.Random(seed)
    paragraphs = [p for d in docs if d["genre"] == "news" for p in d["text"].split("\n\n")]
    out, count = [], 0
    while count < words:
        p = rng.choice(paragraphs)
        # Vary numbers so the text is not one paragraph repeated verbatim.
        p = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(0, 9)), p)
        out.append(p)
        count += len(p.split())
    return joiner.join(out)


def speed(text: str, seg: Segment, repeat: int = 3) -> tuple[int, float]:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        n = len(seg(text))
        best = min(best, time.perf_counter() - t0)
    return n, n / best


def row(name: str, score: Score) -> str:
    p, r, f = score.prf()
    return f"| {name:<34} | {score.exact / score.gold:6.3f} | {p:6.3f} | {r:6.3f} | {f:6.3f} |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--golden", type=Path, required=True)
    parser.add_argument("--gum", type=Path, required=True)
    parser.add_argument("--regression", type=Path)
    parser.add_argument("--no-ablation", action="store_true")
    args = parser.parse_args(argv)

    cases = json.loads(args.golden.read_text(encoding="utf-8"))
    docs = [json.loads(line) for line in args.gum.read_text(encoding="utf-8").splitlines() if line]
    segment = ours()
    segmenter.segment("Warm up.")

    machine = f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    print(f"Machine: {machine}")
    print(f"pySBD {getattr(pysbd, '__version__', '?')}\n")
    passed, failed = golden(cases, segment)
    print(f"Golden Rules: {passed}/{len(cases)} (pySBD alone: {golden(cases, pysbd_whole)[0]})")
    for title in failed:
        print(f"  failed: {title}")
    if args.regression:
        reg = json.loads(args.regression.read_text(encoding="utf-8"))
        ok, total, bad = regression(reg, segment)
        print(f"pySBD regression char-span cases: {ok}/{total} (failed: {', '.join(bad) or '-'})")

    header = "| {:<34} | exact  |   P    |   R    |   F1   |".format("GUM (sentence starts)")
    print("\n" + header + "\n|" + "-" * 36 + "|--------|--------|--------|--------|")
    scores = gum(docs, segment)
    for key in sorted(scores, key=lambda k: (k == "overall", k)):
        print(row(key, scores[key]))
    print(row("overall, within paragraphs only", gum(docs, segment, inner_only=True)["overall"]))
    print(row("baseline: pySBD whole doc", gum(docs, pysbd_whole)["overall"]))
    print(row("baseline: pySBD per paragraph", gum(docs, ours(()))["overall"]))
    for genre in ("news",):
        print(row(f"baseline: pySBD whole doc, {genre}", gum(docs, pysbd_whole)[genre]))

    if not args.no_ablation:
        print(f"\n| {'Ablation (GUM)':<34} |  news F1 | overall F1 |")
        print("|" + "-" * 36 + "|----------|------------|")
        for rule in ["(all rules)", *sorted(RULES)]:
            scores = gum(docs, ours(RULES - {rule}))
            name = rule if rule.startswith("(") else f"without {rule}"
            news, overall = scores["news"].prf()[2], scores["overall"].prf()[2]
            print(f"| {name:<34} |   {news:.4f} |     {overall:.4f} |")
        title = "Line rule on GUM variants (F1)"
        print(f"\n| {title:<34} | with rule | pySBD: every newline splits |")
        print("|" + "-" * 36 + "|-----------|-----------------------------|")
        variants = (("paragraphs as single newlines", as_lines), ("hard-wrapped at 72", wrapped))
        for name, variant in variants:
            vdocs = [variant(d) for d in docs]
            on = gum(vdocs, segment)["overall"].prf()[2]
            off = gum(vdocs, ours(RULES - {"lines"}))["overall"].prf()[2]
            print(f"| {name:<34} |    {on:.4f} |                      {off:.4f} |")

    print("\n| Speed (synthetic news)              |  chars  | sentences | sentences/s |")
    print("|-------------------------------------|---------|-----------|-------------|")
    for words, joiner, label in (
        (5_000, "\n\n", "5,000 words"),
        (50_000, "\n\n", "50,000 words"),
        (50_000, " ", "50,000 words, no paragraph breaks"),
    ):
        text = synthetic(docs, words, joiner=joiner)
        n, rate = speed(text, segment)
        print(f"| {label:<35} | {len(text):>7} | {n:>9} | {rate:>11,.0f} |")


if __name__ == "__main__":
    main()
