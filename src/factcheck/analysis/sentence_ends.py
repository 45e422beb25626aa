"""Sentence ends pySBD would certainly make, and periods it certainly would not: the segmenter's
fast path, so that only pieces with a doubtful mark cost a pySBD call.
"""

from __future__ import annotations

import re

from pysbd.lang.english import English

# Fast path: "word. Capital" after a word that is no abbreviation is a sentence end pySBD would
# also find; only pieces with other terminal marks need pySBD. The word may be a number of three
# or more digits after a word, a percentage, or end in a closing bracket ("(UNMIK). Allow").
# Closing quotes or brackets may follow the mark ('won." The', 'it.) When'): pySBD ends the
# sentence before or after them, and the segmenter moves a start past closers either way. An opening
# quote or bracket may precede the capital ('said. "We'): pySBD starts the sentence at it.
CLEAR_END = re.compile(
    r"(?<![\w.])(?P<word>[A-Za-z]{2,}|\d[\d,.]*%|(?<=[\w,] )(?:\d{3,}|\d{1,3}(?:,\d{3})+)"
    r"|[^\s()]*[A-Za-z0-9%]\))"
    r"(?P<inner>[\"'”’»]*)(?P<mark>[.!?])(?P<closers>[\"'”’»)\]]*)\s+(?P<opener>[\"“(]?)(?=[A-Z])"
)
_LIST_MARKER = re.compile(r"(?:[a-z]|[ivx]+|\d{1,2})\)")
# A ")" matters to pySBD after a list marker ("a)", "(iv)", "2)") or before a capital
# ("(LAUGHTER) I"); other closing brackets, as in "(UNMIK) has" or "(2015).", end nothing.
# Line breaks reach this far only with the "lines" rule off, and then pySBD splits at each.
AMBIGUOUS = re.compile(
    r"[!?…\n\r]|\.(?!\d)|(?<![^\s(])(?:[a-z]|[ivx]+)\)|(?<!\d)\d{1,2}\)|\)(?=\s+[A-Z])"
)


_ABBREVIATIONS = frozenset(a.lower() for a in English.Abbreviation.ABBREVIATIONS)
_PREPOSITIVE = frozenset(a.lower() for a in English.Abbreviation.PREPOSITIVE_ABBREVIATIONS)
_NUMBER_ABBREVIATIONS = frozenset(a.lower() for a in English.Abbreviation.NUMBER_ABBREVIATIONS)
_FIRST_PERSON = re.compile(r"I(?:\s|'m|'ll)")


def is_clear_end(block: str, match: re.Match[str], closers_ok: bool) -> bool:
    """Whether a CLEAR_END match in `block` is an end pySBD would make too."""
    if match.group("closers") and not closers_ok:
        return False  # without the quotes rule, where the closers go is pySBD's call
    word = match.group("word")
    if word[-1] == ")":
        return _LIST_MARKER.fullmatch(word) is None
    if match.group("mark") != "." or word.lower() not in _ABBREVIATIONS:
        return True
    # pySBD keeps a known abbreviation's period before a capital unless the abbreviation is
    # prepositive ("Gen. Smith"), or "(", "I ", "I'm", "I'll" follow; it only looks for the
    # abbreviation after whitespace, so anything else is left to pySBD itself.
    before = match.start("word")
    if before and not block[before - 1].isspace():
        return False
    if word.lower() in _PREPOSITIVE or match.group("inner") or match.group("closers"):
        return False
    if match.group("opener") == "(":
        return False
    return word.lower() in _NUMBER_ABBREVIATIONS or not _FIRST_PERSON.match(block, match.end())



# Periods that pySBD never treats as a sentence end, so pySBD (slow: ~1 ms per 100 characters)
# is only needed when something else is going on: a period inside a word ("podiobooks.com"); after
# a known abbreviation or an initialism ("Gen.", "U.S.", "a.m.") before a lowercase word or a
# digit; after a prepositive abbreviation ("Dr. Alonda"), a single capital ("Jonathan M. Stan") or
# an initialism ("K.C. Maurer") before a capital. "U.S. The", "6 P.M. Mr." and "you and I. Did"
# can end a sentence in pySBD.
_TOKEN_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?")
_MULTI_PERIOD = re.compile(r"[A-Za-z](?:\.[A-Za-z])+")
_BOUNDARY_INITIALISMS = frozenset({"u.s", "u.k", "e.u", "u.s.a", "i.v", "a.m", "p.m"})
_WORD_CHAR = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def never_ends(body: str, mark: re.Match[str]) -> bool:
    """Whether an AMBIGUOUS mark in `body` is a period pySBD would never end a sentence at."""
    if mark.group() != ".":
        return False
    at, after = mark.start(), mark.end()
    if at and body[at - 1] in _WORD_CHAR and body[after:after + 1] in _WORD_CHAR:
        return True  # pySBD never splits "x.y" (e-mail addresses, domains)
    following = body[after:after + 2].lstrip()
    token = _TOKEN_BEFORE.search(body, 0, at)
    if not following or token is None:
        return False
    word = token.group(1)
    if following[0].islower() or following[0].isdigit():
        return word.lower() in _ABBREVIATIONS or _INITIALISM.fullmatch(word + ".") is not None
    if not following[0].isupper() or not body[after].isspace():
        return False
    if token.start() and not body[token.start() - 1].isspace():
        return False
    if _MULTI_PERIOD.fullmatch(word):
        return word.lower() not in _BOUNDARY_INITIALISMS
    return word.lower() in _PREPOSITIVE or (len(word) == 1 and word.isupper() and word != "I")


