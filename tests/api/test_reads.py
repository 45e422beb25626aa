"""api/reads.py: a read that meets a dropped connection is retried once; concurrent requests share
a read only when it started after they arrived."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import DBAPIError

from factcheck.api.reads import Coalescer, _run
from factcheck.exceptions import NotFoundError


class Factory:
    """Sessions whose first `failures` uses fail as a dropped connection (or another error) does."""

    def __init__(self, failures: int, *, invalidated: bool = True) -> None:
        self.failures, self.invalidated, self.calls = failures, invalidated, 0

    def __call__(self):  # type: ignore[no-untyped-def]
        return self

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls <= self.failures:
            raise DBAPIError("SELECT 1", {}, Exception("server closed the connection"),
                             connection_invalidated=self.invalidated)
        return self

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        return None


def test_a_dropped_connection_is_retried_once():
    factory = Factory(failures=1)
    assert _run(factory, lambda session: "fingerprint") == "fingerprint"  # type: ignore[arg-type]
    assert factory.calls == 2


def test_a_second_failure_is_raised():
    with pytest.raises(DBAPIError):
        _run(Factory(failures=2), lambda session: "fingerprint")  # type: ignore[arg-type]


def test_other_database_errors_are_not_retried():
    factory = Factory(failures=1, invalidated=False)
    with pytest.raises(DBAPIError):
        _run(factory, lambda session: "fingerprint")  # type: ignore[arg-type]
    assert factory.calls == 1


def run_concurrently(scenario):  # type: ignore[no-untyped-def]
    return asyncio.run(scenario())


def test_requests_share_a_read_only_if_it_started_after_they_arrived():
    async def scenario():  # type: ignore[no-untyped-def]
        coalescer, started, gates = Coalescer(), [], []

        async def start() -> int:
            started.append(len(started))
            gate = asyncio.Event()
            gates.append(gate)
            await gate.wait()
            return len(started)  # the state as this read saw it

        first = asyncio.ensure_future(coalescer.read("article", start))
        await asyncio.sleep(0)
        # Arrive while the first read runs: they must not get its (possibly older) answer.
        late = [asyncio.ensure_future(coalescer.read("article", start)) for _ in range(3)]
        await asyncio.sleep(0)
        assert len(started) == 1
        gates[0].set()
        assert await first == 1
        await asyncio.sleep(0)
        assert len(started) == 2, "one more read, shared by the three that arrived during the first"
        gates[1].set()
        assert [await task for task in late] == [2, 2, 2]
        other = await asyncio.wait_for(_read_now(coalescer, "other article"), 1)
        assert other == "fresh"

    run_concurrently(scenario)


async def _read_now(coalescer, key):  # type: ignore[no-untyped-def]
    async def start() -> str:
        return "fresh"

    return await coalescer.read(key, start)


def test_a_failed_read_fails_every_request_sharing_it_and_the_next_one_reads_again():
    async def scenario():  # type: ignore[no-untyped-def]
        coalescer, calls, gate = Coalescer(), [], asyncio.Event()

        async def failing() -> str:
            calls.append(1)
            await gate.wait()
            raise NotFoundError("No article has the external id 'x'.")

        first = asyncio.ensure_future(coalescer.read("x", failing))
        await asyncio.sleep(0)
        queued = [asyncio.ensure_future(coalescer.read("x", failing)) for _ in range(2)]
        await asyncio.sleep(0)
        gate.set()
        for task in (first, *queued):
            with pytest.raises(NotFoundError):
                await task
        assert len(calls) == 2

    run_concurrently(scenario)
