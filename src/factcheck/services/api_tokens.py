"""API tokens: issue (the secret is shown once, only its SHA-256 is kept), list, revoke, authenticate.

Client tokens (a CMS) carry scopes only; personal tokens also act with their user's role.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.exceptions import AuthenticationError, NotFoundError, ValidationError
from factcheck.models import ApiToken, Role, User, utcnow
from factcheck.services.audit import AuditService
from factcheck.services.permissions import require_role

SCOPES: dict[str, str] = {
    "articles:read": "read articles and their claims",
    "articles:write": "send articles (create or revise)",
    "verdicts:read": "read published verdicts, the feed and ClaimReview",
    "detect": "score text for check-worthy claims (stores nothing)",
    "workflow": "claims, sources and verdicts actions, with the token user's role",
    "admin": "every scope",
}
WORKFLOW_SCOPE = "workflow"
ADMIN_SCOPE = "admin"
TOKEN_PREFIX = "fc"
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_EXPIRES_DAYS = 3650


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def has_scope(scopes: Iterable[str], scope: str) -> bool:
    """`admin` grants every scope."""
    scopes = set(scopes)
    return ADMIN_SCOPE in scopes or scope in scopes


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once; never stored


class ApiTokenService:
    def __init__(self, db: Session) -> None:
        self.db = db
        self.audit = AuditService(db)

    def create(
        self,
        *,
        name: str,
        scopes: Iterable[str],
        actor: User | None = None,
        system: bool = False,
        user: User | None = None,
        expires_days: int | None = None,
    ) -> IssuedToken:
        """Issue a token: an admin's action, or the operator's (`system=True`, the CLI)."""
        self._authorize(actor, system)
        name = (name or "").strip()
        if not name or len(name) > 100:
            raise ValidationError("A token needs a name of 1 to 100 characters.")
        wanted = sorted({s.strip() for s in scopes if s.strip()})
        unknown = [s for s in wanted if s not in SCOPES]
        if unknown:
            raise ValidationError(
                f"Unknown scope(s): {', '.join(unknown)}.", details={"allowed": sorted(SCOPES)}
            )
        if not wanted:
            raise ValidationError("A token needs at least one scope.", details={"allowed": sorted(SCOPES)})
        if WORKFLOW_SCOPE in wanted and user is None:
            raise ValidationError("The workflow scope needs a personal token (give it a user).")
        if user is not None and not user.is_active:
            raise ValidationError(f"{user.email} is deactivated.")
        if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRES_DAYS:
            raise ValidationError(f"Expiry must be between 1 and {MAX_EXPIRES_DAYS} days.")
        prefix = secrets.token_hex(4)
        secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken(
            name=name, prefix=prefix, token_hash=hash_secret(secret), scopes=wanted,
            user_id=user.id if user else None, created_by_id=actor.id if actor else None,
            expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
        )
        self.db.add(token)
        self.db.flush()
        self.audit.record(
            "token.created", subject_type="api_token", subject_id=token.id, actor=actor,
            details={"name": name, "scopes": wanted, "user_id": token.user_id},
        )
        return IssuedToken(token=token, secret=secret)

    def list(self, *, actor: User | None = None, system: bool = False) -> list[ApiToken]:
        self._authorize(actor, system)
        return list(self.db.scalars(select(ApiToken).order_by(ApiToken.id.desc())))

    def revoke(self, token_id: int, *, actor: User | None = None, system: bool = False) -> ApiToken:
        self._authorize(actor, system)
        token = self.db.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
        if token is None:
            raise NotFoundError(f"Token {token_id} does not exist.")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            self.db.flush()
            self.audit.record(
                "token.revoked", subject_type="api_token", subject_id=token.id, actor=actor,
                details={"name": token.name},
            )
        return token

    def authenticate(self, secret: str) -> tuple[ApiToken, User | None]:
        """The live token for `secret` and its user (personal tokens); AuthenticationError otherwise."""
        parts = secret.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[2]:
            raise AuthenticationError("The bearer token is malformed.")
        token = self.db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
        now = utcnow()
        if token is None:
            raise AuthenticationError("The bearer token is not valid.")
        if token.revoked_at is not None:
            raise AuthenticationError("The bearer token has been revoked.")
        if token.expires_at is not None and token.expires_at <= now:
            raise AuthenticationError("The bearer token has expired.")
        user = None
        if token.user_id is not None:
            user = self.db.get(User, token.user_id)
            if user is None or not user.is_active:
                raise AuthenticationError("The token's user is deactivated.")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            token.last_used_at = now
            self.db.flush()
        return token, user

    def _authorize(self, actor: User | None, system: bool) -> None:
        if not system:
            require_role(actor, Role.admin)
