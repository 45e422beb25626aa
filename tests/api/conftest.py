"""API test helpers: tokens with chosen scopes, and verdicts published through the real review service."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from factcheck.models import Claim, Rating, User, Verdict
from factcheck.services.api_tokens import SCOPES, ApiTokenService, TokenCache
from tests import factories

ALL_SCOPES = sorted(SCOPES)


@pytest.fixture
def app(app):
    """Reads outside the request's transaction (api/reads.py) join the test's transaction too, and
    the token cache's clock stands still: a background token read would share the test's one
    connection with the request in flight (tests that need time to pass move the clock)."""
    app.state.read_session_factory = app.state.session_factory
    app.state.api_token_cache = TokenCache(clock=lambda: 0.0)
    return app


@pytest.fixture
def make_token(db) -> Callable[..., dict[str, str]]:
    """`make_token(["verdicts:read"], user=None)` → Authorization headers for a fresh token."""

    def make(scopes: list[str], *, user: User | None = None, name: str = "test client") -> dict[str, str]:
        issued = ApiTokenService(db).create(name=name, scopes=scopes, system=True, user=user)
        return {"Authorization": f"Bearer {issued.secret}"}

    return make


@pytest.fixture
def reader(make_token) -> dict[str, str]:
    return make_token(["articles:read", "verdicts:read"])


@pytest.fixture
def editor(db) -> User:
    return factories.UserFactory(role="editor", name="Erin Editor")


@pytest.fixture
def checker(db) -> User:
    return factories.UserFactory(role="checker", name="Chris Checker")


@pytest.fixture
def scale(db) -> list[Rating]:
    return [
        factories.RatingFactory(name="false", label="False", value=1, colour="#cf222e"),
        factories.RatingFactory(name="half-true", label="Half true", value=3, colour="#b08800"),
        factories.RatingFactory(name="true", label="True", value=5, colour="#1a7f37"),
    ]


@pytest.fixture
def publish(db, editor, checker, scale) -> Callable[..., Verdict]:
    """Publish a verdict on `claim` through ReviewService.approve (feed position, audit, outbox)."""
    from factcheck.services.review import ReviewService

    def publish(claim: Claim, *, rating: Rating | None = None, summary: str = "Official figures agree.",
                with_evidence: bool = True) -> Verdict:
        evidence = [factories.EvidenceFactory(claim_id=claim.id)] if with_evidence else []
        claim.status = "in_review"
        claim.assignee_id = checker.id
        verdict = factories.VerdictFactory(
            claim_id=claim.id, state="in_review", rating_id=(rating or scale[0]).id,
            summary=summary, proposed_by_id=checker.id, claim_reviewed=claim.exact,
            evidence=evidence,
        )
        db.flush()
        return ReviewService(db).approve(claim.id, actor=editor, lock_version=verdict.lock_version)

    return publish


@pytest.fixture
def correct(db, editor, scale) -> Callable[..., Verdict]:
    """Publish a correction of `claim`'s verdict through ReviewService.correct + approve."""
    from factcheck.services.review import ReviewService

    def correct(claim: Claim, *, rating: Rating | None = None, note: str = "We misread the table.",
                approver: User | None = None) -> Verdict:
        service = ReviewService(db)
        draft = service.correct(claim.id, actor=editor, rating_id=(rating or scale[2]).id,
                                summary="Corrected summary.", correction_note=note)
        other = approver or factories.UserFactory(role="editor")
        return service.approve(claim.id, actor=other, lock_version=draft.lock_version)

    return correct


def article_with_claims(text: str, *, external_id: str = "cms-1", spans: list[tuple[int, int]] | None = None,
                        **article_fields) -> tuple[object, list[Claim]]:
    """An article (one revision of `text`) with claims on `spans` (default: one per line)."""
    revision = factories.RevisionFactory(
        text=text, article=factories.ArticleFactory(external_id=external_id, **article_fields)
    )
    if spans is None:
        spans, position = [], 0
        for line in text.split("\n"):
            if line.strip():
                spans.append((position, position + len(line)))
            position += len(line) + 1
    claims = [factories.ClaimFactory(revision=revision, start=s, end=e) for s, e in spans]
    return revision.article, claims
