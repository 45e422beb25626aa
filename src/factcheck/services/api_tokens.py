"""API tokens: issue (the secret is shown once, only its SHA-256 is kept), list, revoke, authenticate.

Client tokens (a CMS) carry scopes only; personal tokens also act with their user's role. Each app
process keeps what a token grants for TOKEN_CACHE_SECONDS, so a revocation takes effect within that.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

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
# How long a process trusts what it read about a token: a revocation, a scope change or a deleted
# token takes effect within this many seconds (expiry and a deactivated user take effect at once).
TOKEN_CACHE_SECONDS = 5.0
TOKEN_CACHE_SIZE = 1024


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


@dataclass(frozen=True)
class TokenGrant:
    """What a live token allows, copied out of its row: safe to keep between requests."""

    token_id: int
    name: str
    scopes: tuple[str, ...]
    user_id: int | None
    expires_at: datetime | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenGrant:
        return cls(token_id=token.id, name=token.name, scopes=tuple(token.scopes),
                   user_id=token.user_id, expires_at=token.expires_at)

    def check_not_expired(self, now: datetime) -> None:
        if self.expires_at is not None and self.expires_at <= now:
            raise AuthenticationError("The bearer token has expired.")


class TokenCache:
    """Per process: the grant of each recently seen live token, by the SHA-256 of its secret.

    Only tokens that authenticated are kept (a new token works at once, a wrong one is never
    remembered); an entry is never used past `ttl` seconds, and is read again from half of that,
    which also writes last_used_at (at most once per LAST_USED_RESOLUTION). Used from the event
    loop only.
    """

    def __init__(self, ttl: float = TOKEN_CACHE_SECONDS, *, size: int = TOKEN_CACHE_SIZE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._items: dict[str, tuple[float, TokenGrant]] = {}

    def get(self, digest: str) -> TokenGrant | None:
        item = self._items.get(digest)
        if item is None:
            return None
        if self.clock() - item[0] >= self.ttl:
            del self._items[digest]
            return None
        return item[1]

    def due(self, digest: str) -> bool:
        """Past half its life: read the token again now, in the background, so that a busy token's
        requests never wait for the read (the entry is still never used past `ttl`)."""
        item = self._items.get(digest)
        return item is not None and self.clock() - item[0] >= self.ttl / 2

    def discard(self, digest: str) -> None:
        self._items.pop(digest, None)

    def put(self, digest: str, grant: TokenGrant) -> None:
        self._items.pop(digest, None)
        while len(self._items) >= self.size:
            del self._items[next(iter(self._items))]  # the oldest: dicts keep insertion order
        self._items[digest] = (self.clock(), grant)


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
        user = self.active_user(token.user_id) if token.user_id is not None else None
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            self._touch(token, now)
        return token, user

    def grant(self, secret: str) -> TokenGrant:
        """authenticate(), keeping only what a cache may hold (the user is checked per request)."""
        token, _user = self.authenticate(secret)
        return TokenGrant.of(token)

    def active_user(self, user_id: int) -> User:
        """The user a personal token acts as; AuthenticationError once they are deactivated."""
        user = self.db.get(User, user_id)
        if user is None or not user.is_active:
            raise AuthenticationError("The token's user is deactivated.")
        return user

    def _touch(self, token: ApiToken, now: datetime) -> None:
        """Write last_used_at, unless another transaction is writing it right now (SKIP LOCKED):
        the first requests of a busy token never queue on its row."""
        free = (select(ApiToken.id).where(ApiToken.id == token.id)
                .with_for_update(skip_locked=True).scalar_subquery())
        self.db.execute(
            update(ApiToken)
            .where(ApiToken.id == free, or_(ApiToken.last_used_at.is_(None),
                                            ApiToken.last_used_at <= now - LAST_USED_RESOLUTION))
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(token, "last_used_at", now)

    def _authorize(self, actor: User | None, system: bool) -> None:
        if not system:
            require_role(actor, Role.admin)
