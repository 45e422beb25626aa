"""Articles, their text revisions (newest is current) and the sentences of each revision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.models.base import Base, TimestampMixin, utcnow


class Article(TimestampMixin, Base):
    __tablename__ = "article"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(String(500))
    author: Mapped[str | None] = mapped_column(String(255))
    published_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article", order_by="ArticleRevision.number", cascade="all, delete-orphan"
    )

    @property
    def current_revision(self) -> ArticleRevision | None:
        return self.revisions[-1] if self.revisions else None


class ArticleRevision(Base):
    __tablename__ = "article_revision"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    source_format: Mapped[str] = mapped_column(String(10), default="text")  # text | html
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    article: Mapped[Article] = relationship(back_populates="revisions")
    sentences: Mapped[list[Sentence]] = relationship(
        back_populates="revision", order_by="Sentence.index", cascade="all, delete-orphan"
    )


class Sentence(Base):
    __tablename__ = "sentence"
    __table_args__ = (UniqueConstraint("revision_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("article_revision.id", ondelete="CASCADE"), index=True
    )
    index: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]
    score: Mapped[float] = mapped_column(default=0.0)

    revision: Mapped[ArticleRevision] = relationship(back_populates="sentences")
