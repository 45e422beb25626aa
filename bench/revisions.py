"""A 1,000-word article revised through the product's own services: with re-anchoring, and without it.

"with": IngestService with the same external id (re-anchor every claim, re-score only new or changed
sentences). "without": what a revision used to cost, segmenting and scoring the whole text again and
storing every claim afresh (ingesting the new text as a new article).
Usage: python bench/revisions.py --docs gum_train_docs.jsonl [--database-url URL] [--runs 20]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from _common import machine, median, percentile
from ingest import make_articles, paragraphs_from, postgres_scratch
from sqlalchemy import select
from sqlalchemy.engine import make_url

from factcheck import migrations
from factcheck.db import make_engine, make_session_factory
from factcheck.models import AuditEvent
from factcheck.services.ingest import IngestService
from factcheck.settings import Settings


def edit(rng: random.Random, text: str, pool: list[str]) -> str:
    """A newsroom update: a paragraph added, one removed, one moved, a word changed in two others."""
    paragraphs = text.split("\n\n")
    paragraphs.insert(rng.randrange(len(paragraphs) + 1), rng.choice(pool))
    paragraphs.pop(rng.randrange(len(paragraphs)))
    paragraphs.insert(rng.randrange(len(paragraphs)), paragraphs.pop(rng.randrange(len(paragraphs))))
    for i in rng.sample(range(len(paragraphs)), 2):
        words = paragraphs[i].split(" ")
        j = rng.randrange(len(words))
        words[j] = "reportedly " + words[j]
        paragraphs[i] = " ".join(words)
    return "\n\n".join(paragraphs)


def run(url: str, articles: list[str], pool: list[str], seed: int) -> tuple[list[float], list[float], Counter]:
    migrations.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    settings = Settings(_env_file=None, database_url=url, matching_enabled=False)
    rng = random.Random(seed)
    with_reanchoring, without, counts = [], [], Counter()
    try:
        IngestService(factory(), settings=settings).detector.detect("Warm up on March 8, 2023.")
        for index, body in enumerate(articles):
            key = f"bench-rev-{index}-{uuid.uuid4().hex[:6]}"
            with factory() as session, session.begin():
                IngestService(session, settings=settings).ingest(text=body, title="Bench", external_id=key)
            revised = edit(rng, body, pool)
            started = time.perf_counter()
            with factory() as session, session.begin():
                result = IngestService(session, settings=settings).ingest(text=revised, title="Bench", external_id=key)
                event = session.scalars(select(AuditEvent).where(
                    AuditEvent.action == "article.revised", AuditEvent.article_id == result.article.id)).one()
                counts.update({k: v for k, v in event.details.items() if k not in ("revision", "previous")})
            with_reanchoring.append(time.perf_counter() - started)
            started = time.perf_counter()
            with factory() as session, session.begin():
                IngestService(session, settings=settings).ingest(text=revised, title="Bench", external_id=key + "-fresh")
            without.append(time.perf_counter() - started)
    finally:
        engine.dispose()
    return with_reanchoring, without, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, required=True, help="gum_train_docs.jsonl (news paragraphs)")
    parser.add_argument("--database-url", help="measure this database (default: a fresh SQLite file and PostgreSQL)")
    parser.add_argument("--postgres-server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paragraphs = paragraphs_from(args.docs)
    articles = make_articles(paragraphs, args.words, args.runs, args.seed)
    targets = []
    if args.database_url:
        targets.append((make_url(args.database_url).get_backend_name(), args.database_url, None))
    else:
        targets.append(("sqlite", f"sqlite:///{tempfile.mkdtemp()}/bench.db", None))
        try:
            targets.append(("postgresql", *postgres_scratch(args.postgres_server)))
        except Exception as error:  # noqa: BLE001 - PostgreSQL is optional for this bench
            print(f"(PostgreSQL not measured: {type(error).__name__})")
    print(f"machine: {machine()}")
    print(f"{args.runs} articles of ~{args.words} words, each revised once (seed {args.seed})")
    print(f"{'database':<11} {'path':<28} {'median ms':>10} {'p95 ms':>8}")
    for name, url, drop in targets:
        try:
            timed, fresh, counts = run(url, articles, paragraphs, args.seed)
        finally:
            if drop:
                drop()
        for label, values in (("revise (re-anchoring)", timed), ("detect afresh (no anchoring)", fresh)):
            print(f"{name:<11} {label:<28} {median(values) * 1000:>10.1f} {percentile(values, 0.95) * 1000:>8.1f}")
        print(f"{'':<11} claims: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
