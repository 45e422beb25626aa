"""Domain errors raised by services; each surface (HTML, JSON, CLI) maps them to its own answer."""

from __future__ import annotations

from collections.abc import Iterable


class FactcheckError(Exception):
    """Base class: a message fit to show a user, a stable code, optional details."""

    code = "error"

    def __init__(self, message: str, *, details: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class ValidationError(FactcheckError):
    """The input is malformed or empty (HTTP 422)."""

    code = "invalid_input"


class TooLargeError(FactcheckError):
    """The input is over a configured size limit (HTTP 413)."""

    code = "too_large"


class NotFoundError(FactcheckError):
    code = "not_found"


class PermissionDenied(FactcheckError):
    """The user's role does not allow the action (HTTP 403)."""

    code = "forbidden"


class AuthenticationError(FactcheckError):
    code = "unauthenticated"


class ConflictError(FactcheckError):
    """The action conflicts with the current state: a stale version, a held lease (HTTP 409)."""

    code = "conflict"


class StaleVersionError(ConflictError):
    code = "stale_version"


class IllegalTransitionError(ConflictError):
    """A status change the workflow does not allow; names the transitions that are allowed."""

    code = "illegal_transition"

    def __init__(self, current: str, requested: str, allowed: Iterable[str]) -> None:
        allowed = sorted(allowed)
        super().__init__(
            f"Cannot go from {current!r} to {requested!r}; allowed: {', '.join(allowed) or 'none'}",
            details={"current": current, "requested": requested, "allowed": allowed},
        )


class RateLimitedError(FactcheckError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after
