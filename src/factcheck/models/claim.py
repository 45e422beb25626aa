"""Claims anchored in an article revision, the facts inside them, and their workflow status."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.models.base import Base, TimestampMixin


class ClaimStatus(enum.StrEnum):
    candidate = "candidate"
    accepted = "accepted"
    in_progress = "in_progress"
    in_review = "in_review"
    published = "published"
    dismissed = "dismissed"
    duplicate = "duplicate"


class AnchorState(enum.StrEnum):
    anchored = "anchored"
    changed = "changed"  # found in a new revision, but its text changed since it was checked
    orphan = "orphan"  # could not be placed in the current revision


class Claim(TimestampMixin, Base):
    __tablename__ = "claim"
    __table_args__ = (
        Index("ix_claim_status_score", "status", "score"),
        Index("ix_claim_assignee_id_status", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("article_revision.id", ondelete="CASCADE"), index=True
    )
    sentence_id: Mapped[int | None] = mapped_column(ForeignKey("sentence.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=ClaimStatus.candidate.value)
    origin: Mapped[str] = mapped_column(String(20), default="detector")  # detector | manual
    # W3C Web Annotation selectors: TextQuoteSelector and TextPositionSelector.
    exact: Mapped[str] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(Text, default="")
    suffix: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[int]
    end: Mapped[int]
    anchor_state: Mapped[str] = mapped_column(String(20), default=AnchorState.anchored.value)
    score: Mapped[float] = mapped_column(default=0.0)
    kinds: Mapped[list[str]] = mapped_column(default=list)
    reasons: Mapped[list[str]] = mapped_column(default=list)
    # Optimistic locking: every edit carries the version it read.
    version: Mapped[int] = mapped_column(default=1)
    # Lease: taking a claim is one conditional UPDATE on these columns.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    lease_expires_at: Mapped[datetime | None]
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    facts: Mapped[list[Fact]] = relationship(
        back_populates="claim", order_by="Fact.start", cascade="all, delete-orphan"
    )


class Fact(Base):
    __tablename__ = "fact"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int]  # offsets into the claim's revision text
    end: Mapped[int]
    value: Mapped[str | None] = mapped_column(Text)

    claim: Mapped[Claim] = relationship(back_populates="facts")
