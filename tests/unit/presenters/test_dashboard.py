"""The dashboard presenter: readable ages and charts built from the service's figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from factcheck.models import Rating
from factcheck.presenters.dashboard import build_dashboard, format_age
from factcheck.services.dashboard import Dashboard, RatingCount


@pytest.mark.parametrize(("age", "text"), [
    (timedelta(seconds=59), "0 min"), (timedelta(minutes=45), "45 min"), (timedelta(hours=2), "2 h"),
    (timedelta(hours=2, minutes=5), "2 h 5 min"), (timedelta(days=3), "3 d"),
    (timedelta(days=3, hours=4, minutes=59), "3 d 4 h"),
])
def test_format_age(age, text):
    assert format_age(age) == text


def test_build_dashboard_gives_every_chart_its_table_newest_day_first():
    days = [(date(2026, 3, 30), 2), (date(2026, 3, 31), 5)]
    rating = Rating(id=1, label="False", colour="#cf222e", position=0, is_active=True)
    data = Dashboard(now=datetime(2026, 3, 31, tzinfo=UTC), queue={"candidate": 4, "accepted": 1},
                     oldest=[], checked_per_day=days, ratings=[RatingCount(rating, 3)])
    page = build_dashboard(data)
    assert page.queue.rows == [("Candidate", 4), ("Queued", 1)]
    assert page.per_day.rows == [("Tue 31 Mar 2026", 5), ("Mon 30 Mar 2026", 2)]
    assert page.ratings.rows == [("False", 3)]
    assert 'fill="#cf222e"' in page.ratings.svg
