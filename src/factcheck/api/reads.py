"""One-statement reads for hot API routes, outside the request's transaction (app.state.read_session_factory).

The read takes the thread-pool hop: run on the event loop it measured no faster, and under load a
slow round trip stalled every connection of the process (p99 over a second at 50 connections).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")


async def read(request: Request, fn: Callable[[Session], T]) -> T:
    """`fn(session)` in a session of its own (autocommit on PostgreSQL: one round trip a statement)."""
    return await run_in_threadpool(_run, request.app.state.read_session_factory, fn)


def _run(factory: sessionmaker[Session], fn: Callable[[Session], T]) -> T:
    try:
        with factory() as session:
            return fn(session)
    except DBAPIError as error:
        # The read pool does not ping before each checkout: a connection the server dropped (a
        # restart) fails once, which invalidates the pool; the retry gets a fresh connection.
        if not error.connection_invalidated:
            raise
    with factory() as session:
        return fn(session)
