"""The webhook worker: passes over the outbox (`factcheck worker`), or a background thread in the app.

Each pass leases a batch in its own committed transaction, sends it outside any transaction, then
records every outcome in a transaction of its own: the worker is the unit-of-work owner here.
"""

from __future__ import annotations

import logging
import math
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.orm import Session

from factcheck.models import utcnow
from factcheck.services.match_search import MatchSearch
from factcheck.services.webhook_delivery import (
    DELIVERED,
    FAILED,
    PENDING,
    Backoff,
    Job,
    claim_due,
    delivery_client,
    record,
    send,
)
from factcheck.settings import Settings

log = logging.getLogger(__name__)
SessionFactory = Callable[[], Session]


@dataclass
class BatchResult:
    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    statuses: dict[int, str] = field(default_factory=dict)

    def count(self) -> None:
        values = list(self.statuses.values())
        self.delivered = values.count(DELIVERED)
        self.failed = values.count(FAILED)
        self.retrying = values.count(PENDING)


@contextmanager
def transaction(session_factory: SessionFactory) -> Iterator[Session]:
    session = session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    """Delivers due webhooks; `run_once` is one pass, `run` loops until `stop` is called."""

    def __init__(
        self, session_factory: SessionFactory, settings: Settings, *, concurrency: int = 1,
        poll_interval: float = 2.0, batch_size: int | None = None, worker_id: str | None = None,
        client: httpx.Client | None = None, clock: Callable[[], datetime] = utcnow,
        backoff: Backoff = Backoff(), rng: random.Random | Any = random,
        maintenance: Callable[[], None] | None = None, maintenance_interval: float = 600.0,
    ) -> None:
        self.session_factory = session_factory
        self.timeout = settings.webhook_timeout_seconds
        self.max_age = timedelta(hours=settings.webhook_max_age_hours)
        self.concurrency = max(1, concurrency)
        self.batch_size = batch_size or 5 * self.concurrency
        self.poll_interval = poll_interval
        self.worker_id = worker_id or default_worker_id()
        self.client = client or delivery_client(
            allow_private_networks=settings.webhook_private_networks_allowed)
        self._owns_client = client is None
        self.clock, self.backoff, self.rng = clock, backoff, rng
        self._stop = threading.Event()
        # Periodic upkeep run between delivery passes (the matching index's compaction, on SQLite).
        self.maintenance, self.maintenance_interval = maintenance, maintenance_interval
        self._maintained_at = time.monotonic()

    def maintain(self, now: float | None = None) -> bool:
        """Run the upkeep if it is due: every `maintenance_interval`, the first one interval after start."""
        now = time.monotonic() if now is None else now
        if self.maintenance is None or now - self._maintained_at < self.maintenance_interval:
            return False
        self._maintained_at = now
        try:
            self.maintenance()
        except Exception:  # upkeep failing must not stop deliveries: log it, try at the next interval
            log.exception("worker %s: maintenance failed", self.worker_id)
        return True

    def run_once(self) -> BatchResult:
        """Lease a batch (committed before sending), send it, record each outcome."""
        rounds = math.ceil(self.batch_size / self.concurrency)
        lease_seconds = 2 * self.timeout * rounds + 30  # outlives the slowest batch
        with transaction(self.session_factory) as db:
            jobs = claim_due(db, limit=self.batch_size, worker_id=self.worker_id, now=self.clock(),
                             lease_seconds=lease_seconds)
        result = BatchResult(claimed=len(jobs))
        if self.concurrency == 1 or len(jobs) <= 1:
            for job in jobs:
                result.statuses[job.delivery_id] = self._deliver(job)
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook-send") as pool:
                for job, status in zip(jobs, pool.map(self._deliver, jobs)):
                    result.statuses[job.delivery_id] = status
        result.count()
        if jobs:
            log.info("worker %s: %d sent, %d delivered, %d retrying, %d failed", self.worker_id,
                     result.claimed, result.delivered, result.retrying, result.failed)
        return result

    def _deliver(self, job: Job) -> str:
        outcome = send(self.client, job, timeout=self.timeout)
        try:
            with transaction(self.session_factory) as db:
                return record(db, job, outcome, now=self.clock(), max_age=self.max_age,
                              backoff=self.backoff, rng=self.rng)
        except Exception:  # one unrecordable outcome must not lose the rest of the batch
            log.exception("delivery %s: could not record its attempt", job.delivery_id)
            return "unrecorded"  # the lease expires and the delivery is tried again

    def run(self) -> None:
        """Loop until stopped: drain while batches come back full, else wait `poll_interval`."""
        log.info("webhook worker %s started", self.worker_id)
        while not self._stop.is_set():
            try:
                full = self.run_once().claimed >= self.batch_size
            except Exception:  # a database outage must not kill the loop: log, wait, try again
                log.exception("webhook worker %s: pass failed", self.worker_id)
                full = False
            self.maintain()
            if not full:
                self._stop.wait(self.poll_interval)
        log.info("webhook worker %s stopped", self.worker_id)

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def close(self) -> None:
        if self._owns_client:
            self.client.close()


def compact_match_index(session_factory: SessionFactory) -> None:
    """Compact the "checked before" full-text index when it has fragmented (SQLite; see
    MatchIndex.compact): the background upkeep of `factcheck serve` and `factcheck worker`."""
    with transaction(session_factory) as db:
        done = MatchSearch(db).compact_index()
    if done is not None:
        log.info("matching index compacted: %d segments -> %d", *done)


def upkeep(settings: Settings, session_factory: SessionFactory) -> Callable[[], None] | None:
    """The periodic upkeep a worker runs for these settings: compacting SQLite's full-text index."""
    return (lambda: compact_match_index(session_factory)) if settings.is_sqlite else None


def runs_in_app(settings: Settings) -> bool:
    """The embedded SQLite default delivers from inside `factcheck serve`; PostgreSQL uses workers."""
    return settings.is_sqlite if settings.run_worker_in_app is None else settings.run_worker_in_app


def start_background_worker(app: Any) -> Worker | None:
    """Start a worker thread for the app when the settings ask for it; returns it (or None)."""
    settings: Settings = app.state.settings
    app.state.webhook_worker = app.state.webhook_worker_thread = None
    if not runs_in_app(settings):
        return None
    worker = Worker(app.state.session_factory, settings, worker_id=f"app:{default_worker_id()}",
                    maintenance=upkeep(settings, app.state.session_factory))
    thread = threading.Thread(target=worker.run, name="webhook-worker", daemon=True)
    thread.start()
    app.state.webhook_worker, app.state.webhook_worker_thread = worker, thread
    return worker


def stop_background_worker(app: Any) -> None:
    """Stop the app's worker thread, letting an in-flight request finish (bounded by its timeout)."""
    worker: Worker | None = getattr(app.state, "webhook_worker", None)
    thread: threading.Thread | None = getattr(app.state, "webhook_worker_thread", None)
    if worker is None or thread is None:
        return
    worker.stop()
    thread.join(timeout=2 * worker.timeout + 5)
    worker.close()
    app.state.webhook_worker = app.state.webhook_worker_thread = None
