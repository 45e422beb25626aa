"""The SVG bar chart builders: well-formed, accessible, proportional and escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from factcheck.presenters.charts import DEFAULT_COLOUR, Bar, bar_chart, describe, hbar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:  # type: ignore[no-untyped-def]
    return ET.fromstring(str(markup))


def rects(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{SVG}rect")


@pytest.mark.parametrize("builder", [bar_chart, hbar_chart])
def test_a_chart_is_an_image_named_by_its_title_and_description(builder):
    root = parse(builder([Bar("A", 2), Bar("B", 5)], chart_id="c1", title="Claims by state"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Claims by state"
    assert root.find(f"{SVG}desc").text == "7 claims in all; the most: B (5)."


@pytest.mark.parametrize("builder", [bar_chart, hbar_chart])
def test_every_bar_has_a_tooltip_with_its_label_and_value(builder):
    root = parse(builder([Bar("True", 3), Bar("False", 0)], chart_id="c", title="t", unit="verdicts"))
    assert [r.find(f"{SVG}title").text for r in rects(root)] == ["True: 3 verdicts", "False: 0 verdicts"]


def test_vertical_bars_are_proportional_to_their_values_and_share_a_baseline():
    root = parse(bar_chart([Bar("a", 1), Bar("b", 4), Bar("c", 2)], chart_id="c", title="t", height=200))
    heights = [float(r.get("height")) for r in rects(root)]
    assert heights[1] == pytest.approx(4 * heights[0]) and heights[2] == pytest.approx(2 * heights[0])
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 3) for r in rects(root)}
    assert len(bottoms) == 1


def test_horizontal_bars_are_proportional_and_the_largest_fills_the_plot():
    root = parse(hbar_chart([Bar("a", 5), Bar("b", 10)], chart_id="c", title="t", width=480, label_width=130))
    widths = [float(r.get("width")) for r in rects(root)]
    assert widths == [pytest.approx(widths[1] / 2), 480 - 130 - 44]


def test_all_zero_or_no_data_draws_no_bars_taller_than_zero_and_says_so():
    root = parse(bar_chart([Bar("a", 0), Bar("b", 0)], chart_id="c", title="t"))
    assert {float(r.get("height")) for r in rects(root)} == {0.0}
    assert root.find(f"{SVG}desc").text == "No claims in this period."
    empty = parse(hbar_chart([], chart_id="c", title="t"))
    assert rects(empty) == [] and "No data" in str(hbar_chart([], chart_id="c", title="t"))
    assert describe([], "claims") == "No data."


def test_tick_labels_count_back_from_the_last_bar():
    bars = [Bar(f"day {i}", i, tick=f"d{i}") for i in range(30)]
    root = parse(bar_chart(bars, chart_id="c", title="t", tick_every=7))
    ticks = [t.text for t in root.findall(f"{SVG}text") if t.text.startswith("d")]
    assert ticks == ["d1", "d8", "d15", "d22", "d29"]


def test_labels_titles_and_ids_are_escaped_and_bad_colours_replaced():
    evil = '<script>alert(1)</script>"&'
    markup = str(hbar_chart([Bar(evil, 1, colour='red" onload="x')], chart_id='c"x', title=evil))
    assert "<script>" not in markup and 'onload="x"' not in markup
    root = parse(markup)  # still well-formed XML
    assert root.find(f"{SVG}title").text == evil
    assert rects(root)[0].get("fill") == DEFAULT_COLOUR


def test_the_vertical_axis_marks_the_maximum_only_when_there_is_one():
    def labels(values):  # type: ignore[no-untyped-def]
        root = parse(bar_chart([Bar(str(v), v, tick="") for v in values], chart_id="c", title="t"))
        return [t.text for t in root.findall(f"{SVG}text") if t.text]

    assert labels([3, 7]) == ["0", "7"]
    assert labels([0, 0]) == ["0"]
