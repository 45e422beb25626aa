"""Webhook test fixtures: a real signed-webhook receiver on 127.0.0.1, committed data, a test clock.

Workers use their own sessions, so these tests commit; `committed` deletes what they wrote.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from factcheck.db import make_session_factory
from factcheck.models import (
    AuditEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint, utcnow,
)
from factcheck.services.events import emit
from factcheck.services.webhook_delivery import Backoff
from factcheck.settings import Settings
from factcheck.webhook_signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, verify
from factcheck.worker import Worker
from tests.functional.conftest import as_admin, as_checker, as_editor, logged_in_client, users  # noqa: F401


@dataclass
class Received:
    event_id: str
    event: str
    body: bytes
    signature_ok: bool
    answered: int


@dataclass
class Receiver:
    """Verifies every request's signature; answers the first `fail_first` tries of each event with
    `failure` ("500" or "timeout"), then 200. Records every request, and which events got a 2xx."""

    url: str = ""
    secret: str = ""
    fail_first: int = 0
    failure: str = "500"
    hang_seconds: float = 1.0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer_for(self, event_id: str) -> str:
        with self.lock:
            tries = sum(1 for r in self.requests if r.event_id == event_id)
        return self.failure if tries <= self.fail_first else "ok"

    @property
    def delivered(self) -> list[str]:
        """Event ids answered with 2xx, in order: duplicates here would be double deliveries."""
        return [r.event_id for r in self.requests if 200 <= r.answered < 300]

    def bodies(self) -> list[dict]:
        return [json.loads(r.body) for r in self.requests]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            ok = verify(receiver.secret, body, self.headers.get(SIGNATURE_HEADER))
            event_id = self.headers.get(DELIVERY_HEADER, "")
            record = Received(event_id, self.headers.get(EVENT_HEADER, ""), body, ok, 0)
            with receiver.lock:
                receiver.requests.append(record)
            answer = receiver.answer_for(event_id) if ok else "bad-signature"
            if answer == "timeout":
                time.sleep(receiver.hang_seconds)
            status = {"ok": 200, "500": 500, "timeout": 504, "bad-signature": 400}[answer]
            record.answered = status if answer != "timeout" else 0  # the sender gave up already
            payload = b"received" if status == 200 else b"nope: " + b"x" * 2000
            try:
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the worker timed out and closed the connection

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    server.block_on_close = False
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def committed(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """A session factory whose commits are real; the webhook rows are deleted afterwards."""
    factory = make_session_factory(engine)
    yield factory
    with engine.begin() as connection:
        connection.execute(delete(WebhookAttempt))
        connection.execute(delete(WebhookDelivery))
        connection.execute(delete(WebhookEndpoint))
        connection.execute(delete(AuditEvent).where(AuditEvent.subject_type.like("webhook%")))


class Clock:
    """A controllable now(): starts a minute ahead (so what a test emits is due), moves when told."""

    def __init__(self) -> None:
        self.now = utcnow() + timedelta(minutes=1)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_endpoint(committed, receiver) -> Callable[..., WebhookEndpoint]:  # type: ignore[no-untyped-def]
    def make(events: list[str] | None = None, *, url: str | None = None, active: bool = True) -> WebhookEndpoint:
        with committed.begin() as db:
            endpoint = WebhookEndpoint(url=url or receiver.url, secret="s3cret-" + utcnow().isoformat(),
                                       events=events or ["verdict.published"], is_active=active)
            db.add(endpoint)
        receiver.secret = endpoint.secret
        return endpoint

    return make


@pytest.fixture
def emit_committed(committed) -> Callable[..., list[int]]:  # type: ignore[no-untyped-def]
    def emit_(event: str = "verdict.published", payload: dict | None = None, **columns: object) -> list[int]:
        with committed.begin() as db:
            deliveries = emit(db, event, payload or {"verdict": {"id": 1}, "note": "café ✓"})
            for delivery in deliveries:
                for name, value in columns.items():
                    setattr(delivery, name, value)
            db.flush()
            return [d.id for d in deliveries]

    return emit_


@pytest.fixture
def make_worker(committed, settings: Settings, clock: Clock) -> Iterator[Callable[..., Worker]]:
    workers: list[Worker] = []

    def make(*, timeout: float | None = None, backoff: Backoff | None = None, **kwargs: object) -> Worker:
        s = settings if timeout is None else settings.model_copy(update={"webhook_timeout_seconds": timeout})
        kwargs.setdefault("clock", clock)
        worker = Worker(committed, s, backoff=backoff or Backoff(0, 0), **kwargs)  # type: ignore[arg-type]
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.close()


def load_deliveries(committed, ids: list[int] | None = None) -> list[WebhookDelivery]:  # type: ignore[no-untyped-def]
    from sqlalchemy.orm import selectinload

    with committed() as db:
        query = select(WebhookDelivery).options(selectinload(WebhookDelivery.attempts_log))
        if ids is not None:
            query = query.where(WebhookDelivery.id.in_(ids))
        return list(db.scalars(query.order_by(WebhookDelivery.id)))
