"""Sources (shared evidence documents) and the evidence linking a source to a claim."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.models.base import Base, TimestampMixin, utcnow


class SourceKind(enum.StrEnum):
    primary = "primary"
    official = "official"
    secondary = "secondary"
    expert = "expert"
    dataset = "dataset"


class Stance(enum.StrEnum):
    supports = "supports"
    refutes = "refutes"
    context = "context"


class Source(TimestampMixin, Base):
    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), index=True)
    title: Mapped[str] = mapped_column(String(500))
    publisher: Mapped[str | None] = mapped_column(String(255))
    published_on: Mapped[date | None]
    archived_url: Mapped[str | None] = mapped_column(String(2048))
    kind: Mapped[str] = mapped_column(String(20), default=SourceKind.secondary.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class Evidence(Base):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="RESTRICT"), index=True)
    excerpt: Mapped[str] = mapped_column(Text, default="")
    stance: Mapped[str] = mapped_column(String(20), default=Stance.context.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Source] = relationship(lazy="joined")
