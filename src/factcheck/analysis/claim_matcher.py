"""Claim matching, the pure part: weigh terms (BM25), compare numbers and names, and re-score
first-stage candidates with rapidfuzz features (and the cosine of the two claims' sentence vectors:
the shipped static ones or the optional encoder's) combined by a small logistic model (the text
normalisation it relies on is in claim_text.py).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

# The text side lives in claim_text.py; its names are part of this module's interface too.
from factcheck.analysis.claim_text import (
    STOPWORDS, _names_of, _numbers_of, _terms_of, clean, fingerprint, fold, names, numbers, stem,
    terms,
)

__all__ = ["B", "BIAS", "Candidate", "ENCODER_BIAS", "ENCODER_WEIGHTS", "FEATURES", "K1", "Query",
    "REPEAT_RATIO", "REPEAT_SCORE", "STATIC_BIAS", "STATIC_WEIGHTS", "STOPWORDS", "SUGGEST_FLOOR", "Stats", "WEIGHTS", "bm25",
    "clean", "combine", "features", "fingerprint", "fold", "idf", "names", "near_identical",
    "numbers", "rescore", "stem", "stored_terms", "terms"]

# BM25 constants (the usual defaults; a grid on the train splits preferred them too).
K1 = 1.2
B = 0.75


def idf(df: int, n_docs: int) -> float:
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


def bm25(query: Sequence[str], doc: Sequence[str], *, df: Mapping[str, int], n_docs: int,
         avg_len: float) -> float:
    counts = Counter(doc)
    norm = K1 * (1 - B + B * len(doc) / max(avg_len, 1.0))
    score = 0.0
    for term in set(query):
        tf = counts.get(term, 0)
        if tf:
            score += idf(df.get(term, 0), n_docs) * tf * (K1 + 1) / (tf + norm)
    return score


@dataclass(frozen=True)
class Candidate:
    """A first-stage hit: a stored verified claim, its title and its verdict's summary."""

    key: int
    text: str
    title: str = ""
    summary: str = ""
    similarity: float | None = None  # sentence-encoder cosine with the query, when the encoder is on
    terms: str | None = None  # `stored_terms` of the claim, saved when it was indexed


@dataclass(frozen=True)
class Query:
    text: str
    clean: str
    terms: tuple[str, ...]
    numbers: frozenset[str]
    names: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Query:
        cleaned = clean(text)  # once: terms, numbers and names all read the cleaned text
        return cls(text, cleaned.lower(), _terms_of(cleaned), _numbers_of(cleaned), _names_of(cleaned))


@dataclass(frozen=True)
class Stats:
    """Collection statistics for BM25: document frequencies, size, mean length (all fields and per field)."""

    df: Mapping[str, int]
    n_docs: int
    avg_len: float
    avg_claim_len: float
    avg_title_len: float


FEATURES = ("bm25", "bm25_claim", "bm25_title", "rank_inv", "bigrams", "doc_cover", "set_ratio",
            "partial", "sort_ratio", "bm25_rel", "bm25_claim_rel", "bm25_title_rel", "num_shared",
            "num_clash", "name_jaccard")

# Pairwise logistic weights fitted on the TRAIN split of each CheckThat! task (`bench/matching.py
# --tune`), calibrated to a probability, then averaged over the two tasks. A number clash did not
# predict a non-match on train (debate sentences and claims write numbers differently): weight 0.
WEIGHTS = {
    "bm25": 2.761, "bm25_claim": 0.361, "bm25_title": 0.867, "rank_inv": 2.522, "bigrams": -1.73,
    "doc_cover": 0.145, "set_ratio": 1.773, "partial": 8.869, "sort_ratio": 4.978,
    "bm25_rel": 1.631, "bm25_claim_rel": -0.023, "bm25_title_rel": -0.323, "num_shared": 0.794,
    "num_clash": 0.0, "name_jaccard": 2.305,
}
BIAS = -14.506
# With the optional sentence encoder: the same features plus the cosine of the two claims' vectors,
# fitted and calibrated the same way on the train splits with 50 candidates (`bench/matching.py
# --tune --encoder`), averaged over the two tasks. The cosine carries most of the weight.
ENCODER_WEIGHTS = {
    "bm25": 1.332, "bm25_claim": -0.189, "bm25_title": 0.422, "rank_inv": 1.514, "bigrams": 0.731,
    "doc_cover": -1.084, "set_ratio": 0.187, "partial": 2.444, "sort_ratio": 1.067,
    "bm25_rel": 0.989, "bm25_claim_rel": -0.369, "bm25_title_rel": -0.434, "num_shared": 0.611,
    "num_clash": -0.181, "name_jaccard": -1.017, "cosine": 14.971,
}
ENCODER_BIAS = -13.425
# With the shipped static vectors (analysis/static_vectors.py, the default): the same features plus
# the cosine of the two claims' static vectors, fitted and calibrated the same way on the train
# splits with 50 candidates (`bench/matching.py --tune`), averaged over the two tasks.
STATIC_WEIGHTS = {
    "bm25": 2.046, "bm25_claim": -0.175, "bm25_title": 1.522, "rank_inv": 1.71, "bigrams": 0.03,
    "doc_cover": -0.636, "set_ratio": -0.091, "partial": 3.031, "sort_ratio": 0.845,
    "bm25_rel": 0.42, "bm25_claim_rel": -0.386, "bm25_title_rel": -0.459, "num_shared": 0.921,
    "num_clash": 0.041, "name_jaccard": -0.283, "cosine": 11.983,
}
STATIC_BIAS = -13.744
REPEAT_RATIO = 95.0  # rapidfuzz ratio at which a claim counts as repeated word for word
REPEAT_SCORE = 0.99


@dataclass(frozen=True)
class _Lexical:
    """A stored claim's terms as BM25 needs them (every candidate)."""

    claim: Mapping[str, int]  # term counts: the claim, title + summary, both
    title: Mapping[str, int]
    both: Mapping[str, int]
    claim_len: int
    title_len: int
    claim_terms: frozenset[str]
    bigrams: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class _Strings:
    """What the string comparisons need (only candidates above the lexical floor)."""

    text: str
    numbers: frozenset[str]
    names: frozenset[str]


# No train pair scoring 0.55 or more (none at 0.3) had a BM25 share below 0.2 (bench/matching.py):
# below SUGGEST_FLOOR a candidate cannot become a suggestion, so its string comparisons are skipped.
SUGGEST_FLOOR = 0.15
_GATED = {"bigrams": 0.0, "doc_cover": 0.0, "set_ratio": 0.0, "partial": 0.0, "sort_ratio": 0.0,
          "num_shared": 0.0, "num_clash": 0.0, "name_jaccard": 0.0}


def _bigrams(words: Sequence[str]) -> frozenset[tuple[str, str]]:
    return frozenset(zip(words, words[1:], strict=False))


def stored_terms(text: str, title: str = "", summary: str = "") -> str:
    """A stored claim's terms, computed when it is indexed: the claim's, a newline, title + summary's."""
    return f"{' '.join(terms(text))}\n{' '.join(terms(f'{title} {summary}'))}"


@lru_cache(maxsize=20_000)
def _lexical(text: str, title: str, summary: str, stored: str | None) -> _Lexical:
    """Term counts of a stored claim, from its stored terms when it has them (claims recur: cached)."""
    if stored is not None:
        first, _, second = stored.partition("\n")
        claim, heading = tuple(first.split()), tuple(second.split())
    else:
        claim, heading = terms(text), terms(f"{title} {summary}")
    return _Lexical(Counter(claim), Counter(heading), Counter(claim + heading), len(claim),
                    len(heading), frozenset(claim), _bigrams(claim))


@lru_cache(maxsize=20_000)
def _strings(text: str, title: str) -> _Strings:
    cleaned = clean(text)
    return _Strings(cleaned.lower(), _numbers_of(cleaned), names(f"{text} {title}"))


def _bm25s(qidf: Mapping[str, float], doc: _Lexical, stats: Stats) -> tuple[float, float, float]:
    """`bm25` over claim + title, the claim, the title, in one pass over the query's terms (each
    sum in the same order as `bm25` would add it)."""
    norm = K1 * (1 - B + B * (doc.claim_len + doc.title_len) / max(stats.avg_len, 1.0))
    claim_norm = K1 * (1 - B + B * doc.claim_len / max(stats.avg_claim_len, 1.0))
    title_norm = K1 * (1 - B + B * doc.title_len / max(stats.avg_title_len, 1.0))
    both = claim = title = 0.0
    for term, weight in qidf.items():
        tf = doc.both.get(term)
        if tf:  # a term of neither field is in neither
            both += weight * tf * (K1 + 1) / (tf + norm)
            if tf := doc.claim.get(term):
                claim += weight * tf * (K1 + 1) / (tf + claim_norm)
            if tf := doc.title.get(term):
                title += weight * tf * (K1 + 1) / (tf + title_norm)
    return both, claim, title


@dataclass(frozen=True)
class _Weighted:
    """A query's terms weighted against the collection (computed once per query)."""

    idf: Mapping[str, float]
    total: float  # the query's own weight: BM25 is divided by it
    bigrams: frozenset[tuple[str, str]]


_FUZZ = ("partial", "sort_ratio", "set_ratio")  # the string comparisons, costliest first


def features(query: Query, candidates: Sequence[Candidate], stats: Stats, *,
             lexical_floor: float = 0.0) -> list[dict[str, float]]:
    """One feature row per candidate (in the order given); needs document frequencies of query terms only.

    BM25 is divided by the query's own weight (the sum of its terms' idf), so scores mean the same
    in a newsroom's first hundred verdicts as in a million.
    """
    weighted, rows, docs = _lexical_rows(query, candidates, stats)
    for candidate, row, doc in zip(candidates, rows, docs, strict=True):
        if _gated(row, candidate, lexical_floor):
            row |= _GATED
            continue
        strings = _strings(candidate.text, candidate.title)
        row |= _word_features(query, weighted, doc, strings, candidate)
        row |= {name: _fuzz(name, query, strings) for name in _FUZZ}
    return rows


def _lexical_rows(query: Query, candidates: Sequence[Candidate], stats: Stats,
                  ) -> tuple[_Weighted, list[dict[str, float]], list[_Lexical]]:
    """BM25 features of every candidate, relative to the best of them, and their BM25 rank."""
    qidf = {t: idf(stats.df.get(t, 0), stats.n_docs) for t in set(query.terms)}
    weighted = _Weighted(qidf, sum(qidf.values()) or 1.0, _bigrams(query.terms))
    rows, docs = [], []
    for candidate in candidates:
        doc = _lexical(candidate.text, candidate.title, candidate.summary, candidate.terms)
        docs.append(doc)
        both, claim, title = _bm25s(qidf, doc, stats)
        rows.append({"bm25": both / weighted.total, "bm25_claim": claim / weighted.total,
                     "bm25_title": title / weighted.total})
    # Relative features: how a candidate compares with the best of this query's candidates.
    for name in ("bm25", "bm25_claim", "bm25_title"):
        top = max((r[name] for r in rows), default=0.0) or 1.0
        for row in rows:
            row[f"{name}_rel"] = row[name] / top
    order = sorted(range(len(rows)), key=lambda i: -rows[i]["bm25"])
    for rank, i in enumerate(order):
        rows[i]["rank_inv"] = 1 / (1 + rank)
    return weighted, rows, docs


def _word_features(query: Query, weighted: _Weighted, doc: _Lexical, strings: _Strings,
                   candidate: Candidate) -> dict[str, float]:
    """Shared words, numbers and names (cheap; the string comparisons are `_fuzz`)."""
    qidf = weighted.idf
    mean_idf = weighted.total / max(len(qidf), 1)
    shared_weight = sum(qidf[t] for t in doc.claim_terms & qidf.keys())
    shared_numbers = query.numbers & strings.numbers
    union = query.names | strings.names
    row = {
        "bigrams": len(weighted.bigrams & doc.bigrams) / max(1, len(doc.bigrams)),
        # How much of the stored claim the new text covers (words it lacks count at mean idf).
        "doc_cover": shared_weight / (shared_weight + len(doc.claim_terms - qidf.keys()) * mean_idf
                                      or 1),
        "num_shared": float(bool(shared_numbers)),
        "num_clash": float(bool(query.numbers and strings.numbers and not shared_numbers)),
        "name_jaccard": len(query.names & strings.names) / len(union) if union else 0.0,
    }
    if candidate.similarity is not None:
        row["cosine"] = candidate.similarity
    return row


def _fuzz(name: str, query: Query, strings: _Strings, cutoff: float = 0.0) -> float:
    """One string comparison in [0, 1]; 0 when below `cutoff` (in rapidfuzz's 0–100), which lets
    rapidfuzz stop early."""
    if name == "partial":
        return fuzz.partial_ratio(strings.text, query.clean, score_cutoff=cutoff) / 100 if strings.text else 0.0
    if name == "sort_ratio":
        return fuzz.token_sort_ratio(query.clean, strings.text, score_cutoff=cutoff) / 100
    return fuzz.token_set_ratio(query.clean, strings.text, score_cutoff=cutoff) / 100


def combine(row: Mapping[str, float], weights: Mapping[str, float] = WEIGHTS,
            bias: float = BIAS) -> float:
    """The match probability in [0, 1] from one feature row."""
    z = bias + sum(weight * row[name] for name, weight in weights.items())
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


def rescore(query: Query, candidates: Sequence[Candidate], stats: Stats,
            weights: Mapping[str, float] | None = None, bias: float | None = None, *,
            lexical_floor: float = 0.0, at_least: float = 0.0,
            similarity: Callable[[Query, Sequence[Candidate]], Sequence[float]] | None = None,
            ) -> list[tuple[Candidate, float]]:
    """Candidates with their match probability, best first.

    With encoder similarities on every candidate the encoder's weights apply (`ENCODER_WEIGHTS`):
    the result is still a calibrated probability, so the thresholds keep their meaning.
    `similarity`, when given, is asked for the cosine of the candidates that need one (those above
    the floor), in one call: the static vectors' path (the weights are then the caller's).
    Candidates whose BM25 share is below `lexical_floor` score 0 without the string comparisons:
    for suggestions, where only scores above a threshold matter.
    With `at_least` (suggestions: the lower threshold), a candidate that provably cannot reach it
    scores 0 too, its string comparisons cut short; every score at or above it is exact.
    """
    if weights is None:
        encoded = bool(candidates) and all(c.similarity is not None for c in candidates)
        weights, bias = (ENCODER_WEIGHTS, ENCODER_BIAS) if encoded else (WEIGHTS, BIAS)
    bias = BIAS if bias is None else bias
    weighted, rows, docs = _lexical_rows(query, candidates, stats)
    open_ = [i for i, (row, c) in enumerate(zip(rows, candidates, strict=True))
             if not _gated(row, c, lexical_floor)]
    cosines = (dict(zip(open_, similarity(query, [candidates[i] for i in open_]), strict=True))
               if similarity is not None and open_ else {})
    bound = math.log(at_least / (1 - at_least)) if 0.0 < at_least < 1.0 else None
    scores = [0.0] * len(candidates)
    for i in open_:
        candidate, row = candidates[i], rows[i]
        strings = _strings(candidate.text, candidate.title)
        row |= _word_features(query, weighted, docs[i], strings, candidate)
        if i in cosines:
            row["cosine"] = cosines[i]
        if bound is None:
            row |= {name: _fuzz(name, query, strings) for name in _FUZZ}
            score = combine(row, weights, bias)
        else:
            score = _bounded(query, strings, row, weights, bias, bound)
        scores[i] = max(score, _repeat_score(query, candidate))
    return sorted(zip(candidates, scores, strict=True), key=lambda pair: -pair[1])


def _bounded(query: Query, strings: _Strings, row: dict[str, float], weights: Mapping[str, float],
             bias: float, at_least: float) -> float:
    """`combine(row)` once the string comparisons are in, or 0 as soon as they cannot lift the
    logit to `at_least` (each is at most 1: the ones still to come are counted at their best)."""
    need = at_least - bias - sum(w * row[n] for n, w in weights.items() if n not in _FUZZ)
    best = {n: max(weights.get(n, 0.0), 0.0) for n in _FUZZ}
    for name in _FUZZ:
        weight = weights.get(name, 0.0)
        del best[name]
        # The least value that can still reach the threshold (a hair lower, for rounding).
        cutoff = (need - sum(best.values())) / weight * 100 - 1e-6 if weight > 0 else 0.0
        if cutoff > 100:
            return 0.0
        row[name] = _fuzz(name, query, strings, max(cutoff, 0.0))
        if cutoff > 0 and row[name] == 0.0:
            return 0.0
        need -= weight * row[name]
    return combine(row, weights, bias)


def _gated(row: Mapping[str, float], candidate: Candidate, floor: float) -> bool:
    # The encoder's suggestions pass no floor (a paraphrase may share few words); the static
    # vectors' do (checked on train: the same suggestions with and without it, bench/matching.py).
    return row["bm25"] < floor


def _repeat_score(query: Query, candidate: Candidate) -> float:
    """The same words with the same numbers is the same claim, however small the collection."""
    doc = _strings(candidate.text, candidate.title)
    if (query.numbers == doc.numbers
            and fuzz.ratio(query.clean, doc.text, score_cutoff=REPEAT_RATIO) >= REPEAT_RATIO):
        return REPEAT_SCORE
    return 0.0


def near_identical(a: str, b: str, *, threshold: float = 95.0) -> bool:
    """The same claim repeated: equal fingerprints, or a rapidfuzz ratio at or above `threshold`."""
    if fingerprint(a) == fingerprint(b):
        return True
    return fuzz.ratio(clean(a).lower(), clean(b).lower()) >= threshold
