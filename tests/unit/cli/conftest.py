"""Command-line tests: a CliRunner, and a migrated SQLite file the commands read from the environment."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from factcheck import migrations
from factcheck.settings import get_settings


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A fresh, migrated SQLite database as FACTCHECK_DATABASE_URL (its URL)."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", url)
    monkeypatch.setenv("FACTCHECK_ENVIRONMENT", "test")
    get_settings.cache_clear()
    migrations.upgrade(url)
    yield url
    get_settings.cache_clear()
