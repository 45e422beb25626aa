"""The matcher's first stage: published claims in the database's own full-text index, and BM25 statistics.

SQLite ranks with FTS5's bm25(); PostgreSQL with ts_rank over a GIN-indexed tsvector. Both only
pick candidates: the re-scoring (analysis/claim_matcher.py) recomputes BM25 from `match_term`, so
the two databases rank the same candidates the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from factcheck.analysis import claim_matcher as cm
from factcheck.models.match import MatchDocument, MatchTerm

# Totals live in match_term under keys no term can have (terms never contain spaces).
DOCS, LENGTH, CLAIM_LENGTH, TITLE_LENGTH = " docs", " length", " claim_length", " title_length"
MAX_QUERY_WORDS = 10
COMPACT_ABOVE = 4  # segments (SQLite): the background maintenance compacts the index past this
COMMON_SHARE = 0.02  # on a large collection, words in more than 2% of claims only slow the OR query
COMMON_FLOOR = 2000
MAX_POSTINGS = 20_000  # rows the full-text query may rank
# PostgreSQL's ts_rank reads each row's tsvector (~8 µs a row): past this many postings, rank only
# the rows holding one of the rarest words or two of the chosen ones (GIN intersects the lists).
PG_RANK_BUDGET = 2000
PG_ALONE = 600  # postings of the words that may still match on their own
_ALNUM = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class DocumentInput:
    claim_id: int
    verdict_id: int
    rating_id: int | None
    text: str
    title: str = ""
    summary: str = ""
    published_at: datetime | None = None
    embedding: bytes | None = None  # the sentence encoder's vector of `text`, when it is on


@dataclass(frozen=True)
class Hit:
    """A document found by the full-text query: what re-scoring needs, nothing more (the summary
    only for a row indexed before its terms were stored)."""

    id: int
    claim_id: int
    verdict_id: int
    text: str
    title: str
    summary: str
    terms: str | None = None
    embedding: bytes | None = None


def _counts(doc: DocumentInput | MatchDocument) -> Counter[str]:
    claim, _, title = cm.stored_terms(doc.text, doc.title, doc.summary).partition("\n")
    claim, title = claim.split(), title.split()
    counts = Counter(set(claim) | set(title))
    counts.update({DOCS: 1, LENGTH: len(claim) + len(title), CLAIM_LENGTH: len(claim),
                   TITLE_LENGTH: len(title)})
    return counts


class MatchIndex:
    def __init__(self, db: Session) -> None:
        self.db = db
        self.dialect = db.get_bind().dialect.name

    # -- writing ---------------------------------------------------------------------------------

    def put(self, documents: Sequence[DocumentInput]) -> None:
        """Add or replace (one per claim) the given documents and update the term statistics."""
        claim_ids = [d.claim_id for d in documents]
        old = list(self.db.scalars(select(MatchDocument).where(MatchDocument.claim_id.in_(claim_ids))))
        delta: Counter[str] = Counter()
        for doc in old:
            delta.subtract(_counts(doc))
        if old:
            self.db.execute(delete(MatchDocument).where(MatchDocument.id.in_([d.id for d in old])))
        # One executemany INSERT: the bulk path (a benchmark's million claims) and a single verdict alike.
        self.db.execute(insert(MatchDocument), [
            {"claim_id": d.claim_id, "verdict_id": d.verdict_id, "rating_id": d.rating_id,
             "text": d.text, "title": d.title, "summary": d.summary, "published_at": d.published_at,
             "terms": cm.stored_terms(d.text, d.title, d.summary), "embedding": d.embedding}
            for d in documents])
        for doc in documents:
            delta.update(_counts(doc))
        self._add_counts(delta)
        self.db.flush()

    def segments(self) -> int:
        """SQLite: how many segments the full-text index is in (0 elsewhere)."""
        if self.dialect != "sqlite":
            return 0
        return int(self.db.scalar(text("SELECT count(DISTINCT segid) FROM match_document_fts_idx")) or 0)

    def compact(self) -> None:
        """SQLite: rebuild the full-text index from `match_document`, then merge it into one segment.

        FTS5 writes each transaction's rows as a new segment and merges them only now and then: an
        index built verdict by verdict (or batch by batch) sits in 15-20 segments, which every query
        reads and `bm25()` ranks across; matching an article's claims then costs about a third more
        CPU than against one segment (docs/matching.md). `optimize` alone is not used: on SQLite
        3.40 an index optimized about a thousand times reports itself malformed (reproduced here);
        starting from a rebuild each time, 3,000 compactions left it intact.
        """
        if self.dialect == "sqlite":
            self.db.execute(text("INSERT INTO match_document_fts(match_document_fts) VALUES ('rebuild')"))
            self.db.execute(text("INSERT INTO match_document_fts(match_document_fts) VALUES ('optimize')"))

    def _add_counts(self, delta: Counter[str]) -> None:
        values = [{"term": term[:100], "df": n} for term, n in sorted(delta.items()) if n]
        if not values:
            return
        insert = pg_insert if self.dialect == "postgresql" else sqlite_insert
        statement = insert(MatchTerm)
        statement = statement.on_conflict_do_update(
            index_elements=[MatchTerm.term], set_={"df": MatchTerm.df + statement.excluded.df})
        for start in range(0, len(values), 5000):
            self.db.execute(statement, values[start:start + 5000])

    # -- reading ---------------------------------------------------------------------------------

    def has_documents(self) -> bool:
        return bool(self.db.scalar(select(MatchTerm.df).where(MatchTerm.term == DOCS)))

    def stats(self, terms: Iterable[str]) -> cm.Stats:
        wanted = {*terms, DOCS, LENGTH, CLAIM_LENGTH, TITLE_LENGTH}
        df = dict(self.db.execute(
            select(MatchTerm.term, MatchTerm.df).where(MatchTerm.term.in_(wanted))).all())
        n = max(df.get(DOCS, 0), 1)
        return cm.Stats(df=df, n_docs=n, avg_len=df.get(LENGTH, 0) / n,
                        avg_claim_len=df.get(CLAIM_LENGTH, 0) / n,
                        avg_title_len=df.get(TITLE_LENGTH, 0) / n)

    def query_words(self, query: str, stats: cm.Stats, *, most: int = MAX_QUERY_WORDS,
                    common: int = COMMON_FLOOR) -> list[str]:
        """The query's rarest words (by the collection's statistics): what the index is asked for.

        Words in more than max(`common`, 2%) of the claims are left out when rarer ones exist.
        """
        words: dict[str, int] = {}
        for word in _ALNUM.findall(cm.fold(cm.clean(query))):
            term = cm.stem(word)
            if word not in cm.STOPWORDS and (len(word) > 1 or word.isdigit()) and term in stats.df:
                words.setdefault(word, stats.df[term])
        ranked = sorted(words, key=lambda w: words[w])
        cutoff = max(common, stats.n_docs * COMMON_SHARE)
        chosen, postings = [], 0
        for word in [w for w in ranked if words[w] <= cutoff] or ranked[:1]:
            # The database ranks every row any chosen word is in: bound that work, whatever the size.
            if len(chosen) == most or (chosen and postings + words[word] > MAX_POSTINGS):
                break
            chosen.append(word)
            postings += words[word]
        return chosen

    def search(self, queries: Sequence[Sequence[str]], *, limit: int, stats: cm.Stats | None = None,
               embeddings: bool = False, budget: tuple[int, int] | None = None) -> list[list[Hit]]:
        """For each list of words, the documents holding any of them, best first by the database's
        own ranking: one statement for all the lists (an article's claims in one round trip).

        `budget` (postings, alone): past that many postings, only rows holding one of the rarest
        words (up to `alone` postings) or two of the others are ranked. PostgreSQL always has one.
        """
        wanted = [i for i, words in enumerate(queries) if words]
        found: list[list[Hit]] = [[] for _ in queries]
        if not wanted:
            return found
        # The summary only matters for rows indexed before their terms were stored.
        columns = ("d.id, d.claim_id, d.verdict_id, d.text, d.title, "
                   "CASE WHEN d.terms IS NULL THEN d.summary ELSE '' END, d.terms") + (
            ", d.embedding" if embeddings else "")
        params: dict[str, object] = {"n": limit}
        branches = []
        for i in wanted:
            words = queries[i]
            dfs = [stats.df.get(cm.stem(w), 0) for w in words] if stats else None
            if self.dialect == "postgresql":
                params[f"q{i}"] = _filter(words, dfs, budget or (PG_RANK_BUDGET, PG_ALONE), " & ", " | ")
                params[f"r{i}"] = " | ".join(words)
                ranked = (f"SELECT id, ts_rank(search_vector, to_tsquery('english', :r{i})) AS r "
                          f"FROM match_document WHERE search_vector @@ to_tsquery('english', :q{i}) "
                          f"ORDER BY r DESC, id LIMIT :n")
            else:
                params[f"q{i}"] = _filter([f'"{w}"' for w in words], dfs, budget, " AND ", " OR ")
                # bm25() is lower for better matches: negated, both databases sort the same way.
                ranked = (f"SELECT rowid AS id, -bm25(match_document_fts, 1.0, 0.6, 0.4) AS r "
                          f"FROM match_document_fts WHERE match_document_fts MATCH :q{i} "
                          f"ORDER BY r DESC, rowid LIMIT :n")
            branches.append(f"SELECT {i} AS q, h.r, {columns} FROM ({ranked}) AS h "
                            f"JOIN match_document AS d ON d.id = h.id")
        rows = sorted(self.db.execute(text(" UNION ALL ".join(branches)), params),
                      key=lambda row: (row[0], -row[1], row[2]))
        for row in rows:
            found[row[0]].append(Hit(*row[2:]))
        return found

    def without_embedding(self, *, after: int, limit: int, everything: bool = False,
                          ) -> list[tuple[int, str]]:
        """(id, text) of documents past `after` lacking an encoder vector (or all of them), by id."""
        query = select(MatchDocument.id, MatchDocument.text).where(MatchDocument.id > after)
        if not everything:
            query = query.where(MatchDocument.embedding.is_(None))
        return [tuple(row) for row in self.db.execute(query.order_by(MatchDocument.id).limit(limit))]

    def set_embeddings(self, vectors: dict[int, bytes]) -> None:
        self.db.execute(update(MatchDocument), [{"id": i, "embedding": v} for i, v in vectors.items()])
        self.db.flush()


def _pg_query(words: Sequence[str], dfs: Sequence[int] | None) -> str:
    return _filter(words, dfs, (PG_RANK_BUDGET, PG_ALONE), " & ", " | ")


def _filter(words: Sequence[str], dfs: Sequence[int] | None, budget: tuple[int, int] | None,
            both: str, either: str) -> str:
    """`w1 | w2 …`, or past the budget the rarest words alone and every pair of the others."""
    if dfs is None or budget is None or sum(dfs) <= budget[0]:
        return either.join(words)
    alone, postings = [], 0
    for word, df in zip(words, dfs, strict=True):  # rarest first
        if postings + df > budget[1]:
            break
        alone.append(word)
        postings += df
    rest = words[len(alone):]
    pairs = [f"({a}{both}{b})" for i, a in enumerate(rest) for b in rest[i + 1:]]
    return either.join([*alone, *pairs]) or either.join(words)
