"""The dashboard page model: the service's figures turned into charts, tables and readable ages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from markupsafe import Markup

from factcheck.presenters.article_view import STATE_LABELS, rating_badge
from factcheck.presenters.charts import Bar, bar_chart, hbar_chart
from factcheck.services.dashboard import Dashboard, Waiting

# The same hues as the highlights in the annotated article, so a state looks alike everywhere.
STATE_COLOURS = {
    "candidate": "#d4a72c", "accepted": "#0969da", "in_progress": "#8250df", "in_review": "#bc4c00",
    "published": "#1a7f37", "dismissed": "#6e7781", "duplicate": "#8c959f",
}
LABELS = {**STATE_LABELS, "dismissed": "Dismissed", "duplicate": "Duplicate"}


@dataclass(frozen=True)
class Chart:
    svg: Markup
    rows: list[tuple[str, int]]  # the same numbers as a table


@dataclass(frozen=True)
class DashboardPage:
    data: Dashboard
    queue: Chart
    per_day: Chart
    ratings: Chart
    oldest: list[tuple[str, str, Waiting]]  # (state label, age, claim)


def format_age(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def build_dashboard(data: Dashboard) -> DashboardPage:
    queue = [Bar(LABELS[s], n, STATE_COLOURS[s]) for s, n in data.queue.items()]
    days = [Bar(day.strftime("%a %-d %b %Y"), n, tick=day.strftime("%-d %b")) for day, n in data.checked_per_day]
    ratings = [Bar(rc.rating.label, rc.count, rating_badge(rc.rating).colour or "") for rc in data.ratings]
    return DashboardPage(
        data=data,
        queue=Chart(hbar_chart(queue, chart_id="chart-queue", title="Claims by state"),
                    [(b.label, b.value) for b in queue]),
        per_day=Chart(
            bar_chart(days, chart_id="chart-per-day", unit="claims checked", tick_every=7,
                      title=f"Claims checked per day, last {len(days)} days"),
            [(b.label, b.value) for b in reversed(days)],
        ),
        ratings=Chart(hbar_chart(ratings, chart_id="chart-ratings", unit="verdicts",
                                 title="Published verdicts by rating"),
                      [(b.label, b.value) for b in ratings]),
        oldest=[(LABELS[w.status], format_age(w.age), w) for w in data.oldest],
    )
