"""The dashboard figures: queue sizes, oldest waiting claims, first publications per day, ratings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from factcheck.exceptions import PermissionDenied
from factcheck.services.dashboard import DashboardService
from tests.factories import ClaimFactory, RatingFactory, RevisionFactory, UserFactory, VerdictFactory

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


def test_it_needs_a_signed_in_active_user(db):
    with pytest.raises(PermissionDenied):
        DashboardService(db).summary(actor=None)
    with pytest.raises(PermissionDenied):
        DashboardService(db).summary(actor=UserFactory(is_active=False))


def test_queue_sizes_list_every_state_in_workflow_order(db):
    revision = RevisionFactory()
    for status in ["candidate", "candidate", "accepted", "in_review", "dismissed"]:
        ClaimFactory(revision=revision, status=status)
    queue = DashboardService(db).queue_sizes()
    assert list(queue) == ["candidate", "accepted", "in_progress", "in_review", "published",
                           "dismissed", "duplicate"]
    assert queue["candidate"] == 2 and queue["in_progress"] == 0 and queue["dismissed"] == 1


def test_the_oldest_waiting_claim_of_each_state_and_its_age(db):
    revision = RevisionFactory(article__title="Budget story")
    ClaimFactory(revision=revision, status="candidate", created_at=NOW - timedelta(hours=2))
    oldest = ClaimFactory(revision=revision, status="candidate", created_at=NOW - timedelta(days=3))
    queued = ClaimFactory(revision=revision, status="accepted", updated_at=NOW - timedelta(hours=5))
    reviewed = ClaimFactory(revision=revision, status="in_review")
    VerdictFactory(claim_id=reviewed.id, state="in_review", submitted_at=NOW - timedelta(minutes=30))
    ClaimFactory(revision=revision, status="published", created_at=NOW - timedelta(days=30))

    data = DashboardService(db).summary(actor=UserFactory(), now=NOW)
    got = {w.status: (w.claim_id, w.age, w.article_title) for w in data.oldest}
    assert got == {
        "candidate": (oldest.id, timedelta(days=3), "Budget story"),
        "accepted": (queued.id, timedelta(hours=5), "Budget story"),
        "in_review": (reviewed.id, timedelta(minutes=30), "Budget story"),
    }


def test_nothing_waiting_gives_no_oldest_claims(db):
    assert DashboardService(db).summary(actor=UserFactory(), now=NOW).oldest == []


def test_checked_per_day_counts_first_publications_in_the_last_30_utc_days(db):
    revision = RevisionFactory()
    rating = RatingFactory()

    def published(days_ago: float, *, corrected_days_ago: float | None = None) -> None:
        claim = ClaimFactory(revision=revision, status="published")
        first = NOW - timedelta(days=days_ago)
        VerdictFactory(claim_id=claim.id, number=1, rating_id=rating.id, published_at=first,
                       state="superseded" if corrected_days_ago is not None else "published")
        if corrected_days_ago is not None:
            VerdictFactory(claim_id=claim.id, number=2, state="published", rating_id=rating.id,
                           published_at=NOW - timedelta(days=corrected_days_ago))

    published(0)
    published(0.1)
    published(3, corrected_days_ago=1)  # a correction is not a second check
    published(29)
    published(31)  # outside the window
    per_day = DashboardService(db).checked_per_day(now=NOW, days=30)
    assert len(per_day) == 30
    assert per_day[0][0] == NOW.date() - timedelta(days=29) and per_day[-1][0] == NOW.date()
    counts = dict(per_day)
    assert counts[NOW.date()] == 2
    assert counts[NOW.date() - timedelta(days=3)] == 1 and counts[NOW.date() - timedelta(days=1)] == 0
    assert counts[NOW.date() - timedelta(days=29)] == 1
    assert sum(counts.values()) == 4


def test_the_rating_distribution_counts_current_published_verdicts_in_scale_order(db):
    first, second = RatingFactory(position=1, label="True"), RatingFactory(position=2, label="False")
    retired = RatingFactory(position=3, is_active=False)
    revision = RevisionFactory()
    for rating, state in [(second, "published"), (second, "published"), (first, "superseded"),
                          (first, "in_review")]:
        VerdictFactory(claim_id=ClaimFactory(revision=revision).id, rating_id=rating.id, state=state)
    result = [(rc.rating.label, rc.count) for rc in DashboardService(db).rating_distribution()]
    assert result == [("True", 0), ("False", 2)]
    assert retired.label not in dict(result)
