"""Verdicts: versioned ratings of a claim with the evidence they rest on; never overwritten once published."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.models.base import Base, TimestampMixin
from factcheck.models.rating import Rating
from factcheck.models.source import Evidence


class VerdictState(enum.StrEnum):
    draft = "draft"
    in_review = "in_review"
    returned = "returned"
    published = "published"
    superseded = "superseded"  # a published version replaced by a correction; still readable
    withdrawn = "withdrawn"  # a correction dropped before publication; kept in the history


verdict_evidence = Table(
    "verdict_evidence",
    Base.metadata,
    Column("verdict_id", ForeignKey("verdict.id", ondelete="CASCADE"), primary_key=True),
    Column("evidence_id", ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True),
)


class Verdict(TimestampMixin, Base):
    __tablename__ = "verdict"
    __table_args__ = (
        UniqueConstraint("claim_id", "number"),
        Index("ix_verdict_state_published_at", "state", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)  # version number on this claim
    state: Mapped[str] = mapped_column(String(20), default=VerdictState.draft.value)
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("rating.id", ondelete="RESTRICT"))
    claim_reviewed: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    reasoning: Mapped[str] = mapped_column(Text, default="")
    correction_note: Mapped[str | None] = mapped_column(Text)
    review_comment: Mapped[str | None] = mapped_column(Text)
    # Optimistic locking for drafts: saving over a newer version is refused.
    lock_version: Mapped[int] = mapped_column(default=1)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    reused_from_id: Mapped[int | None] = mapped_column(ForeignKey("verdict.id", ondelete="SET NULL"))
    # Monotonic position in the publishing feed, set when published or corrected.
    feed_position: Mapped[int | None] = mapped_column(index=True)

    rating: Mapped[Rating | None] = relationship(lazy="joined")
    evidence: Mapped[list[Evidence]] = relationship(secondary=verdict_evidence)
