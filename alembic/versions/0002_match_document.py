"""claim matching: searchable published claims with a full-text index, and BM25 term statistics

PostgreSQL: a generated `search_vector` tsvector column with a GIN index. SQLite: an FTS5
external-content table `match_document_fts` kept in step by triggers.

Revision ID: 0002_match_document
Revises: 0001
Create Date: 2026-11-25 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_match_document"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE match_document_fts USING fts5(text, title, summary, "
    "content='match_document', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER match_document_fts_ai AFTER INSERT ON match_document BEGIN "
    "INSERT INTO match_document_fts(rowid, text, title, summary) "
    "VALUES (new.id, new.text, new.title, new.summary); END",
    "CREATE TRIGGER match_document_fts_ad AFTER DELETE ON match_document BEGIN "
    "INSERT INTO match_document_fts(match_document_fts, rowid, text, title, summary) "
    "VALUES ('delete', old.id, old.text, old.title, old.summary); END",
    "CREATE TRIGGER match_document_fts_au AFTER UPDATE ON match_document BEGIN "
    "INSERT INTO match_document_fts(match_document_fts, rowid, text, title, summary) "
    "VALUES ('delete', old.id, old.text, old.title, old.summary); "
    "INSERT INTO match_document_fts(rowid, text, title, summary) "
    "VALUES (new.id, new.text, new.title, new.summary); END",
]
POSTGRES_FTS = [
    "ALTER TABLE match_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('english', text || ' ' || title || ' ' || summary)) STORED",
    "CREATE INDEX ix_match_document_search_vector ON match_document USING gin (search_vector)",
]


def upgrade() -> None:
    op.create_table(
        "match_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("verdict_id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"],
                                name=op.f("fk_match_document_claim_id_claim"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["verdict_id"], ["verdict.id"],
                                name=op.f("fk_match_document_verdict_id_verdict"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rating_id"], ["rating.id"],
                                name=op.f("fk_match_document_rating_id_rating"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_document")),
        sa.UniqueConstraint("claim_id", name=op.f("uq_match_document_claim_id")),
    )
    op.create_table(
        "match_term",
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("df", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_match_term")),
    )
    statements = POSTGRES_FTS if op.get_bind().dialect.name == "postgresql" else SQLITE_FTS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS match_document_fts_{name}")
        op.execute("DROP TABLE IF EXISTS match_document_fts")
    op.drop_table("match_term")
    op.drop_table("match_document")  # PostgreSQL drops the generated column and its index with it
