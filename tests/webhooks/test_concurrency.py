"""Several workers on one outbox: a delivery is leased by one of them only, and sent once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from factcheck.models import utcnow
from factcheck.services.webhook_delivery import claim_due
from factcheck.worker import transaction
from tests.webhooks.conftest import load_deliveries


def race(n: int, target) -> list:  # type: ignore[no-untyped-def]
    """Run `target(i)` in n threads released at the same instant; re-raise the first error."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    if errors:
        raise errors[0]
    return results


def test_two_workers_claiming_at_once_never_lease_the_same_delivery(make_endpoint, emit_committed, committed):
    make_endpoint()
    ids = [i for _ in range(30) for i in emit_committed()]
    now = utcnow()

    def claim(i: int) -> list[int]:
        with transaction(committed) as db:
            return [job.delivery_id for job in claim_due(db, limit=20, worker_id=f"w{i}", now=now)]

    first, second = race(2, claim)
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(ids)
    if committed.kw["bind"].dialect.name == "sqlite":
        # SQLite: the second waits for the first's commit, then takes the rest.
        assert sorted([len(first), len(second)]) == [10, 20]
    else:
        # PostgreSQL: each skips the rows the other has locked so far (the split depends on timing).
        assert max(len(first), len(second)) <= 20


def test_a_leased_delivery_is_not_claimed_again_until_its_lease_expires(make_endpoint, emit_committed, committed):
    from datetime import timedelta

    make_endpoint()
    [delivery_id] = emit_committed()
    now = utcnow()
    with transaction(committed) as db:
        assert [j.delivery_id for j in claim_due(db, limit=5, worker_id="a", now=now, lease_seconds=60)] == [delivery_id]
    with transaction(committed) as db:
        assert claim_due(db, limit=5, worker_id="b", now=now + timedelta(seconds=59)) == []
    with transaction(committed) as db:  # worker "a" died: its lease runs out and the work is picked up
        assert len(claim_due(db, limit=5, worker_id="b", now=now + timedelta(seconds=61))) == 1


def test_racing_worker_loops_send_every_event_exactly_once(make_endpoint, emit_committed, make_worker, receiver, committed, clock):
    make_endpoint(["verdict.published", "article.revised"])
    receiver.fail_first = 1  # every event needs a retry, so the workers also race on retries
    for _ in range(12):
        emit_committed("verdict.published")
        emit_committed("article.revised")
    workers = [make_worker(batch_size=3, concurrency=2, worker_id=f"w{i}") for i in range(3)]

    def loop(i: int) -> int:
        passes = 0
        while workers[i].run_once().claimed:
            passes += 1
        return passes

    race(3, loop)
    race(3, loop)  # the second round finds nothing left

    deliveries = load_deliveries(committed)
    assert len(deliveries) == 24 and {d.status for d in deliveries} == {"delivered"}
    assert {d.attempts for d in deliveries} == {2}
    sent = Counter(r.event_id for r in receiver.requests)
    assert set(sent.values()) == {2}  # one failed try and one success per event, never more
    assert len(receiver.delivered) == len(set(receiver.delivered)) == 24


def test_on_postgresql_a_worker_skips_the_rows_another_is_still_leasing(dialect, make_endpoint, emit_committed, committed):
    from sqlalchemy import text

    if dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time: a second worker waits for the first's commit")
    make_endpoint()
    ids = [i for _ in range(5) for i in emit_committed()]
    now = utcnow()
    with transaction(committed) as a:
        first = claim_due(a, limit=3, worker_id="a", now=now)  # not committed: its rows stay locked
        with transaction(committed) as b:
            b.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting here would be the bug
            second = claim_due(b, limit=10, worker_id="b", now=now)
    assert [j.delivery_id for j in first] == ids[:3]
    assert [j.delivery_id for j in second] == ids[3:]
