"""Near-identical claims in the queue: the same claim repeated in one article or across articles.

Equal fingerprints (case, accents, punctuation, links and stop words aside) join at once; the rest
join when their rapidfuzz ratio reaches the threshold (all pairs in one vectorised cdist call).
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

from factcheck.analysis.claim_matcher import REPEAT_RATIO, clean, fingerprint


def group_near_identical(texts: Sequence[str], *, threshold: float = REPEAT_RATIO) -> list[list[int]]:
    """Indexes of `texts` in groups of two or more, each group and the groups in input order."""
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first_with: dict[str, int] = {}
    for i, text in enumerate(texts):
        join(i, first_with.setdefault(fingerprint(text), i))
    cleaned = [clean(t).lower() for t in texts]
    if len(cleaned) > 1:
        matrix = process.cdist(cleaned, cleaned, scorer=fuzz.ratio, score_cutoff=threshold)
        for i, j in zip(*matrix.nonzero(), strict=True):
            if i < j:
                join(int(i), int(j))
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]
