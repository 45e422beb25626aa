"""Jinja2 filters: dates, scores, and highlighted article text built from offsets around escaped text."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape


def format_date(value: date | datetime | None, fmt: str = "%-d %b %Y") -> str:
    return value.strftime(fmt) if value else ""


def format_datetime(value: datetime | None) -> str:
    return value.strftime("%-d %b %Y, %H:%M UTC") if value else ""


def percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def kind_label(kind: str) -> str:
    return {
        "date": "date/time", "quantity": "quantity/statistic", "attribution": "attribution/quote",
        "event": "event", "comparison": "comparison/trend", "causal": "causal",
        "prediction": "prediction", "law": "law/rule",
    }.get(kind, kind)


def mark_facts(text: str, offset: int, facts: list[Any]) -> Markup:
    """Escape `text` (which starts at `offset` in the revision) and wrap each fact in a <mark>."""
    out: list[str] = []
    cursor = 0
    for fact in sorted(facts, key=lambda f: (f.start, -f.end)):
        start, end = fact.start - offset, fact.end - offset
        if start < cursor or start < 0 or end > len(text):
            continue  # overlapping or outside this span: leave it unmarked rather than garble
        out.append(str(escape(text[cursor:start])))
        title = f"{fact.kind}: {fact.value}" if fact.value else fact.kind
        out.append(
            f'<mark class="fact fact-{escape(fact.kind)}" title="{escape(title)}">'
            f"{escape(text[start:end])}</mark>"
        )
        cursor = end
    out.append(str(escape(text[cursor:])))
    return Markup("".join(out))


def register(env: Environment) -> None:
    env.filters["date"] = format_date
    env.filters["datetime"] = format_datetime
    env.filters["percent"] = percent
    env.filters["kind_label"] = kind_label
    env.globals["mark_facts"] = mark_facts
