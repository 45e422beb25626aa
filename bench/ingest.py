"""Ingest throughput: segment + detect + store articles of 300, 1,000 and 5,000 words.

Usage: python bench/ingest.py --docs gum_train_docs.jsonl [--database-url URL ...] [--runs N]
Without --database-url it measures a fresh SQLite file and, if reachable, a fresh PostgreSQL
database on 127.0.0.1:5432 (created and dropped by the script). Besides wall-clock time it prints
this process's CPU time per article, which a busy shared machine disturbs much less (it leaves out
the PostgreSQL server's own work).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
import uuid
from pathlib import Path

from _common import machine, median, percentile
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url

from factcheck import migrations
from factcheck.db import make_engine, make_session_factory
from factcheck.services.ingest import IngestService
from factcheck.settings import Settings

SIZES = (300, 1000, 5000)


def paragraphs_from(path: Path) -> list[str]:
    paragraphs: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            paragraphs += [p.strip() for p in doc["text"].split("\n\n") if len(p.split()) >= 8]
    return paragraphs


def make_articles(paragraphs: list[str], words: int, count: int, seed: int) -> list[str]:
    """Distinct articles of about `words` words, made of real news paragraphs in shuffled order."""
    rng = random.Random(seed)
    articles = []
    for _ in range(count):
        chosen, total = [], 0
        while total < words:
            paragraph = rng.choice(paragraphs)
            chosen.append(paragraph)
            total += len(paragraph.split())
        articles.append("\n\n".join(chosen))
    return articles


def run(url: str, articles: dict[int, list[str]]) -> dict[int, list[tuple[float, float]]]:
    """(wall, CPU) seconds per article, by size."""
    migrations.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    settings = Settings(_env_file=None, database_url=url, matching_enabled=False)
    timings: dict[int, list[tuple[float, float]]] = {}
    try:
        for words, texts in articles.items():
            IngestService(factory(), settings=settings).detector.detect("Warm up on March 8, 2023.")
            timings[words] = []
            for index, body in enumerate(texts):
                started, cpu = time.perf_counter(), time.process_time()
                with factory() as session, session.begin():
                    IngestService(session, settings=settings).ingest(
                        text=body, title=f"Bench {words} #{index}", external_id=f"bench-{words}-{index}-{uuid.uuid4().hex[:6]}"
                    )
                timings[words].append((time.perf_counter() - started, time.process_time() - cpu))
    finally:
        engine.dispose()
    return timings


def postgres_scratch(server: str) -> tuple[str, callable]:
    base = make_url(server)
    name = f"factcheck_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sql(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, required=True, help="gum_train_docs.jsonl (news paragraphs)")
    parser.add_argument("--database-url", action="append", help="measure this database (repeatable)")
    parser.add_argument("--postgres-server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--runs", type=int, default=30, help="articles per size")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    paragraphs = paragraphs_from(args.docs)
    articles = {w: make_articles(paragraphs, w, args.runs, args.seed + w) for w in SIZES}
    targets: list[tuple[str, str, callable | None]] = []
    if args.database_url:
        targets = [(make_url(u).get_backend_name(), u, None) for u in args.database_url]
    else:
        tmp = tempfile.mkdtemp()
        targets.append(("sqlite", f"sqlite:///{tmp}/bench.db", None))
        try:
            url, drop = postgres_scratch(args.postgres_server)
            targets.append(("postgresql", url, drop))
        except Exception as error:  # noqa: BLE001 - PostgreSQL is optional for this bench
            print(f"(PostgreSQL not measured: {type(error).__name__})")

    print(f"machine: {machine()}")
    print(f"data: {len(paragraphs)} news paragraphs from {args.docs.name}; {args.runs} articles per size")
    print(f"{'database':<11} {'words':>6} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7} "
          f"{'articles/s':>11}")
    for name, url, drop in targets:
        try:
            timings = run(url, articles)
        finally:
            if drop:
                drop()
        for words, pairs in timings.items():
            values, cpu = [w for w, _ in pairs], [c for _, c in pairs]
            print(f"{name:<11} {words:>6} {median(values) * 1000:>10.1f} {percentile(values, 0.95) * 1000:>8.1f} "
                  f"{median(cpu) * 1000:>7.1f} {len(values) / sum(values):>11.1f}")


if __name__ == "__main__":
    main()
