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
from functools import lru_cache

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
_SUFFIXES = ("ational", "ization", "fulness", "ousness", "iveness", "ation", "ment", "ness", "ing",
             "edly", "ied", "ed", "ly", "er")


def clean(text: str) -> str:
    """Unicode-normalised text without links, handles and a tweet's signature line."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _TWEET_SIGNATURE.sub("", text)
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    return " ".join(text.replace("\x00", " ").split())


def stem(word: str) -> str:
    """A light stemmer: plurals, tenses and a few derivations; stems keep at least three letters."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    return word


def fold(word: str) -> str:
    if word.isascii():
        return word.lower().replace("'", "")
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("'", "")


@lru_cache(maxsize=200_000)
def _term(word: str) -> str:
    word = fold(word)
    if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
        return ""
    return stem(word)


@lru_cache(maxsize=50_000)
def terms(text: str) -> tuple[str, ...]:
    """Index terms: folded, stop words dropped, stemmed (the same for documents and queries)."""
    return _terms_of(clean(text))


def _terms_of(cleaned: str) -> tuple[str, ...]:
    return tuple(t for t in map(_term, _WORD.findall(cleaned)) if t)


def numbers(text: str) -> frozenset[str]:
    """The numbers in the text, commas dropped and trailing zero decimals trimmed ("1,000.0" → "1000")."""
    return _numbers_of(clean(text))


def _numbers_of(cleaned: str) -> frozenset[str]:
    found = set()
    for match in _NUMBER.finditer(cleaned):
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


def _bm25(qidf: Mapping[str, float], counts: Mapping[str, int], length: int, avg: float) -> float:
    """`bm25` with the query's idf and the document's term counts computed once."""
    norm = K1 * (1 - B + B * length / max(avg, 1.0))
    score = 0.0
    for term, weight in qidf.items():
        tf = counts.get(term)
        if tf:
            score += weight * tf * (K1 + 1) / (tf + norm)
    return score


def features(query: Query, candidates: Sequence[Candidate], stats: Stats, *,
             lexical_floor: float = 0.0) -> list[dict[str, float]]:
    """One feature row per candidate (in the order given); needs document frequencies of query terms only.

    BM25 is divided by the query's own weight (the sum of its terms' idf), so scores mean the same
    in a newsroom's first hundred verdicts as in a million.
    """
    qidf = {t: idf(stats.df.get(t, 0), stats.n_docs) for t in set(query.terms)}
    weight = sum(qidf.values()) or 1.0
    mean_idf = weight / max(len(qidf), 1)
    qbigrams = _bigrams(query.terms)
    rows = []
    for candidate in candidates:
        doc = _lexical(candidate.text, candidate.title, candidate.summary, candidate.terms)
        row = {
            "bm25": _bm25(qidf, doc.both, doc.claim_len + doc.title_len, stats.avg_len) / weight,
            "bm25_claim": _bm25(qidf, doc.claim, doc.claim_len, stats.avg_claim_len) / weight,
            "bm25_title": _bm25(qidf, doc.title, doc.title_len, stats.avg_title_len) / weight,
        }
        if _gated(row, candidate, lexical_floor):
            rows.append({**row, **_GATED})
            continue
        strings = _strings(candidate.text, candidate.title)
        shared_weight = sum(qidf[t] for t in doc.claim_terms & qidf.keys())
        shared_numbers = query.numbers & strings.numbers
        union = query.names | strings.names
        row |= {
            "bigrams": len(qbigrams & doc.bigrams) / max(1, len(doc.bigrams)),
            # How much of the stored claim the new text covers (words it lacks count at mean idf).
            "doc_cover": shared_weight / (shared_weight + len(doc.claim_terms - qidf.keys()) * mean_idf
                                          or 1),
            "set_ratio": fuzz.token_set_ratio(query.clean, strings.text) / 100,
            "partial": fuzz.partial_ratio(strings.text, query.clean) / 100 if strings.text else 0.0,
            "sort_ratio": fuzz.token_sort_ratio(query.clean, strings.text) / 100,
            "num_shared": float(bool(shared_numbers)),
            "num_clash": float(bool(query.numbers and strings.numbers and not shared_numbers)),
            "name_jaccard": len(query.names & strings.names) / len(union) if union else 0.0,
        }
        if candidate.similarity is not None:
            row["cosine"] = candidate.similarity
        rows.append(row)
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
    z = bias + sum(weight * row[name] for name, weight in weights.items())
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


def rescore(query: Query, candidates: Sequence[Candidate], stats: Stats,
            weights: Mapping[str, float] | None = None, bias: float | None = None, *,
            lexical_floor: float = 0.0) -> list[tuple[Candidate, float]]:
    """Candidates with their match probability, best first.

    With encoder similarities on every candidate the encoder's weights apply (`ENCODER_WEIGHTS`):
    the result is still a calibrated probability, so the thresholds keep their meaning.
    Candidates (without a similarity) whose BM25 share is below `lexical_floor` score 0 without
    the string comparisons: for suggestions, where only scores above a threshold matter.
    """
    if weights is None:
        encoded = bool(candidates) and all(c.similarity is not None for c in candidates)
        weights, bias = (ENCODER_WEIGHTS, ENCODER_BIAS) if encoded else (WEIGHTS, BIAS)
    bias = BIAS if bias is None else bias
    rows = features(query, candidates, stats, lexical_floor=lexical_floor)
    scored = [(c, 0.0 if _gated(r, c, lexical_floor) else max(combine(r, weights, bias),
                                                               _repeat_score(query, c)))
              for c, r in zip(candidates, rows, strict=True)]
    return sorted(scored, key=lambda pair: -pair[1])


def _gated(row: Mapping[str, float], candidate: Candidate, floor: float) -> bool:
    return row["bm25"] < floor and candidate.similarity is None


def _repeat_score(query: Query, candidate: Candidate) -> float:
    """The same words with the same numbers is the same claim, however small the collection."""
    doc = _strings(candidate.text, candidate.title)
    if query.numbers == doc.numbers and fuzz.ratio(query.clean, doc.text) >= REPEAT_RATIO:
        return REPEAT_SCORE
    return 0.0


def near_identical(a: str, b: str, *, threshold: float = 95.0) -> bool:
    """The same claim repeated: equal fingerprints, or a rapidfuzz ratio at or above `threshold`."""
    if fingerprint(a) == fingerprint(b):
        return True
    return fuzz.ratio(clean(a).lower(), clean(b).lower()) >= threshold
