"""claim matching: each published claim's stored index terms and optional sentence-encoder vector

Nullable columns on `match_document`: `terms` (the claim's index terms, so re-scoring does not
tokenise candidates again; rows indexed before stay NULL and are tokenised on the fly) and
`embedding` (filled only while FACTCHECK_MATCHING_ENCODER is on; `factcheck matching reindex`
backfills it). On SQLite the full-text update trigger now fires only when the indexed text
changes, so writing a vector does not re-index the row.

Revision ID: 0003_match_embedding
Revises: 0002_match_document
Create Date: 2026-11-25 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_match_embedding"
down_revision: str | None = "0002_match_document"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UPDATE_TRIGGER = (
    "CREATE TRIGGER match_document_fts_au AFTER UPDATE {of}ON match_document BEGIN "
    "INSERT INTO match_document_fts(match_document_fts, rowid, text, title, summary) "
    "VALUES ('delete', old.id, old.text, old.title, old.summary); "
    "INSERT INTO match_document_fts(rowid, text, title, summary) "
    "VALUES (new.id, new.text, new.title, new.summary); END"
)


def _update_trigger(of: str) -> None:
    op.execute("DROP TRIGGER IF EXISTS match_document_fts_au")
    op.execute(_UPDATE_TRIGGER.format(of=of))


def upgrade() -> None:
    # ADD COLUMN in place on both databases (batch mode does not copy the table for it, which
    # would drop the FTS triggers on SQLite).
    with op.batch_alter_table("match_document") as batch:
        batch.add_column(sa.Column("terms", sa.Text(), nullable=True))
        batch.add_column(sa.Column("embedding", sa.LargeBinary(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        _update_trigger("OF text, title, summary ")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _update_trigger("")
        # SQLite ≥ 3.35 drops a column in place; a batch copy would lose the FTS triggers.
        op.execute("ALTER TABLE match_document DROP COLUMN embedding")
        op.execute("ALTER TABLE match_document DROP COLUMN terms")
    else:
        op.drop_column("match_document", "embedding")
        op.drop_column("match_document", "terms")
