"""Small server-rendered SVG bar charts: pure functions from numbers to accessible, escaped markup.

Each chart is `role="img"` with a <title> and <desc>, and every bar has its own <title> (a tooltip);
pages also give the numbers as a table, so nothing is conveyed by the picture alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

DEFAULT_COLOUR = "#0b5cad"
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Bar:
    label: str  # full label, used in the bar's tooltip and the table
    value: int
    colour: str = DEFAULT_COLOUR
    tick: str | None = None  # a shorter axis label (vertical charts); None: the label


def _colour(value: str) -> str:
    return value if _HEX_COLOUR.match(value or "") else DEFAULT_COLOUR


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _svg(chart_id: str, title: str, description: str, width: int, height: int, body: list[str]) -> Markup:
    cid = escape(chart_id)
    return Markup(
        f'<svg class="chart" id="{cid}" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(description)}</desc>'
        + "".join(body) + "</svg>"
    )


def describe(bars: Sequence[Bar], unit: str) -> str:
    """A one-sentence summary for screen readers: the total and the largest bar."""
    if not bars:
        return "No data."
    total = sum(b.value for b in bars)
    top = max(bars, key=lambda b: b.value)
    if total == 0:
        return f"No {unit} in this period."
    return f"{total} {unit} in all; the most: {top.label} ({top.value})."


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    unit: str = "claims",
    width: int = 480,
    height: int = 200,
    tick_every: int = 1,
) -> Markup:
    """Vertical bars (e.g. one per day), a baseline, the maximum marked on the left axis;
    `tick_every` labels every n-th bar counted back from the last (today) so dense axes stay readable."""
    left, right, top, bottom = 34, 24, 12, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((b.value for b in bars), default=0)
    scale = plot_h / peak if peak else 0
    slot = plot_w / len(bars) if bars else plot_w
    gap = min(6.0, slot * 0.2)
    body = [
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}"/>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    if peak:
        body += [
            f'<line class="axis" x1="{left}" y1="{top}" x2="{width - right}" y2="{top}" stroke-dasharray="3 3"/>',
            f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>',
        ]
    for i, bar in enumerate(bars):
        h = bar.value * scale
        x = left + i * slot + gap / 2
        y = top + plot_h - h
        body.append(
            f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(slot - gap)}" height="{_fmt(h)}" '
            f'fill="{_colour(bar.colour)}"><title>{escape(bar.label)}: {bar.value} {escape(unit)}</title></rect>'
        )
        if (len(bars) - 1 - i) % tick_every == 0:
            body.append(
                f'<text x="{_fmt(x + (slot - gap) / 2)}" y="{height - 8}" text-anchor="middle">'
                f"{escape(bar.label if bar.tick is None else bar.tick)}</text>"
            )
    return _svg(chart_id, title, describe(bars, unit), width, height, body)


def hbar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    unit: str = "claims",
    width: int = 480,
    row: int = 28,
    label_width: int = 130,
) -> Markup:
    """Horizontal bars (e.g. one per rating or state), the label on the left and the value after."""
    top, value_room = 6, 44
    plot_w = width - label_width - value_room
    height = top * 2 + row * max(len(bars), 1)
    peak = max((b.value for b in bars), default=0)
    scale = plot_w / peak if peak else 0
    body = [f'<line class="axis" x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - top}"/>']
    for i, bar in enumerate(bars):
        y = top + i * row
        w = bar.value * scale
        body.append(
            f'<text x="{label_width - 8}" y="{y + row / 2 + 4:.0f}" text-anchor="end">{escape(bar.label)}</text>'
            f'<rect x="{label_width}" y="{y + 5}" width="{_fmt(w)}" height="{row - 10}" '
            f'fill="{_colour(bar.colour)}"><title>{escape(bar.label)}: {bar.value} {escape(unit)}</title></rect>'
            f'<text x="{_fmt(label_width + w + 6)}" y="{y + row / 2 + 4:.0f}">{bar.value}</text>'
        )
    if not bars:
        body.append(f'<text x="{label_width + 8}" y="{top + row / 2 + 4:.0f}">No data</text>')
    return _svg(chart_id, title, describe(bars, unit), width, height, body)
