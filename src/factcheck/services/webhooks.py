"""Managing webhook endpoints (admins only) and reading or re-sending their deliveries."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from factcheck.exceptions import ConflictError, NotFoundError, ValidationError
from factcheck.models import EVENTS, Role, User, WebhookDelivery, WebhookEndpoint, utcnow
from factcheck.services.audit import AuditService
from factcheck.services.permissions import require_role
from factcheck.services.webhook_delivery import DELIVERED, FAILED, PENDING

MAX_URL_CHARS = 2048
MAX_DESCRIPTION_CHARS = 255


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery as an admin sees it: its attempts, and whether it was re-sent as a newer one."""

    delivery: WebhookDelivery
    resent_as: int | None

    @property
    def can_resend(self) -> bool:
        d = self.delivery
        failing = d.status == PENDING and d.attempts > 0
        in_flight = d.locked_until is not None and d.locked_until > utcnow()
        return self.resent_as is None and (d.status == FAILED or failing) and not in_flight


@dataclass(frozen=True)
class EndpointSummary:
    endpoint: WebhookEndpoint
    counts: dict[str, int]
    recent: list[DeliveryRow]


class WebhookService:
    """Endpoints CRUD and deliveries. `operator=True` is the CLI: shell access to the database
    already grants everything, so role checks are skipped and audit events carry no actor."""

    def __init__(self, db: Session, *, operator: bool = False) -> None:
        self.db = db
        self.operator = operator

    # Endpoints

    def endpoints(self, *, actor: User | None = None) -> list[WebhookEndpoint]:
        self._authorize(actor)
        return list(self.db.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))

    def overview(self, *, actor: User | None = None, recent: int = 5) -> list[EndpointSummary]:
        """Every endpoint with its delivery counts by status and its most recent deliveries."""
        endpoints = self.endpoints(actor=actor)
        counts: dict[int, dict[str, int]] = {e.id: {} for e in endpoints}
        for endpoint_id, status, n in self.db.execute(
            select(WebhookDelivery.endpoint_id, WebhookDelivery.status, func.count())
            .group_by(WebhookDelivery.endpoint_id, WebhookDelivery.status)
        ):
            counts.setdefault(endpoint_id, {})[status] = n
        return [
            EndpointSummary(
                e, counts[e.id], self.deliveries(e.id, actor=actor, limit=recent) if recent else []
            )
            for e in endpoints
        ]

    def summary(self, endpoint_id: int, *, actor: User | None = None, recent: int = 50) -> EndpointSummary:
        """One endpoint with its delivery counts and its `recent` newest deliveries (with attempts)."""
        endpoint = self.get(endpoint_id, actor=actor)
        counts = dict(self.db.execute(
            select(WebhookDelivery.status, func.count())
            .where(WebhookDelivery.endpoint_id == endpoint_id).group_by(WebhookDelivery.status)
        ).all())
        return EndpointSummary(endpoint, counts, self.deliveries(endpoint_id, actor=actor, limit=recent))

    def get(self, endpoint_id: int, *, actor: User | None = None) -> WebhookEndpoint:
        self._authorize(actor)
        endpoint = self.db.get(WebhookEndpoint, endpoint_id)
        if endpoint is None:
            raise NotFoundError(f"There is no webhook endpoint {endpoint_id}.")
        return endpoint

    def create(
        self, *, url: str, events: Iterable[str], description: str = "", actor: User | None = None
    ) -> WebhookEndpoint:
        """Register an endpoint with a fresh secret (show it to the admin: it signs every delivery)."""
        self._authorize(actor)
        endpoint = WebhookEndpoint(
            url=clean_url(url), events=clean_events(events), description=clean_description(description),
            secret=new_secret(), is_active=True, created_by_id=actor.id if actor else None,
        )
        self.db.add(endpoint)
        self.db.flush()
        self._audit("webhook.created", endpoint, actor, {"url": endpoint.url, "events": endpoint.events})
        return endpoint

    def update(
        self, endpoint_id: int, *, actor: User | None = None, url: str | None = None,
        events: Iterable[str] | None = None, description: str | None = None,
        is_active: bool | None = None,
    ) -> WebhookEndpoint:
        endpoint = self.get(endpoint_id, actor=actor)
        changes: dict[str, object] = {}
        for name, value in (
            ("url", None if url is None else clean_url(url)),
            ("events", None if events is None else clean_events(events)),
            ("description", None if description is None else clean_description(description)),
            ("is_active", is_active),
        ):
            if value is not None and getattr(endpoint, name) != value:
                changes[name] = [getattr(endpoint, name), value]
                setattr(endpoint, name, value)
        if changes:
            self.db.flush()
            self._audit("webhook.updated", endpoint, actor, changes)
        return endpoint

    def rotate_secret(self, endpoint_id: int, *, actor: User | None = None) -> WebhookEndpoint:
        """Replace the signing secret; deliveries sent from now on use the new one."""
        endpoint = self.get(endpoint_id, actor=actor)
        endpoint.secret = new_secret()
        self.db.flush()
        self._audit("webhook.secret_rotated", endpoint, actor, {})
        return endpoint

    def remove(self, endpoint_id: int, *, actor: User | None = None) -> None:
        """Delete an endpoint with its deliveries (deactivate it instead to keep the history)."""
        endpoint = self.get(endpoint_id, actor=actor)
        self._audit("webhook.removed", endpoint, actor, {"url": endpoint.url})
        self.db.delete(endpoint)
        self.db.flush()

    # Deliveries

    def deliveries(
        self, endpoint_id: int | None = None, *, actor: User | None = None,
        status: str | None = None, limit: int = 50,
    ) -> list[DeliveryRow]:
        """Newest first, with their attempts; `endpoint_id` None means every endpoint."""
        self._authorize(actor)
        if status is not None and status not in (PENDING, DELIVERED, FAILED):
            raise ValidationError(f"Unknown delivery status {status!r}; use pending, delivered or failed.")
        query = select(WebhookDelivery).options(selectinload(WebhookDelivery.attempts_log))
        if endpoint_id is not None:
            self.get(endpoint_id, actor=actor)
            query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
        if status is not None:
            query = query.where(WebhookDelivery.status == status)
        rows = list(self.db.scalars(query.order_by(WebhookDelivery.id.desc()).limit(max(1, limit))))
        return self._with_resends(rows)

    def delivery(self, delivery_id: int, *, actor: User | None = None) -> DeliveryRow:
        self._authorize(actor)
        delivery = self.db.get(WebhookDelivery, delivery_id)
        if delivery is None:
            raise NotFoundError(f"There is no webhook delivery {delivery_id}.")
        return DeliveryRow(delivery, self._resent_as(delivery))

    def resend(self, delivery_id: int, *, actor: User | None = None) -> WebhookDelivery:
        """Queue a failing or failed delivery again as a new delivery of the same event (same event
        id, so receivers can dedupe) with a fresh attempt cycle; a failing one stops retrying."""
        old = self.delivery(delivery_id, actor=actor).delivery
        if old.status == DELIVERED:
            raise ConflictError(f"Delivery {old.id} was delivered; there is nothing to re-send.")
        if old.status == PENDING and old.attempts == 0:
            raise ConflictError(f"Delivery {old.id} is queued and has not been tried yet.")
        now = utcnow()
        # Compare-and-set (and, on PostgreSQL, a row lock that serialises two admins clicking at once):
        # a worker holding the lease is sending it right now.
        closed = self.db.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == old.id,
                or_(
                    WebhookDelivery.status == FAILED,
                    and_(
                        WebhookDelivery.status == PENDING, WebhookDelivery.attempts > 0,
                        or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
                    ),
                ),
            )
            .values(status=FAILED)
            .execution_options(synchronize_session=False)
        ).rowcount
        if closed != 1:
            raise ConflictError(f"Delivery {old.id} is being sent right now; try again shortly.")
        self.db.refresh(old)
        resent_as = self._resent_as(old)
        if resent_as is not None:
            raise ConflictError(f"Delivery {old.id} was already re-sent as delivery {resent_as}.")
        new = WebhookDelivery(
            endpoint_id=old.endpoint_id, event=old.event, event_id=old.event_id, payload=old.payload,
            status=PENDING, attempts=0, next_attempt_at=now, created_at=now,
        )
        self.db.add(new)
        self.db.flush()
        AuditService(self.db).record(
            "webhook.resent", subject_type="webhook_delivery", subject_id=old.id, actor=actor,
            details={"resent_as": new.id, "event_id": old.event_id, "endpoint_id": old.endpoint_id,
                     **self._via()},
        )
        return new

    # Helpers

    def _with_resends(self, deliveries: list[WebhookDelivery]) -> list[DeliveryRow]:
        """Pair each delivery with the newer delivery of its event to its endpoint, in one query."""
        ids_by_event: dict[tuple[int, str], list[int]] = {}
        if deliveries:
            for id_, endpoint_id, event_id in self.db.execute(
                select(WebhookDelivery.id, WebhookDelivery.endpoint_id, WebhookDelivery.event_id)
                .where(WebhookDelivery.event_id.in_({d.event_id for d in deliveries}))
            ):
                ids_by_event.setdefault((endpoint_id, event_id), []).append(id_)
        return [
            DeliveryRow(d, min((i for i in ids_by_event.get((d.endpoint_id, d.event_id), []) if i > d.id),
                               default=None))
            for d in deliveries
        ]

    def _resent_as(self, delivery: WebhookDelivery) -> int | None:
        return self.db.scalar(
            select(func.min(WebhookDelivery.id)).where(
                WebhookDelivery.endpoint_id == delivery.endpoint_id,
                WebhookDelivery.event_id == delivery.event_id,
                WebhookDelivery.id > delivery.id,
            )
        )

    def _authorize(self, actor: User | None) -> None:
        if not self.operator:
            require_role(actor, Role.admin)

    def _via(self) -> dict[str, str]:
        return {"via": "cli"} if self.operator else {}

    def _audit(self, action: str, endpoint: WebhookEndpoint, actor: User | None, details: dict) -> None:
        AuditService(self.db).record(
            action, subject_type="webhook_endpoint", subject_id=endpoint.id, actor=actor,
            details={**details, **self._via()},
        )


def clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError("Give the endpoint's URL, e.g. https://cms.example/hooks/factcheck.")
    if len(url) > MAX_URL_CHARS:
        raise ValidationError(f"The URL is longer than {MAX_URL_CHARS} characters.")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise ValidationError("The URL must not contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as error:
        raise ValidationError(f"The URL is malformed: {error}.") from error
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError("The URL must start with http:// or https:// and name a host.")
    return url


def clean_events(events: Iterable[str]) -> list[str]:
    chosen = {e.strip() for e in events if e and e.strip()}
    unknown = sorted(chosen - set(EVENTS))
    if unknown:
        raise ValidationError(
            f"Unknown event {', '.join(map(repr, unknown))}; choose from {', '.join(EVENTS)}."
        )
    if not chosen:
        raise ValidationError(f"Subscribe to at least one event: {', '.join(EVENTS)}.")
    return [e for e in EVENTS if e in chosen]


def clean_description(description: str | None) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise ValidationError(f"The description is longer than {MAX_DESCRIPTION_CHARS} characters.")
    return description
