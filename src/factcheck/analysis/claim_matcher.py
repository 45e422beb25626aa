"""Claim matching, the pure part: normalise text, weigh terms (BM25), compare numbers and names,
and re-score first-stage candidates with rapidfuzz features combined by a small logistic model.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

# BM25 constants (the usual defaults; a grid on the train splits preferred them too).
K1 = 1.2
B = 0.75

STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most
my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves rt via amp http https www com said says say also
""".split())

_URL = re.compile(r"https?://\S+|www\.\S+|pic\.twitter\.com/\S+", re.I)
_HANDLE = re.compile(r"@\w+")
# A pasted tweet ends "— Name (@handle) February 25, 2016": who posted it, not what it claims.
_TWEET_SIGNATURE = re.compile(r"\s[—–-]+\s[^—–]{0,80}\(@\w+\)\s+\w+ \d{1,2}, \d{4}\s*$")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])\d+(?:\.\d+)?")
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*")
_SUFFIXES = ("ational", "ization", "fulness", "ousness", "iveness", "ations", "ation", "ments",
             "ment", "ness", "ings", "ing", "edly", "ies", "ied", "ers", "er", "ed", "es", "ly", "s")


def clean(text: str) -> str:
    """Unicode-normalised text without links, handles and a tweet's signature line."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _TWEET_SIGNATURE.sub("", text)
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    return " ".join(text.replace("\x00", " ").split())


def stem(word: str) -> str:
    """A light suffix stripper: enough to meet plurals and tenses, never below four letters."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 4 and word[-1] == word[-2] else word


def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("'", "")


def terms(text: str) -> list[str]:
    """Index terms: folded, stop words dropped, stemmed (the same for documents and queries)."""
    out = []
    for match in _WORD.finditer(clean(text)):
        word = fold(match.group())
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        out.append(stem(word))
    return out


def numbers(text: str) -> frozenset[str]:
    """The numbers in the text, commas dropped and trailing zero decimals trimmed ("1,000.0" → "1000")."""
    found = set()
    for match in _NUMBER.finditer(clean(text)):
        value = match.group().replace(",", "")
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        found.add(value)
    return frozenset(found)


def names(text: str) -> frozenset[str]:
    """Capitalised words not at a sentence start and not stop words: a cheap named-entity proxy."""
    found = set()
    for match in _CAPITALISED.finditer(clean(text)):
        for word in match.group().split():
            folded = fold(word)
            if folded not in STOPWORDS and len(folded) > 2:
                found.add(folded)
    return frozenset(found)


def fingerprint(text: str) -> str:
    """Equal for texts that differ only in case, accents, punctuation, links and stop words."""
    return hashlib.sha1(" ".join(terms(text)).encode()).hexdigest()


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


@dataclass(frozen=True)
class Query:
    text: str
    clean: str
    terms: tuple[str, ...]
    numbers: frozenset[str]
    names: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Query:
        return cls(text, clean(text).lower(), tuple(terms(text)), numbers(text), names(text))


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

# Pairwise logistic weights fitted on the TRAIN splits of both CheckThat! tasks
# (`bench/matching.py --tune`); the bias maps the combined score to a match probability.
WEIGHTS = dict.fromkeys(FEATURES, 0.0) | {
    "bm25": 0.2, "bm25_claim": -0.07, "bm25_title": 0.03, "rank_inv": 2.0, "bigrams": -3.83,
    "doc_cover": 1.44, "set_ratio": 2.5, "partial": 8.51, "sort_ratio": 2.29, "bm25_rel": -2.77,
    "bm25_claim_rel": 1.2, "bm25_title_rel": 0.58,
}
BIAS = -12.0


def _weighted_cover(part: set[str], whole: set[str], stats: Stats) -> float:
    total = sum(idf(stats.df.get(t, 0), stats.n_docs) for t in whole)
    if not total:
        return 0.0
    return sum(idf(stats.df.get(t, 0), stats.n_docs) for t in part & whole) / total


def _bigrams(words: Sequence[str]) -> set[tuple[str, str]]:
    return set(zip(words, words[1:], strict=False))


def features(query: Query, candidates: Sequence[Candidate], stats: Stats) -> list[dict[str, float]]:
    """One feature row per candidate (in the order given)."""
    rows = []
    qset, qbigrams = set(query.terms), _bigrams(query.terms)
    for candidate in candidates:
        claim = terms(candidate.text)
        title = terms(f"{candidate.title} {candidate.summary}")
        text = clean(candidate.text).lower()
        doc_numbers = numbers(candidate.text)
        shared = query.numbers & doc_numbers
        doc_names = names(f"{candidate.text} {candidate.title}")
        union = query.names | doc_names
        claim_bigrams = _bigrams(claim)
        rows.append({
            "bm25": bm25(query.terms, claim + title, df=stats.df, n_docs=stats.n_docs,
                         avg_len=stats.avg_len),
            "bm25_claim": bm25(query.terms, claim, df=stats.df, n_docs=stats.n_docs,
                               avg_len=stats.avg_claim_len),
            "bm25_title": bm25(query.terms, title, df=stats.df, n_docs=stats.n_docs,
                               avg_len=stats.avg_title_len),
            "bigrams": len(qbigrams & claim_bigrams) / max(1, len(claim_bigrams)),
            "doc_cover": _weighted_cover(qset, set(claim), stats),
            "set_ratio": fuzz.token_set_ratio(query.clean, text) / 100,
            "partial": fuzz.partial_ratio(text, query.clean) / 100 if text else 0.0,
            "sort_ratio": fuzz.token_sort_ratio(query.clean, text) / 100,
            "num_shared": float(bool(shared)),
            "num_clash": float(bool(query.numbers and doc_numbers and not shared)),
            "name_jaccard": len(query.names & doc_names) / len(union) if union else 0.0,
        })
    # Relative features: how a candidate compares with the best of this query's candidates.
    for name in ("bm25", "bm25_claim", "bm25_title"):
        top = max((r[name] for r in rows), default=0.0) or 1.0
        for row in rows:
            row[f"{name}_rel"] = row[name] / top
    order = sorted(range(len(rows)), key=lambda i: -rows[i]["bm25"])
    for rank, i in enumerate(order):
        rows[i]["rank_inv"] = 1 / (1 + rank)
    return rows


def combine(row: Mapping[str, float], weights: Mapping[str, float] = WEIGHTS,
            bias: float = BIAS) -> float:
    """The match probability in [0, 1] from one feature row."""
    z = bias + sum(weights[name] * row[name] for name in FEATURES)
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


def rescore(query: Query, candidates: Sequence[Candidate], stats: Stats,
            weights: Mapping[str, float] = WEIGHTS, bias: float = BIAS,
            ) -> list[tuple[Candidate, float]]:
    """Candidates with their match probability, best first."""
    rows = features(query, candidates, stats)
    scored = [(c, combine(r, weights, bias)) for c, r in zip(candidates, rows, strict=True)]
    return sorted(scored, key=lambda pair: -pair[1])


def near_identical(a: str, b: str, *, threshold: float = 95.0) -> bool:
    """The same claim repeated: equal fingerprints, or a rapidfuzz ratio at or above `threshold`."""
    if fingerprint(a) == fingerprint(b):
        return True
    return fuzz.ratio(clean(a).lower(), clean(b).lower()) >= threshold
