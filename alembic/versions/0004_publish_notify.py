"""publishing API: PostgreSQL tells every app process when a cached verdicts body may be stale

Statement-level triggers on the tables a cached `/articles/{id}/verdicts` body depends on
(`article`, `article_revision`, `verdict`, `rating`: what `PublishingService.article_fingerprint`
reads) send `NOTIFY factcheck_published`. PostgreSQL delivers a notification when its transaction
commits, and never for one that rolls back; notifications of one transaction with the same
payload are delivered once. Each app process listens (api/invalidation.py) and re-reads an
article's fingerprint only after a notification, instead of on every request.
SQLite has no LISTEN/NOTIFY: nothing changes there (every request reads the fingerprint).

Revision ID: 0004_publish_notify
Revises: 0003_match_embedding
Create Date: 2026-11-25 19:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_publish_notify"
down_revision: str | None = "0003_match_embedding"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "factcheck_published"

# The columns of `verdict` that decide what is visible; saving a draft's text notifies nobody.
_TRIGGERS = {
    "article": "INSERT OR UPDATE OR DELETE",
    "article_revision": "INSERT OR UPDATE OR DELETE",
    "verdict": "INSERT OR DELETE OR UPDATE OF state, feed_position, claim_id",
    "rating": "INSERT OR UPDATE OR DELETE",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION factcheck_notify_published() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
    )
    for table, events in _TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {table}_notify_published AFTER {events} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION factcheck_notify_published()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TRIGGERS:
        op.execute(f"DROP TRIGGER {table}_notify_published ON {table}")
    op.execute("DROP FUNCTION factcheck_notify_published()")
