"""Shared CLI plumbing: clear one-line errors with exit code 2, sessions, input reading."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer
from sqlalchemy.orm import Session

from factcheck.db import make_engine, make_session_factory
from factcheck.exceptions import FactcheckError
from factcheck.settings import Settings, get_settings


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def run_app(app: typer.Typer) -> None:
    """Run the CLI; domain and settings errors become one line on stderr and exit code 2."""
    from pydantic import ValidationError as SettingsError

    try:
        app(standalone_mode=True)
    except FactcheckError as error:
        fail(error.message)
    except SettingsError as error:
        fail(settings_error(error))


def settings_error(error) -> str:
    """One line naming each bad setting by its environment variable: 'FACTCHECK_X: message'."""
    parts = []
    for e in error.errors():
        names = [str(n) for n in e.get("loc", ()) if str(n)]
        where = f"FACTCHECK_{names[0].upper()}: " if names else ""
        parts.append(where + e["msg"])
    return "invalid settings: " + "; ".join(parts)


def load_settings() -> Settings:
    from pydantic import ValidationError as SettingsError

    try:
        return get_settings()
    except SettingsError as error:
        fail(settings_error(error))


def read_input(path: str) -> bytes:
    """Read PATH, or standard input for '-'."""
    if path == "-":
        return sys.stdin.buffer.read()
    file = Path(path)
    if not file.exists():
        fail(f"{path}: no such file")
    if file.is_dir():
        fail(f"{path}: is a directory")
    try:
        return file.read_bytes()
    except OSError as error:
        fail(f"{path}: {error.strerror}")


@contextmanager
def session_scope(settings: Settings) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on any error."""
    engine = make_engine(settings.database_url)
    session = make_session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()
