"""Migrations run up, all the way down, and up again, on SQLite and PostgreSQL, and match the models."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from factcheck import migrations
from factcheck.db import make_engine
from factcheck.models import Base
from tests.conftest import skip_without_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request, tmp_path) -> Iterator[str]:
    """An empty database of each kind, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    server = make_url(skip_without_postgres())
    name = f"factcheck_mig_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(scratch_url):
    migrations.upgrade(scratch_url)
    assert {"article", "claim", "verdict", "user", "audit_event"} <= table_names(scratch_url)

    migrations.downgrade(scratch_url, "base")
    assert not {t for t in table_names(scratch_url) if not t.startswith(("claim_fts", "sqlite_"))}

    migrations.upgrade(scratch_url)
    engine = make_engine(scratch_url)
    try:
        assert migrations.current_revision(engine) is not None
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(scratch_url):
    migrations.upgrade(scratch_url)
    engine = make_engine(scratch_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            differences = [
                d for d in compare_metadata(context, Base.metadata)
                # Full-text index objects are managed by hand in migrations, outside the ORM.
                if "fts" not in repr(d) and "search_vector" not in repr(d)
            ]
    finally:
        engine.dispose()
    assert differences == []
