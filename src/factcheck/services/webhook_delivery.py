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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpcore
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


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[IPAddress]]


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, in the resolver's order (an IPv4-mapped IPv6 address as
    the IPv4 address it carries); raises OSError (or UnicodeError) when it does not resolve."""
    addresses: list[IPAddress] = []
    for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address not in addresses:
            addresses.append(address)
    return addresses


def is_internal(address: IPAddress) -> bool:
    """Not a public internet address: loopback, private, link-local (cloud metadata), shared,
    reserved, multicast, unspecified."""
    return not address.is_global


def internal_address(host: str, port: int) -> str | None:
    """The first address `host` resolves to that is internal (see `is_internal`), or None. A name
    that does not resolve gives None: connecting then fails on its own, with the resolver's error."""
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        return None
    return next((str(a) for a in addresses if is_internal(a)), None)


def refusal(host: str, address: object) -> str:
    return (f"refused: {host} is {address}, an internal address (set "
            f"FACTCHECK_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true for a receiver on the internal network)")


class PublicOnlyBackend(httpcore.SyncBackend):
    """Connects only to public addresses, and only to the addresses it checked.

    The name is resolved once per connection; if any address is internal the connection is refused
    before any is made, otherwise the socket connects to those same addresses (in order) and TLS
    still verifies the certificate against the name. A resolver that answers with a public address
    for a check and an internal one for the connection (DNS rebinding) has no second lookup to
    answer. `resolve` and `internal` can be given for tests."""

    def __init__(self, resolve: Resolver = resolve,
                 internal: Callable[[IPAddress], bool] = is_internal) -> None:
        self._resolve = resolve
        self._internal = internal

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        try:
            addresses = self._resolve(host, port)
        except (OSError, UnicodeError) as error:
            raise httpcore.ConnectError(f"{host} does not resolve: {error}") from error
        if not addresses:
            raise httpcore.ConnectError(f"{host} does not resolve")
        refused = next((a for a in addresses if self._internal(a)), None)
        if refused is not None:
            raise httpcore.ConnectError(refusal(host, refused))
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return super().connect_tcp(str(address), port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:  # try the next address, as a resolver's user would
                failure = error
        assert failure is not None
        raise failure


class PublicAddressesOnly(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose connections go through `PublicOnlyBackend`,
    so a registered URL cannot make the worker reach the servers around it. (A client given a
    transport ignores HTTP(S)_PROXY in the environment: the guarded worker connects directly.)"""

    def __init__(self, backend: PublicOnlyBackend | None = None) -> None:
        super().__init__()
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend or PublicOnlyBackend(),
        )


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
