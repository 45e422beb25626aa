"""The verdict scale: listing ratings in order, and admin edits (add, change, deactivate, seed).

A rating that verdicts use is never deleted, only deactivated: old verdicts keep their rating.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factcheck.exceptions import ConflictError, NotFoundError, ValidationError
from factcheck.models import DEFAULT_SCALE, Rating, Role, User
from factcheck.services.audit import AuditService
from factcheck.services.permissions import require_role

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
COLOUR_RE = re.compile(r"^#[0-9a-f]{6}$")
EDITABLE = ("label", "value", "colour", "description", "position")


def clean_fields(*, label: str, value: int, colour: str, description: str, position: int) -> dict[str, Any]:
    """The validated, normalised fields of a rating; ValidationError names the first bad one."""
    label = (label or "").strip()
    if not label or len(label) > 100:
        raise ValidationError("The label must have between 1 and 100 characters.")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
        raise ValidationError("The value must be a whole number between 0 and 1000.")
    colour = (colour or "").strip().lower()
    if not COLOUR_RE.match(colour):
        raise ValidationError(f"The colour must look like #1a7f37 (#rrggbb); got {colour!r}.")
    description = (description or "").strip()
    if len(description) > 2000:
        raise ValidationError("The description must have at most 2,000 characters.")
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= 10_000:
        raise ValidationError("The order must be a whole number between 0 and 10,000.")
    return {"label": label, "value": value, "colour": colour, "description": description,
            "position": position}


class RatingService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def list(self, *, include_inactive: bool = False) -> list[Rating]:
        """The scale in display order (position, then id)."""
        query = select(Rating).order_by(Rating.position, Rating.id)
        if not include_inactive:
            query = query.where(Rating.is_active.is_(True))
        return list(self.db.scalars(query))

    def get(self, rating_id: int) -> Rating:
        # Ids beyond the column's range (PostgreSQL integer) cannot exist: answer 404, not a crash.
        rating = self.db.get(Rating, rating_id) if 0 < rating_id < 2**31 else None
        if rating is None:
            raise NotFoundError(f"Rating {rating_id} does not exist.")
        return rating

    def get_by_name(self, name: str) -> Rating:
        rating = self.db.scalar(select(Rating).where(Rating.name == name))
        if rating is None:
            raise NotFoundError(f"No rating is named {name!r}.")
        return rating

    def create(
        self, *, name: str, label: str, value: int, colour: str, description: str = "",
        position: int | None = None, actor: User | None,
    ) -> Rating:
        require_role(actor, Role.admin)
        name = (name or "").strip().lower()
        if not NAME_RE.match(name):
            raise ValidationError(
                "The name must be a short slug: lower-case letters, digits and hyphens (e.g. mostly-false)."
            )
        if position is None:
            position = (self.db.scalar(select(func.max(Rating.position))) or 0) + 1
        fields = clean_fields(label=label, value=value, colour=colour, description=description,
                              position=position)
        if self.db.scalar(select(Rating.id).where(Rating.name == name)) is not None:
            raise ConflictError(f"A rating named {name!r} already exists.")
        rating = Rating(name=name, is_active=True, **fields)
        self.db.add(rating)
        self.db.flush()
        self._audit("rating.created", rating, actor, {"name": name, **fields})
        return rating

    def update(
        self, rating_id: int, *, label: str, value: int, colour: str, description: str,
        position: int, actor: User | None,
    ) -> Rating:
        require_role(actor, Role.admin)
        rating = self.get(rating_id)
        fields = clean_fields(label=label, value=value, colour=colour, description=description,
                              position=position)
        changes = {key: [getattr(rating, key), new] for key, new in fields.items()
                   if getattr(rating, key) != new}
        if not changes:
            return rating
        for key, (_, new) in changes.items():
            setattr(rating, key, new)
        self.db.flush()
        self._audit("rating.updated", rating, actor, {"changes": changes})
        return rating

    def deactivate(self, rating_id: int, *, actor: User | None) -> Rating:
        require_role(actor, Role.admin)
        rating = self.get(rating_id)
        if not rating.is_active:
            return rating
        if len(self.list()) <= 1:
            raise ConflictError("The scale needs at least one active rating.")
        rating.is_active = False
        self.db.flush()
        self._audit("rating.deactivated", rating, actor, {})
        return rating

    def reactivate(self, rating_id: int, *, actor: User | None) -> Rating:
        require_role(actor, Role.admin)
        rating = self.get(rating_id)
        if not rating.is_active:
            rating.is_active = True
            self.db.flush()
            self._audit("rating.reactivated", rating, actor, {})
        return rating

    def ensure_default_scale(self) -> list[Rating]:
        """Seed the default scale when there are no ratings at all; returns what was created."""
        if self.db.scalar(select(func.count(Rating.id))):
            return []
        created = [Rating(position=index, is_active=True, **step)
                   for index, step in enumerate(DEFAULT_SCALE, start=1)]
        self.db.add_all(created)
        self.db.flush()
        for rating in created:
            self._audit("rating.created", rating, None, {"name": rating.name, "default_scale": True})
        return created

    def _audit(self, action: str, rating: Rating, actor: User | None, details: dict) -> None:
        AuditService(self.db).record(
            action, subject_type="rating", subject_id=rating.id, actor=actor, details=details
        )
