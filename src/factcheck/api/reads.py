"""One-statement reads for hot API routes, outside the request's transaction (app.state.read_session_factory),
and a coalescer that lets concurrent requests share a read without ever answering from an older one.

The read takes the thread-pool hop: run on the event loop it measured no faster, and under load a
slow round trip stalled every connection of the process (p99 over a second at 50 connections).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")


async def read(request: Request, fn: Callable[[Session], T]) -> T:
    """`fn(session)` in a session of its own (autocommit on PostgreSQL: a statement, a round trip)."""
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


class Coalescer:
    """Concurrent requests for the same key share one read, but only a read that *started after
    they arrived*: each answer is as fresh as a read of its own (a verdict committed before a
    request arrived is always seen), while a hot article costs one read per round trip, not one
    per request. At most one read per key runs, and at most one more waits to start after it.
    """

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Future[Any]] = {}
        self._queued: dict[Hashable, asyncio.Future[Any]] = {}

    async def read(self, key: Hashable, start: Callable[[], Awaitable[T]]) -> T:
        if key in self._queued:  # joins the read that starts when the running one ends
            return await asyncio.shield(self._queued[key])
        if key in self._running:  # started before this request arrived: too old to share
            queued = self._queued[key] = asyncio.get_running_loop().create_future()
            return await asyncio.shield(queued)
        return await asyncio.shield(self._start(key, start))

    def _start(self, key: Hashable, start: Callable[[], Awaitable[T]],
               into: asyncio.Future[Any] | None = None) -> asyncio.Future[Any]:
        task = self._running[key] = asyncio.ensure_future(start())
        task.add_done_callback(lambda done: self._finish(key, start, done, into))
        return task

    def _finish(self, key: Hashable, start: Callable[[], Awaitable[Any]], task: asyncio.Future[Any],
                into: asyncio.Future[Any] | None) -> None:
        del self._running[key]
        if into is not None and not into.done():
            if task.cancelled():
                into.cancel()
            elif task.exception() is not None:
                into.set_exception(task.exception())  # type: ignore[arg-type]
            else:
                into.set_result(task.result())
        elif not task.cancelled():
            task.exception()  # retrieved: a failure reaches the requests awaiting it, not the log
        queued = self._queued.pop(key, None)
        if queued is not None:
            self._start(key, start, into=queued)


def coalescer(request: Request) -> Coalescer:
    found = getattr(request.app.state, "api_read_coalescer", None)
    if found is None:
        found = request.app.state.api_read_coalescer = Coalescer()
    return found
