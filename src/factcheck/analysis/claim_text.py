"""Claim text for matching: cleaning (links, handles, tweet signatures), stop words, a light stemmer,
accent folding, and the terms, numbers and names that matching compares.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

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


@lru_cache(maxsize=100_000)
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
    return _names_of(clean(text))


def _names_of(cleaned: str) -> frozenset[str]:
    found = set()
    for match in _CAPITALISED.finditer(cleaned):
        for word in match.group().split():
            folded = fold(word)
            if folded not in STOPWORDS and len(folded) > 2:
                found.add(folded)
    return frozenset(found)


def fingerprint(text: str) -> str:
    """Equal for texts that differ only in case, accents, punctuation, links and stop words."""
    return hashlib.sha1(" ".join(terms(text)).encode()).hexdigest()
