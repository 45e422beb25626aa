"""Recording audit events: who did what, to which subject, when, and what changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from factcheck.models import AuditEvent, User


class AuditService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def record(
        self,
        action: str,
        *,
        subject_type: str,
        subject_id: int,
        actor: User | None = None,
        claim_id: int | None = None,
        article_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> AuditEvent:
        event = AuditEvent(
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            actor_id=actor.id if actor else None,
            claim_id=claim_id,
            article_id=article_id,
            details=details or {},
        )
        self.db.add(event)
        return event
