"""Demo data: the reference article, the default rating scale and demo accounts, so a fresh install
has something real to look at and someone to sign in as (never in production)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.exceptions import PermissionDenied
from factcheck.models import User
from factcheck.paths import DEMO_ARTICLE
from factcheck.services.ingest import IngestService
from factcheck.services.ratings import RatingService
from factcheck.services.users import UserService
from factcheck.settings import Settings

DEMO_EXTERNAL_ID = "demo-us-pakistan-counterterrorism"
# Well-known passwords: acceptable only because load_demo refuses to run them in production.
DEMO_ACCOUNTS = [
    ("admin@newsroom.test", "Ada Admin", "admin", "demo-admin-password"),
    ("editor@newsroom.test", "Eda Editor", "editor", "demo-editor-password"),
    ("checker@newsroom.test", "Chris Checker", "checker", "demo-checker-password"),
]


def load_demo(db: Session, *, settings: Settings) -> Iterator[str]:
    if settings.environment == "production":
        raise PermissionDenied(
            "Demo data and its accounts with well-known passwords are never loaded in production."
        )
    seeded = RatingService(db).ensure_default_scale()
    yield f"rating scale: {len(seeded)} default ratings added" if seeded else "rating scale: kept"
    result = IngestService(db, settings=settings).ingest(
        text=DEMO_ARTICLE.read_text(encoding="utf-8"),
        title="The U.S. and Pakistan are still cooperating on counter-terrorism",
        author="Abdul Mussawer Safi",
        url="https://theplatform.example/us-pakistan-counterterrorism",
        external_id=DEMO_EXTERNAL_ID,
        published_at=datetime(2023, 3, 20, tzinfo=UTC),
    )
    state = "loaded" if result.created else "already loaded"
    yield f"demo article {state}: /articles/{result.article.id} ({len(result.claims)} candidate claims)"
    yield from load_demo_accounts(db, settings=settings)


def load_demo_accounts(db: Session, *, settings: Settings) -> Iterator[str]:
    """Create the demo accounts that do not exist yet (idempotent) and print how to sign in."""
    users = UserService(db, settings=settings)
    for email, name, role, password in DEMO_ACCOUNTS:
        if db.scalar(select(User.id).where(User.email == email)) is None:
            users.create(email=email, name=name, role=role, password=password, system=True)
        yield f"demo login ({role}): {email} / {password}"
