"""Engine and session factory; nothing connects at import time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite, make the file's folder and set the pragmas we rely on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {})
        kwargs["connect_args"].setdefault("check_same_thread", False)
        kwargs["connect_args"].setdefault("timeout", 30)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # Sync handlers run in a 40-thread pool and a request's commit needs a thread of its own:
    # with fewer connections than threads, handlers waiting for a connection could starve the
    # commits that would free one. Keep the pool at least as large as the thread pool.
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 40)
    kwargs.setdefault("pool_timeout", 15)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs and defers BEGIN; let SQLAlchemy
    # emit BEGIN itself (the documented recipe) so transactions and savepoints behave as on PostgreSQL.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a transaction that read first and writes later
        # would otherwise fail at once ("database is locked", busy_timeout does not apply) when
        # another writer committed in between. Requests are short, so they simply queue.
        # Probes that only read (health checks) ask for a deferred BEGIN and never queue.
        read_only = connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for one-statement reads on hot API routes (api/reads.py).

    PostgreSQL: a pool of autocommit connections without pre-ping, so a read is one round trip (no
    ping, BEGIN or COMMIT; api/reads.py retries a read that meets a dropped connection). A fixed
    pool, no overflow: a read holds its connection for one statement and never waits on another
    thread, so a few connections serve thousands of reads a second, and overflow connections
    (opened and closed per burst) cost a server process start each.
    SQLite: the same engine, beginning deferred so a read never queues behind a writer.
    """
    if engine.dialect.name != "postgresql":
        return make_session_factory(engine.execution_options(read_only=True))
    reads = create_engine(
        engine.url, isolation_level="AUTOCOMMIT", pool_pre_ping=False, pool_size=8, max_overflow=0,
        pool_timeout=15,
    )
    return make_session_factory(reads)
