"""One-statement reads for hot API routes, outside the request's transaction (app.state.read_session_factory).

On PostgreSQL the read runs on the event loop: an indexed one-row statement on an autocommit
connection costs less than the thread-pool hop it would otherwise need. SQLite reads take the hop.
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
    """`fn(session)`: keep it to one cheap statement, since on PostgreSQL it blocks the event loop."""
    state = request.app.state
    factory = state.read_session_factory
    if state.engine.dialect.name == "postgresql":
        return _run(factory, fn)
    return await run_in_threadpool(_run, factory, fn)


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
