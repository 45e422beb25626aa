"""Domain events that reach the publishing site: written to the webhook outbox in the caller's transaction.

A rolled-back publish therefore never sends a webhook, and a crash after commit never loses one:
workers deliver what the outbox holds (see services/webhooks).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.models import EVENTS, WebhookDelivery, WebhookEndpoint, utcnow


def emit(db: Session, event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue one delivery per active endpoint subscribed to `event`."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    event_id = uuid.uuid4().hex
    body = {"id": event_id, "type": event, "created_at": utcnow().isoformat(), "data": payload}
    deliveries = [
        WebhookDelivery(endpoint_id=endpoint.id, event=event, event_id=event_id, payload=body)
        for endpoint in db.scalars(select(WebhookEndpoint).where(WebhookEndpoint.is_active.is_(True)))
        if event in endpoint.events
    ]
    db.add_all(deliveries)
    return deliveries
