"""Reading articles: the list, one article with its current revision and claims."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from factcheck.exceptions import NotFoundError
from factcheck.models import Article, ArticleRevision, Claim


@dataclass
class ArticleSummary:
    article: Article
    revision_number: int
    claim_count: int


class ArticleService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def list(self, *, limit: int = 100, offset: int = 0) -> list[ArticleSummary]:
        latest = (
            select(ArticleRevision.article_id, func.max(ArticleRevision.number).label("number"))
            .group_by(ArticleRevision.article_id)
            .subquery()
        )
        claim_counts = (
            select(Claim.article_id, func.count(Claim.id).label("n"))
            .group_by(Claim.article_id)
            .subquery()
        )
        rows = self.db.execute(
            select(Article, latest.c.number, func.coalesce(claim_counts.c.n, 0))
            .join(latest, latest.c.article_id == Article.id)
            .outerjoin(claim_counts, claim_counts.c.article_id == Article.id)
            .order_by(Article.created_at.desc(), Article.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return [ArticleSummary(article, number, count) for article, number, count in rows]

    def get(self, article_id: int) -> Article:
        article = self.db.get(Article, article_id)
        if article is None:
            raise NotFoundError(f"Article {article_id} does not exist.")
        return article

    def get_by_external_id(self, external_id: str) -> Article:
        article = self.db.scalar(select(Article).where(Article.external_id == external_id))
        if article is None:
            raise NotFoundError(f"No article has the external id {external_id!r}.")
        return article

    def claims(self, revision: ArticleRevision) -> list[Claim]:
        """The claims anchored in this revision (orphans are listed separately)."""
        return list(
            self.db.scalars(
                select(Claim)
                .where(Claim.revision_id == revision.id, Claim.anchor_state != "orphan")
                .options(selectinload(Claim.facts))
                .order_by(Claim.start)
            )
        )
