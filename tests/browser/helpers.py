"""What browser tests share: signing in through the login form, and seeding claims through the
workflow services (accept, take, attach a source, draft, submit, approve) in the server's database."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.models import Claim, Rating, User
from factcheck.services.demo import DEMO_ACCOUNTS
from factcheck.services.ingest import IngestService
from factcheck.services.leases import LeaseService
from factcheck.services.review import ReviewService
from factcheck.services.sources import SourceService
from factcheck.services.triage import TriageService
from factcheck.services.verdicts import VerdictService
from factcheck.settings import Settings

PASSWORDS = {email: password for email, _, _, password in DEMO_ACCOUNTS}


def login(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORDS[email])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def user(db: Session, email: str) -> User:
    return db.scalars(select(User).where(User.email == email)).one()


def rating(db: Session, name: str) -> Rating:
    return db.scalars(select(Rating).where(Rating.name == name)).one()


@dataclass
class Seeded:
    article_id: int
    claim_id: int


def article_with_claim(db: Session, settings: Settings, *, text: str, quote: str, title: str) -> Seeded:
    """A new article whose `quote` is a claim marked by a checker (accepted)."""
    # Without automatic matching: browser tests share one server, and a claim must not be
    # auto-linked to a near-identical verdict another test published.
    quiet = settings.model_copy(update={"matching_enabled": False})
    result = IngestService(db, settings=quiet).ingest(text=text, title=title, source_format="text")
    start = result.revision.text.index(quote)
    checker = user(db, "checker@newsroom.test")
    existing = db.scalar(select(Claim).where(Claim.revision_id == result.revision.id,
                                             Claim.start == start, Claim.end == start + len(quote)))
    if existing is not None:
        claim = TriageService(db).accept(existing.id, actor=checker, version=existing.version)
    else:
        claim = TriageService(db).add_manual_claim(
            article_id=result.article.id, start=start, end=start + len(quote), actor=checker)
    return Seeded(result.article.id, claim.id)


def publish(
    db: Session, settings: Settings, claim_id: int, *, rating_name: str, summary: str,
    source_title: str, source_url: str, publisher: str, excerpt: str, stance: str = "refutes",
) -> None:
    checker, editor = user(db, "checker@newsroom.test"), user(db, "editor@newsroom.test")
    LeaseService(db, settings=settings).take(claim_id, actor=checker)
    SourceService(db).attach_new(claim_id, url=source_url, title=source_title, publisher=publisher,
                                 excerpt=excerpt, stance=stance, kind="official", actor=checker)
    draft = VerdictService(db).save_draft(
        claim_id, actor=checker, lock_version=0, rating_id=rating(db, rating_name).id,
        summary=summary, reasoning="Checked against the primary source.",
    ).verdict
    submitted = VerdictService(db).submit(claim_id, actor=checker, lock_version=draft.lock_version)
    ReviewService(db, settings=settings).approve(claim_id, actor=editor, lock_version=submitted.lock_version)
