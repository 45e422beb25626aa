"""Role checks every service runs itself, so no surface (HTML, JSON, CLI) can skip them."""

from __future__ import annotations

from factcheck.exceptions import PermissionDenied
from factcheck.models import Role, User


def require_role(actor: User | None, role: Role) -> User:
    """Return the actor if active and at least `role` (editor includes checker; admin includes both)."""
    if actor is None or not actor.is_active:
        raise PermissionDenied("You must be signed in with an active account.")
    if not actor.role_enum.at_least(role):
        raise PermissionDenied(f"This needs the {role.value} role; you are {actor.role}.")
    return actor
