"""Publishing API throughput and latency on PostgreSQL: ping (the ceiling), the verdicts of an article
with 50 published verdicts (full body, 304 for a client sending its ETag, and with the change
listener off), and POST /articles (1,000 words), with 1 and 2 uvicorn workers; then how long a
commit takes to reach a listening process.

    .venv/bin/python bench/api.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/factcheck_bench]

Needs `wrk` (apt-get install -y --no-install-recommends wrk). The database's name must end in
`_bench`: it is wiped. Prints one table; figures vary ±20% between runs, compare within a run.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/factcheck_bench"
SENTENCE = "In {year}, the city council approved {n} new homes, {p}% more than officials had promised."
WORDS_1000 = " ".join(
    "The mayor said on March 8 that unemployment fell to 3.4% in January, the lowest rate since 1969."
    for _ in range(55)
)  # 1,045 words


def reset_database(url: str) -> None:
    from factcheck import migrations
    from factcheck.db import make_engine

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not (parsed.database or "").endswith("_bench"):
        sys.exit("use a PostgreSQL database whose name ends in _bench (it is wiped)")
    admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                    {"n": parsed.database}).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    migrations.upgrade(url)


def seed(url: str, *, verdicts: int = 50) -> tuple[str, str]:
    """An article with `verdicts` published verdicts (through the review service); a token."""
    from factcheck.cli.common import session_scope
    from factcheck.models import DEFAULT_SCALE, Evidence, Rating, Source, Verdict
    from factcheck.services.api_tokens import SCOPES, ApiTokenService
    from factcheck.services.ingest import IngestService
    from factcheck.services.review import ReviewService
    from factcheck.services.users import UserService
    from factcheck.settings import Settings

    settings = Settings(_env_file=None, database_url=url, environment="test", secret_key="bench")
    with session_scope(settings) as db:
        users = UserService(db, settings=settings)
        checker = users.create(email="checker@bench.test", name="Checker", role="checker",
                               password="bench-password-1", system=True)
        editor = users.create(email="editor@bench.test", name="Editor", role="editor",
                              password="bench-password-1", system=True)
        db.add_all(Rating(position=i, **r) for i, r in enumerate(DEFAULT_SCALE))
        db.flush()
        rating = db.scalars(select(Rating).order_by(Rating.value)).first()
        body = "\n\n".join(SENTENCE.format(year=1960 + i, n=100 + i, p=i % 40 + 2) for i in range(verdicts + 10))
        result = IngestService(db, settings=settings).ingest(
            text=body, title="Housing promises", external_id="bench-article",
            url="https://news.example/bench",
        )
        claims = result.claims[:verdicts]
        if len(claims) < verdicts:
            sys.exit(f"only {len(claims)} claims detected; need {verdicts}")
        source = Source(url="https://city.example/housing-report", title="Housing report",
                        publisher="City council")
        db.add(source)
        db.flush()
        review = ReviewService(db, settings=settings)
        for claim in claims:
            claim.status, claim.assignee_id = "in_review", checker.id
            evidence = Evidence(claim_id=claim.id, source_id=source.id, excerpt="Table 3", stance="refutes")
            verdict = Verdict(claim_id=claim.id, state="in_review", rating_id=rating.id,
                              claim_reviewed=claim.exact, summary="The report says otherwise.",
                              proposed_by_id=checker.id, evidence=[evidence])
            db.add(verdict)
            db.flush()
            review.approve(claim.id, actor=editor, lock_version=verdict.lock_version)
        # A client token, as a CMS has (a personal one costs one more lookup per request).
        token = ApiTokenService(db).create(
            name="bench", scopes=[s for s in SCOPES if s != "workflow"], system=True)
        return "bench-article", token.secret


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, workers: int, *, listen: bool = True) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "FACTCHECK_DATABASE_URL": url, "FACTCHECK_ENVIRONMENT": "test",
           "FACTCHECK_SECRET_KEY": "bench", "FACTCHECK_API_RATE_LIMIT_PER_MINUTE": "100000000",
           "FACTCHECK_RUN_WORKER_IN_APP": "false", "FACTCHECK_API_CACHE_LISTEN": str(listen).lower()}
    # uvicorn directly, to turn the access log off (as a production deployment behind a proxy would).
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "factcheck.app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{base}/api/v1/ping", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.kill()
    sys.exit("the server did not start: " + (server.stderr.read().decode() if server.stderr else ""))


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def post_load(url: str, *, token: str, seconds: int, connections: int) -> dict:
    """POST /articles with a new external id each time (full ingest), from `connections` clients.

    An httpx load generator: wrk's Lua scripting cannot vary the body cheaply; at the low rates
    of a CPU-bound ingest the client's own cost is small next to the server's.
    """
    import asyncio
    import uuid

    async def client(http: httpx.AsyncClient, deadline: float, latencies: list, errors: list) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                response = await http.post(url, json={"external_id": f"bench-{uuid.uuid4().hex}",
                                                      "title": "Bench", "text": WORDS_1000})
            except httpx.HTTPError as error:  # a timeout counts as an error, like wrk's
                errors.append(type(error).__name__)
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 201:
                errors.append(response.status_code)

    async def run() -> dict:
        latencies: list[float] = []
        errors: list[int] = []
        limits = httpx.Limits(max_connections=connections)
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60,
                                     limits=limits) as http:
            started = time.perf_counter()
            deadline = started + seconds
            await asyncio.gather(*(client(http, deadline, latencies, errors) for _ in range(connections)))
            elapsed = time.perf_counter() - started
        latencies.sort()
        pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0  # noqa: E731
        return {"rps": len(latencies) / elapsed, "p50": pick(0.5), "p99": pick(0.99), "errors": len(errors)}

    return asyncio.run(run())


def wrk(url: str, *, token: str | None, seconds: int, connections: int, etag: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    if etag:
        command += ["-H", f"If-None-Match: {etag}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {m.group(1): _ms(m.group(2), m.group(3))
               for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p50": latency.get("50"), "p99": latency.get("99"),
            "errors": int(errors.group(1)) if errors else 0}


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("FACTCHECK_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y --no-install-recommends wrk")
    reset_database(args.database_url)
    external_id, token = seed(args.database_url)
    rows = []
    for workers in [int(w) for w in args.workers.split(",")]:
        server, base = start_server(args.database_url, workers)
        try:
            verdicts = f"{base}/api/v1/articles/{external_id}/verdicts"
            check = httpx.get(verdicts, headers={"Authorization": f"Bearer {token}"})
            assert check.status_code == 200 and len(check.json()["verdicts"]) == 50, check.text[:200]
            # A polling site that keeps the ETag gets 304 and no body while nothing changed.
            for name, url, auth, etag in [
                ("GET /api/v1/ping", f"{base}/api/v1/ping", None, None),
                ("GET /articles/{id}/verdicts (50)", verdicts, token, None),
                ("  same, If-None-Match → 304", verdicts, token, check.headers["ETag"]),
            ]:
                wrk(url, token=auth, seconds=2, connections=args.connections, etag=etag)  # warm-up
                rows.append((workers, name, wrk(url, token=auth, seconds=args.seconds,
                                                 connections=args.connections, etag=etag)))
            post = f"{base}/api/v1/articles"
            post_load(post, token=token, seconds=3, connections=workers * 2)  # warm-up: models load
            rows.append((workers, "POST /articles (1,000 words)*",
                         post_load(post, token=token, seconds=args.seconds * 2, connections=args.connections)))
        finally:
            stop_server(server)
        # The same route with the change listener off: every request reads the article's fingerprint.
        server, base = start_server(args.database_url, workers, listen=False)
        try:
            verdicts = f"{base}/api/v1/articles/{external_id}/verdicts"
            wrk(verdicts, token=token, seconds=2, connections=args.connections)
            rows.append((workers, "  same, no listener (reads)",
                         wrk(verdicts, token=token, seconds=args.seconds, connections=args.connections)))
        finally:
            stop_server(server)
    print_table(rows, args)
    print(notification_delay(args.database_url))


def notification_delay(url: str, commits: int = 200) -> str:
    """From a commit that changes what a cached body shows to a listening process knowing it."""
    from factcheck.api.invalidation import ChangeListener
    from factcheck.db import make_engine

    engine = make_engine(url)
    listener = ChangeListener.for_engine(engine)
    listener.start()
    assert listener.wait_until_listening()
    delays = []
    try:
        for _ in range(commits):
            before = listener.current()
            with engine.connect() as connection:
                connection.execute(text("UPDATE rating SET label = label WHERE false"))
                connection.commit()
                committed = time.perf_counter()
            while listener.current() == before:
                time.sleep(0)
            delays.append((time.perf_counter() - committed) * 1000)
    finally:
        listener.stop()
        engine.dispose()
    delays.sort()
    return (f"commit → listener knows ({commits} commits, idle): median {delays[len(delays) // 2]:.2f} ms, "
            f"p99 {delays[int(len(delays) * 0.99) - 1]:.2f} ms")


def print_table(rows: list, args: argparse.Namespace) -> None:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {cpu}, {os.cpu_count()} cores (client and server share them), load average {load}; "
          f"Python {platform.python_version()}; PostgreSQL; wrk -t2 -c{args.connections} -d{args.seconds}s")
    print(f"{'workers':>7}  {'endpoint':<34} {'req/s':>8} {'% ping':>7} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7}")
    ping = {w: r["rps"] for w, name, r in rows if "ping" in name}
    for workers, name, r in rows:
        share = 100 * r["rps"] / ping[workers] if ping.get(workers) else 0
        print(f"{workers:>7}  {name:<34} {r['rps']:>8.0f} {share:>6.0f}% {r['p50']:>7.1f} {r['p99']:>7.1f} "
              f"{r['errors']:>7}")
    print("* httpx load generator (a new article each request: full ingest and detection); others: wrk")


if __name__ == "__main__":
    main()
