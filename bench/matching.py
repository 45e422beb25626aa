"""Claim matching quality and latency through the product's own services, in a fresh database.

Usage: python bench/matching.py --vclaims V.jsonl --queries Q.tsv --qrels R.tsv
       [--database-url URL] [--synthesize N] [--tune] [--ingest-docs gum_train_docs.jsonl]
       [--ingest-runs N] [--encoder [--encoder-cache DIR] | --lexical] [--candidates K]
Prints MAP@5 (AP@5 over the number of relevant claims, as CheckThat! computes it), MRR, recall@5,
query latency (`match()`, what the claim page's "checked before" list runs) and suggestion latency
per new claim (what ingest runs); the last line is `MAP@5 0.xxx`. `--tune` fits the re-scoring
weights instead; `--lexical` leaves the static vectors out, for comparison.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import tempfile
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from _common import machine, median, percentile
from sqlalchemy import insert, select
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url

from factcheck import migrations
from factcheck.analysis import claim_matcher as cm
from factcheck.db import make_engine, make_session_factory
from factcheck.models import Article, ArticleRevision, Claim, Rating, Verdict, utcnow
from factcheck.services.match_index import DocumentInput
from factcheck.services.match_search import MatchSearch
from factcheck.services.matching import CANDIDATES, ENCODER_CANDIDATES, MatchingService
from factcheck.settings import Settings

BATCH = 2000


def read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]


@contextmanager
def fresh_database(url: str | None):
    """A temporary SQLite file, or a scratch database on the given PostgreSQL server (dropped after)."""
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/matching.db"
        return
    server = make_url(url)
    name = f"bench_matching_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sql(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_NUM = re.compile(r"\d+")


def synthesize(vclaims: list[dict], n: int, seed: int = 7) -> list[dict]:
    """Variants of the real claims (numbers, names and years swapped, clauses shuffled) up to n."""
    rng = random.Random(seed)
    names = sorted({w for v in vclaims[:5000] for w in cm.names(v["vclaim"])})
    out = []
    for i in range(n - len(vclaims)):
        base = rng.choice(vclaims)
        text = _NUM.sub(lambda m: str(int(m.group()) + rng.randint(1, 9)), base["vclaim"])
        words = text.split()
        for j, word in enumerate(words):
            if word[:1].isupper() and j and rng.random() < 0.5 and names:
                words[j] = rng.choice(names).title()
        clauses = " ".join(words).split(", ")
        rng.shuffle(clauses)
        out.append({"vclaim_id": f"synthetic-{i}", "vclaim": ", ".join(clauses),
                    "title": base.get("title", "")})
    return out


def vectors(encoder, texts: list[str], cache: Path | None) -> list[bytes]:
    """The encoder's vectors of `texts` as stored blobs; with `cache`, kept in a file between runs."""
    import numpy as np

    from factcheck.analysis.sentence_encoder import to_blob

    key = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:16]
    path = cache / f"vectors-{key}.npy" if cache else None
    if path and path.exists():
        matrix = np.load(path)
    else:
        matrix = encoder.encode([cm.clean(t) for t in texts])
        if path:
            cache.mkdir(parents=True, exist_ok=True)
            np.save(path, matrix)
    return [to_blob(row) for row in matrix]


def load(factory, vclaims: list[dict], settings: Settings | None = None,
         cache: Path | None = None) -> dict[int, str]:
    """Each verified claim as a published verdict on a claim, indexed by the matching service.

    Claims and verdicts go in as executemany INSERTs with ids chosen here (a million ORM objects
    would take an hour); the index is filled by the service's own bulk path.
    """
    ids: dict[int, str] = {}
    with factory() as db:
        rating = Rating(name="bench", label="Checked", value=3, colour="#777777", position=0)
        article = Article(title="Verified claims")
        db.add_all([rating, article])
        db.flush()
        revision = ArticleRevision(article_id=article.id, number=1, text="", content_hash="bench")
        db.add(revision)
        db.flush()
        service = MatchingService(db, settings=settings)
        blobs = (vectors(service.encoder, [v["vclaim"] for v in vclaims], cache) if service.encoder
                 else [None] * len(vclaims))
        now = utcnow()
        postgres = db.get_bind().dialect.name == "postgresql"
        if postgres:  # bulk load: build the GIN index once at the end, not row by row
            db.execute(sql("DROP INDEX ix_match_document_search_vector"))
        for start in range(0, len(vclaims), BATCH):
            batch = list(enumerate(vclaims[start:start + BATCH], start + 1))
            db.execute(insert(Claim), [
                {"id": i, "article_id": article.id, "revision_id": revision.id,
                 "status": "published", "exact": v["vclaim"], "start": 0, "end": len(v["vclaim"]),
                 "kinds": [], "reasons": []} for i, v in batch])
            db.execute(insert(Verdict), [
                {"id": i, "claim_id": i, "state": "published", "rating_id": rating.id,
                 "claim_reviewed": v["vclaim"], "summary": v.get("subtitle", ""),
                 "published_at": now} for i, v in batch])
            service.index.put([DocumentInput(claim_id=i, verdict_id=i, rating_id=rating.id,
                                             text=v["vclaim"], title=v.get("title", ""),
                                             summary=v.get("subtitle", ""), published_at=now,
                                             embedding=blobs[i - 1])
                               for i, v in batch])
            ids.update({i: v["vclaim_id"] for i, v in batch})
            db.commit()
            if start and start % 100_000 == 0:
                print(f"  {start:,} claims loaded", flush=True)
        if postgres:
            db.execute(sql("CREATE INDEX ix_match_document_search_vector ON match_document "
                           "USING gin (search_vector)"))
            db.execute(sql("ANALYZE"))
            db.commit()
    return ids


def evaluate(factory, ids, queries, qrels, settings: Settings, candidates: int | None,
             ) -> tuple[dict[str, float], list[float], list[tuple[float, bool]]]:
    aps, rrs, recalls, latencies, scored = [], [], [], [], []
    with factory() as db:
        service = MatchingService(db, settings=settings)
        service.match("warm up the caches")
        if service.encoder:
            service.encoder.encode(["warm up the encoder"])
        for qid, relevant in qrels.items():
            started = time.perf_counter()
            found = service.match(queries[qid], limit=5, candidates=candidates)
            latencies.append((time.perf_counter() - started) * 1000)
            ranked = [ids.get(m.document.claim_id) for m in found]
            scored += [(m.score, ids.get(m.document.claim_id) in relevant) for m in found[:3]]
            hits, ap, rr = 0, 0.0, 0.0
            for rank, vid in enumerate(ranked, 1):
                if vid in relevant:
                    hits += 1
                    ap += hits / rank
                    rr = rr or 1 / rank
            aps.append(ap / len(relevant))
            rrs.append(rr)
            recalls.append(hits / len(relevant))
    n = len(aps)
    return ({"MAP@5": sum(aps) / n, "MRR": sum(rrs) / n, "recall@5": sum(recalls) / n}, latencies,
            scored)


def suggestion_latencies(factory, texts: list[str], settings: Settings) -> list[float]:
    """Milliseconds to compute one new claim's suggestions (what ingest does per claim, an article's
    claims then sharing each statement; nothing is stored here): the product's suggestion plan."""
    from factcheck.services.matching import ENCODER_SUGGEST_PLAN, SUGGEST_PLAN

    latencies = []
    with factory() as db:
        service = MatchingService(db, settings=settings)
        plan = ENCODER_SUGGEST_PLAN if service.encoder else SUGGEST_PLAN
        service._rank(["warm up the caches"], [None], **plan, at_least=service.suggest_at)
        for text in texts:
            started = time.perf_counter()
            service._rank([text], [None], **plan, at_least=service.suggest_at)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def print_thresholds(scored: list[tuple[float, bool]], relevant: int) -> None:
    """Precision of the top-3 pairs above each threshold: what suggestions and auto-links would be."""
    for at in (0.3, 0.55, 0.75, 0.9, 0.95):
        above = [good for score, good in scored if score >= at]
        precision = sum(above) / len(above) if above else float("nan")
        print(f"  score >= {at:.2f}: {len(above)} pairs, precision {precision:.2f}, "
              f"{sum(above)} relevant of {relevant}")


def tune(factory, ids, queries, qrels, settings: Settings, candidates: int) -> None:
    """Fit pairwise logistic weights on these (TRAIN) queries and print them for claim_matcher."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    pairs, labels, points, point_labels = [], [], [], []
    with factory() as db:
        service = MatchingService(db, settings=settings)
        names = cm.FEATURES + (("cosine",) if service.encoder or service.vectors else ())
        for qid, relevant in qrels.items():
            query = cm.Query.of(queries[qid])
            stats = service.index.stats(query.terms)
            docs = service.candidates(queries[qid], limit=candidates, stats=stats)
            if not docs:
                continue
            similarity = (service._similarities([queries[qid]], [docs])[0] if service.encoder else
                          service._static_similarities([queries[qid]], [docs])[0] if service.vectors
                          else None)
            rows = cm.features(query, [cm.Candidate(d.id, d.text, d.title, d.summary,
                                                    similarity[j] if similarity else None, d.terms)
                                       for j, d in enumerate(docs)], stats)
            x = [[r[f] for f in names] for r in rows]
            good = [i for i, d in enumerate(docs) if ids[d.claim_id] in relevant]
            bad = [i for i, d in enumerate(docs) if ids[d.claim_id] not in relevant][:20]
            for p in good:
                for q in bad:
                    pairs += [np.subtract(x[p], x[q]), np.subtract(x[q], x[p])]
                    labels += [1, 0]
            points += x
            point_labels += [ids[d.claim_id] in relevant for d in docs]
    ranker = LogisticRegression(C=1.0, max_iter=5000, fit_intercept=False).fit(pairs, labels)
    weights = ranker.coef_[0]
    scores = np.array(points) @ weights
    calibration = LogisticRegression(max_iter=1000).fit(scores.reshape(-1, 1), point_labels)
    scale, bias = calibration.coef_[0][0], calibration.intercept_[0]
    print("WEIGHTS =", {f: round(float(w * scale), 3) for f, w in zip(names, weights, strict=True)})
    print("BIAS =", round(float(bias), 3))


def ingest_timings(factory, url: str, docs: Path, base: Settings, runs: int = 15,
                   ) -> tuple[dict[bool, list[tuple[float, float]]], list[tuple]]:
    """Ingest 1,000-word news articles with matching on and off (alternating): (wall, CPU) seconds
    each. The process's CPU time is the figure to trust on a shared machine (SQLite runs in-process).
    Also the suggestions made (article, claim, matched claim, score, state): a change that should
    only make matching cheaper must leave them as they were.
    """
    from ingest import make_articles, paragraphs_from

    from factcheck.models.match import MatchSuggestion
    from factcheck.services.ingest import IngestService

    articles = make_articles(paragraphs_from(docs), 1000, 2 * runs, seed=11)
    timings: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    made: list[tuple] = []
    for index, body in enumerate(articles):
        enabled = index % 2 == 0
        settings = base.model_copy(update={"database_url": url, "matching_enabled": enabled})
        started, cpu = time.perf_counter(), time.process_time()
        with factory() as db:
            IngestService(db, settings=settings).ingest(text=body, title=f"Bench {index}")
            timings[enabled].append((time.perf_counter() - started, time.process_time() - cpu))
            made += [(index, *row) for row in db.execute(
                select(Claim.exact, MatchSuggestion.matched_claim_id, MatchSuggestion.score,
                       MatchSuggestion.state).join(Claim, Claim.id == MatchSuggestion.claim_id))]
            db.rollback()  # leave the collection as it was
    return timings, sorted(made)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vclaims", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--qrels", type=Path, required=True)
    parser.add_argument("--database-url")
    parser.add_argument("--synthesize", type=int, default=0)
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--ingest-docs", type=Path, help="news paragraphs (gum_train_docs.jsonl): "
                        "also time ingesting 1,000-word articles with matching on and off")
    parser.add_argument("--ingest-runs", type=int, default=15, help="articles ingested with matching on "
                        "(and as many with it off) for --ingest-docs")
    parser.add_argument("--encoder", action="store_true", help="re-rank with the sentence encoder "
                        "(FACTCHECK_MATCHING_ENCODER; needs the `encoder` extra)")
    parser.add_argument("--lexical", action="store_true", help="lexical features only, without "
                        "the static vectors (FACTCHECK_MATCHING_VECTORS=0), for comparison")
    parser.add_argument("--candidates", type=int, help="first-stage hits re-scored per query "
                        "(default: the product's, which depends on --encoder)")
    parser.add_argument("--encoder-cache", type=Path, help="keep the collection's vectors in this "
                        "folder between runs (quality runs only: loading then skips encoding)")
    args = parser.parse_args()
    settings = Settings(_env_file=None, matching_encoder=args.encoder,
                        matching_vectors=not args.lexical)

    vclaims = [json.loads(line) for line in args.vclaims.open(encoding="utf-8")]
    queries = dict(read_tsv(args.queries))
    qrels: dict[str, set[str]] = defaultdict(set)
    for qid, vid in read_tsv(args.qrels):
        qrels[qid].add(vid)
    print(f"machine: {machine()}")
    with fresh_database(args.database_url) as url:
        migrations.upgrade(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        started = time.perf_counter()
        collection = vclaims + (synthesize(vclaims, args.synthesize) if args.synthesize else [])
        ids = load(factory, collection, settings, args.encoder_cache)
        print(f"database: {engine.dialect.name}; {len(ids):,} claims loaded and indexed in "
              f"{time.perf_counter() - started:.1f} s")
        if args.tune:
            tune(factory, ids, queries, qrels, settings,
                 args.candidates or (CANDIDATES if args.lexical else ENCODER_CANDIDATES))
            engine.dispose()
            return
        # Suggestions first, while the queries' candidates are not yet in any cache.
        suggesting = suggestion_latencies(factory, [queries[q] for q in qrels], settings)
        figures, latencies, scored = evaluate(factory, ids, queries, qrels, settings, args.candidates)
        if args.ingest_docs:
            # As loaded (FTS5 segments as batch writes leave them), then compacted as `factcheck
            # serve`/`worker` do in the background once it has fragmented (SQLite).
            for state in ("as loaded", "compacted"):
                if state == "compacted":
                    with factory() as db:
                        if MatchSearch(db).compact_index(force=True) is None:
                            break  # PostgreSQL: nothing to compact
                        db.commit()
                with factory() as db:
                    segments = MatchSearch(db).index.segments()
                timings, made = ingest_timings(factory, url, args.ingest_docs, settings,
                                              runs=args.ingest_runs)
                digest = hashlib.sha1(repr(made).encode()).hexdigest()[:12]
                print(f"index {state} ({segments} full-text segments): suggestions made while "
                      f"ingesting: {len(made)} ({sum(m[4] == 'auto_linked' for m in made)} "
                      f"auto-linked), digest {digest}")
                for kind, i in (("wall", 0), ("CPU", 1)):
                    on = median([t[i] for t in timings[True]]) * 1000
                    off = median([t[i] for t in timings[False]]) * 1000
                    print(f"  ingest of a 1,000-word article ({kind}): median {off:.0f} ms without "
                          f"matching, {on:.0f} ms with it ({on / off:.2f}x)")
        engine.dispose()
    similarity = "encoder" if args.encoder else "lexical only" if args.lexical else "static vectors"
    print(f"similarity: {similarity}; top-3 pairs by score (threshold check):")
    print_thresholds(scored, sum(len(r) for r in qrels.values()))
    print(f"queries: {len(qrels)}  MRR {figures['MRR']:.3f}  recall@5 {figures['recall@5']:.3f}")
    print(f"latency per query: median {median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms")
    print(f"suggestion latency per new claim: median {median(suggesting):.1f} ms, "
          f"p99 {percentile(suggesting, 0.99):.1f} ms")
    print(f"MAP@5 {figures['MAP@5']:.3f}")


if __name__ == "__main__":
    main()
