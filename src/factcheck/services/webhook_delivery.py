"""Webhook delivery, the worker's logic: lease due deliveries, POST them signed, record every attempt.

Leasing is one conditional UPDATE (with FOR UPDATE SKIP LOCKED on PostgreSQL) that the worker commits
before sending (factcheck.worker), so workers never send the same delivery and no lock is held meanwhile.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import random
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from factcheck import __version__
from factcheck.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, utcnow
from factcheck.webhook_signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, sign

log = logging.getLogger(__name__)

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
GONE = "gone"  # what `record` reports when the delivery was deleted (its endpoint removed) meanwhile
EXCERPT_CHARS = 500
_EXCERPT_BYTES = 4 * EXCERPT_CHARS  # never read more of a receiver's answer than this


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter: a uniform delay in [0, min(cap, base * 2**(n-1))]."""

    base_seconds: float = 10.0
    cap_seconds: float = 3600.0

    def delay(self, attempt: int, rng: random.Random | Any = random) -> timedelta:
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempt - 1))
        return timedelta(seconds=rng.uniform(0, ceiling))


@dataclass(frozen=True)
class Job:
    """A leased delivery: everything needed to send it without touching the database."""

    delivery_id: int
    lease: datetime  # the locked_until we wrote: recording checks we still hold it
    event: str
    event_id: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    url: str
    secret: str


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    latency_ms: float
    response_excerpt: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _due(now: datetime):  # type: ignore[no-untyped-def]
    active = select(WebhookEndpoint.id).where(WebhookEndpoint.is_active.is_(True))
    return and_(
        WebhookDelivery.status == PENDING,
        WebhookDelivery.next_attempt_at <= now,
        or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
        WebhookDelivery.endpoint_id.in_(active),
    )


def claim_due(
    db: Session, *, limit: int, worker_id: str, now: datetime | None = None, lease_seconds: float = 60.0
) -> list[Job]:
    """Lease up to `limit` due deliveries for this worker; the caller commits before sending."""
    now = now or utcnow()
    lease = now + timedelta(seconds=lease_seconds)
    # A CTE, evaluated once: as an IN-subquery PostgreSQL may re-run it per row (a semi-join),
    # and each run of LIMIT ... SKIP LOCKED can pick other rows, leasing more than `limit`.
    picked = (
        select(WebhookDelivery.id)
        .where(_due(now))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookDelivery)  # PostgreSQL; SQLite: one writer
        .cte("picked")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    # The UPDATE repeats the due condition: a compare-and-set on locked_until and status.
    statement = (
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(select(picked.c.id)), _due(now))
        .values(locked_until=lease)
        .returning(WebhookDelivery.id)
        .execution_options(synchronize_session=False)
    )
    ids = list(db.scalars(statement))
    if not ids:
        return []
    rows = db.execute(
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.id.in_(ids))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .execution_options(populate_existing=True)
    ).all()
    log.debug("worker %s leased deliveries %s until %s", worker_id, ids, lease.isoformat())
    return [
        Job(
            delivery_id=d.id, lease=lease, event=d.event, event_id=d.event_id, payload=d.payload,
            attempts=d.attempts, created_at=d.created_at, url=e.url, secret=e.secret,
        )
        for d, e in rows
    ]


def internal_address(host: str, port: int) -> str | None:
    """The first address `host` resolves to that is not a public internet address (loopback,
    private, link-local such as cloud metadata, shared, reserved, multicast), or None. A name that
    does not resolve gives None: connecting then fails on its own, with the resolver's error."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if not address.is_global:
            return str(address)
    return None


class PublicAddressesOnly(httpx.HTTPTransport):
    """Refuses, before connecting, a request whose host resolves to an internal address, so that
    a registered URL cannot make the worker reach the servers around it. (The name is resolved
    again to connect; a resolver that answers differently the second time is not defended
    against here: that needs egress rules around the worker.)"""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        address = internal_address(url.host, port)
        if address is not None:
            raise httpx.ConnectError(
                f"refused: {url.host} is {address}, an internal address "
                f"(set FACTCHECK_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true for a receiver on the "
                f"internal network)", request=request)
        return super().handle_request(request)


def delivery_client(*, allow_private_networks: bool) -> httpx.Client:
    """The worker's HTTP client: no redirects followed; internal addresses refused unless allowed."""
    if allow_private_networks:
        return httpx.Client(follow_redirects=False)
    return httpx.Client(follow_redirects=False, transport=PublicAddressesOnly())


def encode_body(payload: dict[str, Any]) -> bytes:
    """Serialise once, compact with sorted keys: these exact bytes are signed and sent."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def request_headers(job: Job, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": f"factcheck-webhooks/{__version__}",
        SIGNATURE_HEADER: sign(job.secret, body, timestamp),
        EVENT_HEADER: job.event,
        DELIVERY_HEADER: job.event_id,
    }


def send(client: httpx.Client, job: Job, *, timeout: float, timestamp: int | None = None) -> Outcome:
    """POST one delivery; never raises for network trouble, which becomes the outcome's error."""
    body = encode_body(job.payload)
    headers = request_headers(job, body, int(time.time() if timestamp is None else timestamp))
    started = time.perf_counter()
    try:
        with client.stream("POST", job.url, content=body, headers=headers, timeout=timeout) as response:
            excerpt = _read_excerpt(response.iter_bytes())
            status = response.status_code
    except httpx.TimeoutException:
        return Outcome(None, _elapsed(started), error=f"timed out after {timeout:g} s")
    except httpx.HTTPError as error:
        return Outcome(None, _elapsed(started), error=f"{type(error).__name__}: {error}"[:EXCERPT_CHARS])
    return Outcome(status, _elapsed(started), response_excerpt=excerpt)


def _elapsed(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _read_excerpt(chunks: Iterable[bytes]) -> str:
    data = b""
    for chunk in chunks:
        data += chunk
        if len(data) >= _EXCERPT_BYTES:
            break
    return data.decode("utf-8", "replace")[:EXCERPT_CHARS]


def record(
    db: Session, job: Job, outcome: Outcome, *, now: datetime, max_age: timedelta,
    backoff: Backoff, rng: random.Random | Any = random,
) -> str:
    """Store the attempt and the delivery's next state: delivered, retry later, or failed (too old)."""
    attempts = job.attempts + 1
    values: dict[str, Any] = {
        "attempts": WebhookDelivery.attempts + 1, "locked_until": None,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error or (None if outcome.ok else f"HTTP {outcome.status_code}"),
    }
    deadline = job.created_at + max_age
    if outcome.ok:
        status = DELIVERED
        values["delivered_at"] = now
    elif now >= deadline:
        status = FAILED
    else:
        status = PENDING
        values["next_attempt_at"] = min(now + backoff.delay(attempts, rng), deadline)
    values["status"] = status
    # The UPDATE comes first so that, on SQLite, the transaction takes the write lock before reading.
    updated = db.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == job.delivery_id,
            WebhookDelivery.status == PENDING,
            WebhookDelivery.locked_until == job.lease,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if updated != 1:
        if db.get(WebhookDelivery, job.delivery_id) is None:
            log.info("delivery %s was deleted while being sent", job.delivery_id)
            return GONE
        log.warning("delivery %s: lease lost before its attempt was recorded", job.delivery_id)
    db.add(WebhookAttempt(
        delivery_id=job.delivery_id, attempted_at=now, status_code=outcome.status_code,
        latency_ms=outcome.latency_ms, response_excerpt=outcome.response_excerpt, error=outcome.error,
    ))
    db.flush()
    return status
