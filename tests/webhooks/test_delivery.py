"""The worker against a real HTTP receiver: signed bodies, retries, exactly-once after a 2xx, give-up."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from factcheck.models import WebhookDelivery
from factcheck.services.events import emit
from factcheck.services.webhook_delivery import EXCERPT_CHARS, Backoff, encode_body
from tests.webhooks.conftest import load_deliveries


def drain(worker, clock, passes: int = 10, step_minutes: float = 0) -> int:
    """Run passes until one claims nothing; returns how many passes sent something."""
    busy = 0
    for _ in range(passes):
        if worker.run_once().claimed == 0:
            break
        busy += 1
        clock.advance(minutes=step_minutes)
    return busy


def test_a_delivery_arrives_signed_with_the_documented_headers(make_endpoint, emit_committed, make_worker, receiver, committed):
    make_endpoint()
    [delivery_id] = emit_committed()
    result = make_worker().run_once()

    assert (result.claimed, result.delivered) == (1, 1)
    [request] = receiver.requests
    assert request.signature_ok
    assert request.event == "verdict.published"
    body = json.loads(request.body)
    assert request.event_id == body["id"]
    assert body["type"] == "verdict.published"
    assert body["data"] == {"verdict": {"id": 1}, "note": "café ✓"}
    [delivery] = load_deliveries(committed, [delivery_id])
    assert request.body == encode_body(delivery.payload)  # the exact bytes that were signed
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at is not None and delivery.locked_until is None
    [attempt] = delivery.attempts_log
    assert attempt.status_code == 200 and attempt.response_excerpt == "received"
    assert attempt.latency_ms is not None and attempt.latency_ms >= 0 and attempt.error is None


def test_every_event_arrives_exactly_once_after_failures(make_endpoint, emit_committed, make_worker, receiver, committed, clock):
    make_endpoint(["verdict.published", "claim.orphaned"])
    receiver.fail_first = 2
    ids = [emit_committed("verdict.published") + emit_committed("claim.orphaned") for _ in range(3)]
    worker = make_worker()

    drain(worker, clock)
    drain(worker, clock)  # more passes find nothing: nothing is re-sent after a 2xx

    deliveries = load_deliveries(committed)
    assert len(deliveries) == 6 == len([i for pair in ids for i in pair])
    assert {d.status for d in deliveries} == {"delivered"}
    assert [d.attempts for d in deliveries] == [3] * 6
    assert sorted(receiver.delivered) == sorted({d.event_id for d in deliveries})
    assert len(receiver.delivered) == len(set(receiver.delivered)) == 6
    assert all(r.signature_ok for r in receiver.requests)
    first = deliveries[0].attempts_log
    assert [a.status_code for a in first] == [500, 500, 200]
    assert len(first[0].response_excerpt) == EXCERPT_CHARS  # the receiver answered 2,006 bytes
    assert first[0].error is None and deliveries[0].last_error is None


def test_a_timeout_is_an_attempt_with_an_error_and_is_retried(make_endpoint, emit_committed, make_worker, receiver, committed, clock):
    make_endpoint()
    receiver.fail_first, receiver.failure, receiver.hang_seconds = 1, "timeout", 1.5
    [delivery_id] = emit_committed()
    worker = make_worker(timeout=0.3)

    first = worker.run_once()
    assert (first.claimed, first.retrying) == (1, 1)
    [delivery] = load_deliveries(committed, [delivery_id])
    assert delivery.status == "pending" and delivery.locked_until is None
    assert delivery.last_error == "timed out after 0.3 s" and delivery.last_status_code is None
    assert delivery.attempts_log[0].latency_ms >= 300

    assert worker.run_once().delivered == 1
    assert receiver.delivered == [delivery.event_id]


def test_retries_back_off_exponentially_with_full_jitter(make_endpoint, emit_committed, make_worker, receiver, committed, clock):
    class Highest:
        def uniform(self, low: float, high: float) -> float:
            return high

    make_endpoint()
    receiver.fail_first = 99
    [delivery_id] = emit_committed()
    worker = make_worker(backoff=Backoff(base_seconds=10, cap_seconds=3600), rng=Highest())
    delays = []
    for _ in range(10):
        assert worker.run_once().claimed == 1
        [delivery] = load_deliveries(committed, [delivery_id])
        delays.append((delivery.next_attempt_at - clock.now).total_seconds())
        assert worker.run_once().claimed == 0  # not due before its time
        clock.now = delivery.next_attempt_at
    assert delays == [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600]


def test_full_jitter_stays_within_the_exponential_ceiling():
    import random

    rng = random.Random(7)
    backoff = Backoff(base_seconds=10, cap_seconds=3600)
    for attempt in range(1, 15):
        ceiling = min(3600, 10 * 2 ** (attempt - 1))
        samples = [backoff.delay(attempt, rng).total_seconds() for _ in range(200)]
        assert all(0 <= s <= ceiling for s in samples)
        assert max(samples) > 0.8 * ceiling and min(samples) < 0.2 * ceiling  # spread, not fixed


class Longest:
    """An rng whose jitter is always the full delay."""

    def uniform(self, low: float, high: float) -> float:
        return high


def test_a_delivery_gives_up_after_the_max_age(make_endpoint, emit_committed, make_worker, receiver, committed, clock, settings):
    make_endpoint()
    receiver.fail_first = 99
    [delivery_id] = emit_committed()
    [created] = load_deliveries(committed, [delivery_id])
    deadline = created.created_at + timedelta(hours=settings.webhook_max_age_hours)
    # Full jitter draws the delay in [0, 1 h]: take the longest, which the deadline must cut short.
    worker = make_worker(backoff=Backoff(base_seconds=3600, cap_seconds=3600), rng=Longest())

    clock.now = deadline - timedelta(minutes=1)
    assert worker.run_once().retrying == 1
    [delivery] = load_deliveries(committed, [delivery_id])
    assert delivery.next_attempt_at == deadline  # the last try is at the deadline, not past it

    clock.now = deadline
    assert worker.run_once().failed == 1
    [delivery] = load_deliveries(committed, [delivery_id])
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 2, 500)
    clock.advance(days=3)
    assert worker.run_once().claimed == 0


def test_a_rolled_back_transaction_that_emitted_an_event_sends_nothing(make_endpoint, make_worker, receiver, committed):
    make_endpoint()
    with committed() as db:
        assert len(emit(db, "verdict.published", {"verdict": {"id": 9}})) == 1
        db.flush()
        db.rollback()

    assert make_worker().run_once().claimed == 0
    with committed() as db:
        assert db.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert receiver.requests == []


def test_only_subscribed_active_endpoints_get_a_delivery(make_endpoint, emit_committed, make_worker, receiver, committed):
    make_endpoint(["claim.orphaned"])
    make_endpoint(["verdict.published"], active=False)
    assert emit_committed("verdict.published") == []
    assert len(emit_committed("claim.orphaned")) == 1


def test_a_paused_endpoint_holds_its_deliveries_until_resumed(make_endpoint, emit_committed, make_worker, receiver, committed):
    endpoint = make_endpoint()
    emit_committed()
    with committed.begin() as db:
        db.get(type(endpoint), endpoint.id).is_active = False
    worker = make_worker()
    assert worker.run_once().claimed == 0
    with committed.begin() as db:
        db.get(type(endpoint), endpoint.id).is_active = True
    assert worker.run_once().delivered == 1


def test_an_unreachable_endpoint_is_an_error_not_a_crash(make_endpoint, emit_committed, make_worker, committed):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    make_endpoint(url=f"http://127.0.0.1:{port}/hooks")
    [delivery_id] = emit_committed()
    assert make_worker().run_once().retrying == 1
    [delivery] = load_deliveries(committed, [delivery_id])
    assert delivery.last_error.startswith("ConnectError")
    assert delivery.attempts_log[0].status_code is None


def test_a_redirect_is_not_followed_and_counts_as_a_failure(make_endpoint, emit_committed, make_worker, committed):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.send_response(302)
            self.send_header("Location", "http://example.invalid/")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        make_endpoint(url=f"http://127.0.0.1:{server.server_address[1]}/")
        [delivery_id] = emit_committed()
        assert make_worker().run_once().retrying == 1
    finally:
        server.shutdown()
        server.server_close()
    [delivery] = load_deliveries(committed, [delivery_id])
    assert (delivery.last_status_code, delivery.last_error) == (302, "HTTP 302")


def test_an_endpoint_removed_while_its_delivery_is_in_flight_is_no_error(make_endpoint, emit_committed, committed, receiver):
    from factcheck.models import WebhookEndpoint, utcnow
    from factcheck.services.webhook_delivery import GONE, Outcome, claim_due, record
    from factcheck.worker import transaction

    endpoint = make_endpoint()
    emit_committed()
    with transaction(committed) as db:
        [job] = claim_due(db, limit=1, worker_id="w")
    with transaction(committed) as db:
        db.delete(db.get(WebhookEndpoint, endpoint.id))
    with transaction(committed) as db:
        status = record(db, job, Outcome(200, 5.0, "ok"), now=utcnow(), max_age=timedelta(hours=1),
                        backoff=Backoff())
    assert status == GONE
    assert load_deliveries(committed) == []


def test_an_outcome_recorded_after_the_lease_was_lost_keeps_the_attempt_but_not_the_state(make_endpoint, emit_committed, committed, clock):
    from factcheck.models import utcnow
    from factcheck.services.webhook_delivery import Outcome, claim_due, record
    from factcheck.worker import transaction

    make_endpoint()
    [delivery_id] = emit_committed()
    now = utcnow()
    with transaction(committed) as db:
        [slow] = claim_due(db, limit=1, worker_id="slow", now=now, lease_seconds=1)
    with transaction(committed) as db:  # the lease ran out; another worker took it and delivered
        [fast] = claim_due(db, limit=1, worker_id="fast", now=now + timedelta(seconds=2))
        record(db, fast, Outcome(200, 5.0, "ok"), now=now, max_age=timedelta(hours=1), backoff=Backoff())
    with transaction(committed) as db:
        record(db, slow, Outcome(500, 9.0, "late"), now=now, max_age=timedelta(hours=1), backoff=Backoff())
    [delivery] = load_deliveries(committed, [delivery_id])
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert [a.status_code for a in delivery.attempts_log] == [200, 500]
