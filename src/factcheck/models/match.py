"""Suggested links from a new claim to an earlier claim with a published verdict."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from factcheck.models.base import Base, utcnow


class MatchSuggestion(Base):
    __tablename__ = "match_suggestion"
    __table_args__ = (UniqueConstraint("claim_id", "matched_claim_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    matched_claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"))
    matched_verdict_id: Mapped[int | None] = mapped_column(
        ForeignKey("verdict.id", ondelete="SET NULL")
    )
    score: Mapped[float]
    # suggested | auto_linked | confirmed | rejected | undone
    state: Mapped[str] = mapped_column(String(20), default="suggested")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
