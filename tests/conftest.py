"""Test fixtures: every database test runs on SQLite and on PostgreSQL, inside a rolled-back transaction.

PostgreSQL comes from FACTCHECK_TEST_DATABASE_URL (a database the suite may wipe); without it the
PostgreSQL variants are skipped with a message, except in CI (CI set), where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from factcheck import migrations
from factcheck.app import create_app
from factcheck.db import make_engine, make_session_factory
from factcheck.settings import Settings

PG_URL_ENV = "FACTCHECK_TEST_DATABASE_URL"
IN_CI = bool(os.environ.get("CI"))


def postgres_url() -> str | None:
    url = os.environ.get(PG_URL_ENV)
    if url:
        return url
    if IN_CI:
        pytest.fail(f"CI must run the PostgreSQL tests: set {PG_URL_ENV}", pytrace=False)
    return None


def skip_without_postgres() -> str:
    url = postgres_url()
    if url is None:
        pytest.skip(f"PostgreSQL tests skipped: set {PG_URL_ENV} to a database the suite may wipe")
    return url


def reset_postgres(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def worker_database(url: str) -> tuple[str, Callable[[], None] | None]:
    """Under pytest-xdist each worker gets its own PostgreSQL database beside the given one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url, None
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = make_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    url, drop = worker_database(skip_without_postgres())
    yield url
    if drop is not None:
        drop()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        reset_postgres(engine)
    migrations.upgrade(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None, environment="test", database_url=database_url,
        secret_key="test-secret-key-for-the-suite", run_worker_in_app=False,
        api_cache_listen=False,  # tests write in a transaction that never commits: nothing notifies
    )


@pytest.fixture
def connection(engine: Engine) -> Iterator:
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


@pytest.fixture
def db(connection) -> Iterator[Session]:
    """A session inside the test's transaction: commits only release savepoints."""
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    from tests import factories

    factories.bind(session)
    try:
        yield session
    finally:
        session.close()
        factories.bind(None)


@pytest.fixture
def app(settings: Settings, engine: Engine, connection):
    app = create_app(settings, engine=engine)
    app.state.session_factory = lambda: Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return app


@pytest.fixture
def client(app, db) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def dialect(engine: Engine) -> str:
    return engine.dialect.name


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = Path(os.environ.get("FACTCHECK_TEST_ARTIFACTS", "test-artifacts")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
