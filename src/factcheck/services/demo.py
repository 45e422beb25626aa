"""Demo data: the reference article, so a fresh install has something real to look at."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from factcheck.paths import DEMO_ARTICLE
from factcheck.services.ingest import IngestService
from factcheck.settings import Settings

DEMO_EXTERNAL_ID = "demo-us-pakistan-counterterrorism"


def load_demo(db: Session, *, settings: Settings) -> Iterator[str]:
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
