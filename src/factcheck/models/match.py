"""Claim matching: suggested links to earlier checked claims, and the searchable published claims."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String, Text, UniqueConstraint
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


class MatchDocument(Base):
    """A published verdict's claim as the matcher searches it (one row per claim, newest verdict).

    The full-text index lives beside it, managed by hand in the migration: on PostgreSQL a generated
    `search_vector` tsvector column with a GIN index, on SQLite the FTS5 table `match_document_fts`.
    """

    __tablename__ = "match_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), unique=True)
    verdict_id: Mapped[int] = mapped_column(ForeignKey("verdict.id", ondelete="CASCADE"))
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("rating.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)  # claim reviewed + the claim's own words
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    # Index terms of the claim, then (after a newline) of title + summary, saved when indexed so
    # re-scoring need not tokenise candidates again (claim_matcher.stored_terms); NULL before 0003.
    terms: Mapped[str | None] = mapped_column(Text)
    # The optional sentence encoder's vector of `text` (float32 bytes, see analysis/sentence_encoder);
    # NULL while the encoder is off. Deferred: the lexical path never reads it.
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class MatchTerm(Base):
    """BM25 statistics shared by every app process: documents per term, and totals under ' '-keys."""

    __tablename__ = "match_term"

    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    df: Mapped[int] = mapped_column(BigInteger, default=0)
