"""People who use the workbench, their roles, and login attempts (for rate limiting)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from factcheck.models.base import Base, TimestampMixin, utcnow


class Role(enum.StrEnum):
    checker = "checker"
    editor = "editor"
    admin = "admin"

    @property
    def rank(self) -> int:
        return {"checker": 1, "editor": 2, "admin": 3}[self.value]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


class User(TimestampMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=Role.checker.value)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Bumped on deactivation or password change: sessions signed with an older value stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None]

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class LoginAttempt(Base):
    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_created_at", "email", "created_at"),
        Index("ix_login_attempt_address_created_at", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
