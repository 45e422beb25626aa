"""Accounts: creating users, signing in (with rate limiting), roles, passwords and deactivation.

Admin-only changes need an admin `actor`; the operator CLI passes `system=True` instead.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factcheck.exceptions import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from factcheck.models import LoginAttempt, Role, User, utcnow
from factcheck.services.audit import AuditService
from factcheck.services.permissions import require_role
from factcheck.settings import Settings, get_settings

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte-long "password" is a cheap denial of service
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
DEFAULT_PASSWORD_HASH = PasswordHash.recommended()
_dummy_hashes: dict[int, str] = {}


def normalise_email(email: str) -> str:
    value = (email or "").strip().lower()
    if len(value) > 320 or not EMAIL_RE.match(value):
        raise ValidationError(f"{email!r} is not a valid email address.")
    return value


def parse_role(role: str | Role) -> Role:
    try:
        return Role(str(role).strip().lower())
    except ValueError:
        raise ValidationError(
            f"Unknown role {role!r}; use one of: {', '.join(r.value for r in Role)}."
        ) from None


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"The password must have at most {MAX_PASSWORD_LENGTH} characters.")
    return password


class UserService:
    def __init__(
        self, db: Session, *, settings: Settings | None = None, hasher: PasswordHash | None = None
    ) -> None:
        self.db = db
        self._settings = settings
        self.hasher = hasher or DEFAULT_PASSWORD_HASH

    @property
    def settings(self) -> Settings:
        return self._settings or get_settings()

    # Reading

    def list(self, *, include_inactive: bool = True) -> list[User]:
        query = select(User).order_by(User.is_active.desc(), User.name, User.id)
        if not include_inactive:
            query = query.where(User.is_active.is_(True))
        return list(self.db.scalars(query))

    def get(self, user_id: int) -> User:
        # Ids beyond the column's range (PostgreSQL integer) cannot exist: answer 404, not a crash.
        user = self.db.get(User, user_id) if 0 < user_id < 2**31 else None
        if user is None:
            raise NotFoundError(f"User {user_id} does not exist.")
        return user

    def get_by_email(self, email: str) -> User:
        user = self.db.scalar(select(User).where(User.email == (email or "").strip().lower()))
        if user is None:
            raise NotFoundError(f"No user has the email {email!r}.")
        return user

    # Changes

    def create(
        self, *, email: str, name: str, role: str | Role, password: str,
        actor: User | None = None, system: bool = False,
    ) -> User:
        self._authorize(actor, system)
        email = normalise_email(email)
        name = (name or "").strip()
        if not name or len(name) > 200:
            raise ValidationError("The name must have between 1 and 200 characters.")
        role = parse_role(role)
        check_password(password)
        if self.db.scalar(select(User.id).where(User.email == email)) is not None:
            raise ConflictError(f"A user with the email {email} already exists.")
        user = User(email=email, name=name, role=role.value,
                    password_hash=self.hasher.hash(password), is_active=True, session_version=1)
        self.db.add(user)
        self.db.flush()
        self._audit("user.created", user, actor, {"email": email, "role": role.value})
        return user

    def deactivate(self, user_id: int, *, actor: User | None = None, system: bool = False) -> User:
        self._authorize(actor, system)
        user = self.get(user_id)
        if not user.is_active:
            return user
        if actor is not None and actor.id == user.id:
            raise ConflictError("You cannot deactivate your own account; ask another admin.")
        self._keep_an_admin(user, losing="deactivate")
        user.is_active = False
        user.session_version += 1  # signs out every open session
        self.db.flush()
        self._audit("user.deactivated", user, actor, {})
        return user

    def reactivate(self, user_id: int, *, actor: User | None = None, system: bool = False) -> User:
        self._authorize(actor, system)
        user = self.get(user_id)
        if user.is_active:
            return user
        user.is_active = True
        self.db.flush()
        self._audit("user.reactivated", user, actor, {})
        return user

    def set_role(
        self, user_id: int, role: str | Role, *, actor: User | None = None, system: bool = False
    ) -> User:
        self._authorize(actor, system)
        user = self.get(user_id)
        new = parse_role(role)
        old = user.role
        if old == new.value:
            return user
        if new is not Role.admin:
            self._keep_an_admin(user, losing="demote")
        user.role = new.value
        self.db.flush()
        self._audit("user.role_changed", user, actor, {"from": old, "to": new.value})
        return user

    def set_password(
        self, user_id: int, *, password: str, actor: User | None = None, system: bool = False
    ) -> User:
        """Admins set anyone's password, a user their own; every open session of the user ends."""
        user = self.get(user_id)
        if not system and not (actor is not None and actor.is_active and actor.id == user.id):
            require_role(actor, Role.admin)
        check_password(password)
        user.password_hash = self.hasher.hash(password)
        user.session_version += 1
        self.db.flush()
        self._audit("user.password_changed", user, actor, {})
        return user

    def change_own_password(self, user: User, *, current_password: str, new_password: str,
                            confirmation: str, address: str) -> User:
        """A signed-in user replaces their own password; every other session of theirs ends.

        The current password is checked like a sign-in (a wrong one counts towards the same
        rate limit, so a borrowed session cannot guess it); callers commit even when this raises.
        """
        self._check_rate_limit(email=user.email, address=(address or "unknown")[:64])
        current_password = current_password if isinstance(current_password, str) else ""
        ok = (len(current_password) <= MAX_PASSWORD_LENGTH
              and self._verify(current_password, user.password_hash))
        if not ok:
            self.db.add(LoginAttempt(email=user.email, address=(address or "unknown")[:64],
                                     succeeded=False, user_id=user.id))
            self.db.flush()
            raise AuthenticationError("The current password is not right.")
        if new_password != confirmation:
            raise ValidationError("The new password and its confirmation differ.")
        if new_password == current_password:
            raise ValidationError("The new password must differ from the current one.")
        return self.set_password(user.id, password=new_password, actor=user)

    def end_sessions(self, user: User) -> None:
        """Sign the user out everywhere (logout): sessions carrying the old version stop working."""
        user.session_version += 1
        self.db.flush()

    # Signing in

    def authenticate(self, *, email: str, password: str, address: str) -> User:
        """The user with these credentials, or AuthenticationError; every attempt is recorded.

        Callers must commit even when this raises AuthenticationError, or the failure is not
        counted towards the rate limit.
        """
        email = (email or "").strip().lower()[:320]
        address = (address or "unknown")[:64]
        self._check_rate_limit(email=email, address=address)
        user = self.db.scalar(select(User).where(User.email == email)) if email else None
        password = password if isinstance(password, str) else ""
        if user is None or len(password) > MAX_PASSWORD_LENGTH:
            self.hasher.verify("not the password", self._dummy_hash())  # same work as a real check
            ok = False
        else:
            ok = self._verify(password, user.password_hash)
        self.db.add(LoginAttempt(email=email, address=address, succeeded=ok and user.is_active,
                                 user_id=user.id if user else None))
        if not ok:
            self.db.flush()
            raise AuthenticationError("Wrong email or password.")
        if not user.is_active:
            self.db.flush()
            raise AuthenticationError("This account has been deactivated.")
        user.last_login_at = utcnow()
        self.db.flush()
        return user

    def _check_rate_limit(self, *, email: str, address: str) -> None:
        limit = self.settings.login_max_failures
        window = timedelta(minutes=self.settings.login_window_minutes)
        now = utcnow()
        since = now - window
        for column, value in ((LoginAttempt.email, email), (LoginAttempt.address, address)):
            failures = self._recent_failures(column, value, since, limit)
            if len(failures) >= limit:
                # Allowed again when the oldest failure that keeps the count at the limit expires.
                frees_at = failures[-limit] + window
                retry_after = max(1, int((frees_at - now).total_seconds()) + 1)
                raise RateLimitedError(
                    "Too many failed sign-in attempts. Try again in "
                    f"{(retry_after + 59) // 60} minute(s).", retry_after=retry_after,
                )

    def _recent_failures(self, column, value: str, since: datetime, limit: int) -> list[datetime]:  # type: ignore[no-untyped-def]
        rows = self.db.scalars(
            select(LoginAttempt.created_at)
            .where(column == value, LoginAttempt.succeeded.is_(False),
                   LoginAttempt.created_at >= since)
            .order_by(LoginAttempt.created_at.desc())
            .limit(limit)
        )
        return sorted(rows)

    def _verify(self, password: str, password_hash: str) -> bool:
        try:
            return self.hasher.verify(password, password_hash)
        except UnknownHashError:  # e.g. an account created with a disabled ("!") password
            self.hasher.verify(password, self._dummy_hash())
            return False

    def _dummy_hash(self) -> str:
        key = id(self.hasher)
        if key not in _dummy_hashes:
            _dummy_hashes[key] = self.hasher.hash("a password nobody has, for constant time")
        return _dummy_hashes[key]

    # Helpers

    def _authorize(self, actor: User | None, system: bool) -> None:
        if not system:
            require_role(actor, Role.admin)

    def _keep_an_admin(self, user: User, *, losing: str) -> None:
        if user.role != Role.admin.value or not user.is_active:
            return
        admins = self.db.scalar(
            select(func.count(User.id)).where(User.role == Role.admin.value, User.is_active.is_(True))
        )
        if admins <= 1:
            raise ConflictError(f"Cannot {losing} the last active admin; make someone else admin first.")

    def _audit(self, action: str, user: User, actor: User | None, details: dict) -> None:
        AuditService(self.db).record(
            action, subject_type="user", subject_id=user.id, actor=actor, details=details
        )
