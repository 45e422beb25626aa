"""Benchmark claim re-anchoring across simulated article revisions (correct / orphaned / misplaced).

Run: PYTHONPATH=src python bench/reanchoring.py --docs gum_train_docs.jsonl [--seed 0] [--trials 20]
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
from collections import Counter, defaultdict
from dataclasses import dataclass

from factcheck.analysis.anchoring import locate, quote_selector

FILLERS = ["reportedly", "also", "now", "still", "only", "nearly", "recently", "very", "largely"]
TRAILERS = [", officials said", ", according to the report", ", he added", " last year"]
ROLES = {  # claim-level edit -> weight
    "untouched": 4, "repeated": 1, "light:word-changed": 1, "light:word-added": 1,
    "light:typo": 1, "light:quote-marks": 1, "heavy:rewritten": 1, "deleted": 1,
}


@dataclass
class Sentence:
    text: str
    claim: int | None = None  # index of the tracked claim this sentence carries
    copy_of: int | None = None  # a verbatim copy (pull quote) of that claim


def load(path: str) -> list[list[list[Sentence]]]:
    """Documents as paragraphs of sentences; the gold gaps are ' ' inside and '\\n\\n' between paragraphs."""
    docs = []
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        text, paragraphs, prev = d["text"], [[]], 0
        for s, e in d["sentence_spans"]:
            if "\n" in text[prev:s]:
                paragraphs.append([])
            paragraphs[-1].append(Sentence(text[s:e]))
            prev = e
        docs.append([p for p in paragraphs if p])
    return docs


def render(paragraphs: list[list[Sentence]], newline: str = "\n") -> tuple[str, dict[int, tuple[int, int]]]:
    parts, spans, pos = [], {}, 0
    for p, para in enumerate(paragraphs):
        for i, sent in enumerate(para):
            sep = "" if (p == 0 and i == 0) else (" " if i else newline * 2)
            parts.append(sep)
            pos += len(sep)
            if sent.claim is not None:
                spans[sent.claim] = (pos, pos + len(sent.text))
            if sent.copy_of is not None:
                spans[("copy", sent.copy_of)] = (pos, pos + len(sent.text))
            parts.append(sent.text)
            pos += len(sent.text)
    return "".join(parts), spans


def typo(rng: random.Random, text: str) -> str:
    words = [m for m in re.finditer(r"[A-Za-z]{4,}", text)]
    if not words:
        return text
    m = rng.choice(words)
    w, i = m.group(), rng.randrange(1, len(m.group()) - 1)
    kind = rng.randrange(3)
    new = w[:i] + w[i + 1] + w[i] + w[i + 2 :] if kind == 0 else w[:i] + w[i + 1 :] if kind == 1 else w[:i] + w[i] + w[i:]
    return text[: m.start()] + new + text[m.end() :]


def edit_claim(rng: random.Random, role: str, text: str, vocab: list[str]) -> str:
    words = list(re.finditer(r"\w{3,}", text))
    if role == "light:word-changed":
        m = rng.choice(words)
        new = str(int(m.group()) + rng.randint(1, 9)) if m.group().isdigit() else rng.choice(vocab)
        return text[: m.start()] + new + text[m.end() :]
    if role == "light:word-added":
        if rng.random() < 0.5 and text[-1] in ".!?":
            return text[:-1] + rng.choice(TRAILERS) + text[-1]
        m = rng.choice([w for w in words if w.start() > 0] or words)  # a word put before the quote is no edit of it
        return text[: m.start()] + rng.choice(FILLERS) + " " + text[m.start() :]
    if role == "light:typo":
        return typo(rng, text)
    if role == "light:quote-marks":
        text = re.sub(r'"(\S[^"]*?)"', "\u201c\\1\u201d", text)
        return re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)
    if role == "heavy:rewritten":
        kept = [w if rng.random() < 0.4 else rng.choice(vocab) for w in re.findall(r"\S+", text) if rng.random() < 0.85]
        return " ".join(kept or [rng.choice(vocab)])
    return text


def revise(rng: random.Random, doc: list[list[Sentence]], other: list[list[Sentence]], vocab: list[str]):
    """One revision: tracked claims with their roles, old text, new text, gold span (or None) per claim."""
    paragraphs = [[Sentence(s.text) for s in p] for p in doc]
    old, _ = render(paragraphs)
    flat = [s for p in paragraphs for s in p]
    counts = Counter(s.text for s in flat)
    eligible = [s for s in flat if len(s.text) >= 30 and counts[s.text] == 1 and old.count(s.text) == 1]
    picked = rng.sample(eligible, min(8, len(eligible)))
    claims = []
    for k, sent in enumerate(picked):
        s = old.index(sent.text)
        role = rng.choices(list(ROLES), weights=list(ROLES.values()))[0]
        if role == "light:quote-marks" and not re.search(r"\"|\w'\w", sent.text):
            role = "light:word-changed"
        claims.append((role, s, s + len(sent.text)))
        sent.claim = k
    # Edits elsewhere first, while sentences are still identifiable.
    for sent in rng.sample([s for s in flat if s.claim is None], min(3, len(flat) - len(picked))):
        sent.text = typo(rng, sent.text)
    free = [p for p in paragraphs if all(s.claim is None for s in p)]
    if len(paragraphs) > 3 and free:
        paragraphs.remove(rng.choice(free))
    for _ in range(rng.randint(1, 2)):
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), [Sentence(s.text) for s in rng.choice(other)])
    if rng.random() < 0.7:
        paragraphs.insert(rng.randrange(len(paragraphs)), paragraphs.pop(rng.randrange(len(paragraphs))))
    for k, sent in enumerate(picked):
        role = claims[k][0]
        if role == "repeated":  # a pull quote: the same sentence as its own paragraph elsewhere
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), [Sentence(sent.text, copy_of=k)])
        elif role == "deleted":
            for p in paragraphs:
                if sent in p:
                    p.remove(sent)
        else:
            sent.text = edit_claim(rng, role, sent.text, vocab)
    new, spans = render([p for p in paragraphs if p], "\r\n" if rng.random() < 0.1 else "\n")
    return [(role, s, e, spans.get(k), spans.get(("copy", k))) for k, (role, s, e) in enumerate(claims)], old, new


def judge(anchor, gold: tuple[int, int] | None, copy: tuple[int, int] | None = None) -> str:
    """correct, imprecise (overlaps the gold span), orphaned, copy (the verbatim pull quote), misplaced."""
    if anchor is None:
        return "correct" if gold is None else "orphaned"
    if gold is None:
        return "misplaced"
    if (anchor.start, anchor.end) == gold:
        return "correct"
    if (anchor.start, anchor.end) == copy:
        return "copy"
    overlap = min(anchor.end, gold[1]) - max(anchor.start, gold[0])
    union = max(anchor.end, gold[1]) - min(anchor.start, gold[0])
    return "imprecise" if overlap / union >= 0.5 else "misplaced"


def run(docs, seed: int, trials: int):
    vocab = sorted({w for d in docs for p in d for s in p for w in re.findall(r"[a-z]{4,}", s.text)})
    results: dict[str, Counter] = defaultdict(Counter)
    examples: dict[str, list] = defaultdict(list)
    elapsed, located = 0.0, 0
    for d, doc in enumerate(docs):
        for t in range(trials):
            rng = random.Random(f"{seed}:{d}:{t}")
            other = rng.choice(docs[:d] + docs[d + 1 :])
            claims, old, new = revise(rng, doc, other, vocab)
            for role, s, e, gold, copy in claims:
                q = quote_selector(old, s, e)
                t0 = time.perf_counter()
                anchor = locate(new, exact=q.exact, prefix=q.prefix, suffix=q.suffix, start=s, end=e)
                elapsed += time.perf_counter() - t0
                located += 1
                verdict = judge(anchor, gold, copy)
                results[role][verdict] += 1
                results[role][anchor.method if anchor else "none"] += 1
                if verdict in ("misplaced", "imprecise", "orphaned", "copy") and len(examples[role]) < 3:
                    got = new[anchor.start : anchor.end] if anchor else None
                    examples[role].append((verdict, q.exact, new[gold[0] : gold[1]] if gold else None, got))
    return results, examples, located, elapsed


def large_article(docs, seed: int, claims: int = 300):
    """Timing on a ~600,000-character article: a note inserted at the top shifts every claim."""
    rng = random.Random(seed)
    # The corpus once, then twice more with every sentence scrambled (heavy rewrite), so that the
    # padding holds no near-duplicate of a claim: three copies of one story is not a real article.
    vocab = sorted({w for d in docs for p in d for s in p for w in re.findall(r"[a-z]{4,}", s.text)})
    paragraphs = [[Sentence(edit_claim(rng, "heavy:rewritten", s.text, vocab) if r else s.text) for s in p]
                  for r in range(3) for d in docs for p in d]
    old, _ = render(paragraphs)
    flat = [s for p in paragraphs for s in p if len(s.text) >= 30 and old.count(s.text) == 1]
    picked = rng.sample(flat, claims)
    for k, s in enumerate(picked):
        s.claim = k
    old, spans = render(paragraphs)
    selectors = {k: (quote_selector(old, *spans[k]), spans[k]) for k in spans}
    for s in rng.sample(picked, claims // 10):
        s.text = edit_claim(rng, "light:word-added", s.text, ["new"])
    for s in rng.sample(picked, claims // 20):
        s.text = ""  # deleted
    paragraphs.insert(1, [Sentence("An editor's note was added at the top of the article.")])
    new, gold = render([[s for s in p if s.text] for p in paragraphs])
    found: Counter = Counter()
    t0 = time.perf_counter()
    for k, (q, (s, e)) in selectors.items():
        a = locate(new, exact=q.exact, prefix=q.prefix, suffix=q.suffix, start=s, end=e)
        found[judge(a, gold.get(k))] += 1
    return len(old), claims, time.perf_counter() - t0, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trials", type=int, default=20, help="revisions per document")
    args = parser.parse_args()
    docs = load(args.docs)
    results, examples, located, elapsed = run(docs, args.seed, args.trials)
    print(f"machine: {platform.platform()} | {platform.processor() or platform.machine()} | "
          f"{os.cpu_count()} CPUs | Python {sys.version.split()[0]}")
    print(f"{len(docs)} documents x {args.trials} revisions, seed {args.seed}\n")
    verdicts = ("correct", "imprecise", "copy", "orphaned", "misplaced")
    header = f"{'category':<20}{'claims':>7}" + "".join(f"{v:>10}" for v in verdicts) + "   methods"
    print(header + "\n" + "-" * len(header))
    total = Counter()
    for role in ROLES:
        c = results[role]
        n = sum(c[v] for v in verdicts)
        total.update({v: c[v] for v in verdicts})
        methods = " ".join(f"{m}={c[m]}" for m in ("position", "quote", "fuzzy", "none") if c[m])
        print(f"{role:<20}{n:>7}" + "".join(f"{100 * c[v] / max(n, 1):>9.1f}%" for v in verdicts) + f"   {methods}")
    n = sum(total.values())
    print(f"{'all':<20}{n:>7}" + "".join(f"{100 * total[v] / n:>9.1f}%" for v in verdicts)
          + f"   misplaced: {total['misplaced']}")
    print(f"\ntiming: {located} claims in {elapsed:.2f} s = {located / elapsed:,.0f} claims/s (locate only)")
    size, n, secs, found = large_article(docs, args.seed)
    print(f"large article: {size:,} chars, {n} claims in {secs:.2f} s = {n / secs:,.0f} claims/s; {dict(found)}")
    for role, rows in examples.items():
        for verdict, exact, gold, got in rows:
            print(f"\n[{role}] {verdict}\n  quote: {exact!r}\n  gold:  {gold!r}\n  got:   {got!r}")


if __name__ == "__main__":
    main()
