"""The dashboard in a real browser: three charts drawn, each readable as a table, refreshed by htmx."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.helpers import login


def test_the_dashboard_draws_its_charts_and_opens_their_tables(page: Page, live_server, screenshots_dir: Path):
    login(page, "editor@newsroom.test")
    page.goto("/dashboard")
    charts = page.get_by_role("img")
    expect(charts).to_have_count(3)
    expect(page.get_by_role("img", name="Claims by state")).to_be_visible()
    expect(page.locator("#chart-per-day rect")).to_have_count(30)
    page.get_by_text("Show as a table").first.click()
    expect(page.get_by_role("table").first).to_be_visible()
    expect(page.get_by_role("rowheader", name="Candidate")).to_be_visible()
    page.get_by_role("link", name="Refresh").click()
    expect(page.locator("#dashboard-panels")).to_have_count(1)
    page.screenshot(path=screenshots_dir / "dashboard.png", full_page=True)
