"""The triage queue in a browser: a stale keyboard action lands in the flash area with a reload link
(htmx does not swap error responses unless told to), bulk actions swap rows in place, and the
search box filters as you type without losing the focus to the keyboard shortcuts."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from factcheck.models import Claim
from factcheck.services.ingest import IngestService
from factcheck.services.triage import TriageService
from tests.browser.helpers import login, user

TEXT = "The council approved a budget of 48 million euros on 3 May 2024, the mayor said."


def test_a_stale_accept_shows_the_conflict_in_the_flash_area(page: Page, live_server):
    with live_server.session() as db:
        article = IngestService(db, settings=live_server.settings).ingest(
            text=TEXT, title="Council budget", source_format="text").article
    login(page, "checker@newsroom.test")
    page.goto(f"/queue?article={article.id}")
    rows = page.locator("tr[data-claim-id]")
    expect(rows).to_have_count(1)
    claim_id = int(rows.first.get_attribute("data-claim-id"))

    # Meanwhile an editor dismisses it from another desk.
    with live_server.session() as db:
        claim = db.scalars(select(Claim).where(Claim.id == claim_id)).one()
        TriageService(db).dismiss(claim_id, actor=user(db, "editor@newsroom.test"),
                                  version=claim.version)

    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("a")
    flash = page.locator("#flash")
    expect(flash).to_contain_text("changed since you loaded it")
    expect(flash.get_by_role("link", name="Reload")).to_be_visible()
    expect(page.locator(f"#claim-row-{claim_id}")).to_have_attribute("data-status", "candidate")
    flash.get_by_role("link", name="Reload").click()
    expect(page.locator(f"#claim-row-{claim_id}")).to_have_count(0)  # no longer a candidate


BULK_TEXT = ("The port handled 9.1 million containers in 2023, the authority said.\n\n"
             "Exports rose by 14 percent compared with 2022, according to customs data.")


def test_bulk_accept_updates_the_selected_rows_in_place(page: Page, live_server):
    with live_server.session() as db:
        article = IngestService(db, settings=live_server.settings).ingest(
            text=BULK_TEXT, title="Port figures", source_format="text").article
    login(page, "checker@newsroom.test")
    page.goto(f"/queue?article={article.id}")
    rows = page.locator("tr[data-claim-id]")
    expect(rows).to_have_count(2)
    page.locator("h1").click()
    page.keyboard.press("x")  # the first row has the keyboard when the page opens
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(page.locator("[data-selected-count]")).to_have_text("2")
    page.get_by_role("button", name="Accept selected").click()
    expect(page.locator("#flash")).to_contain_text("2 done")
    for index in range(2):
        expect(rows.nth(index)).to_have_attribute("data-status", "accepted")
    expect(page.locator("[data-selected-count]")).to_have_text("0")
    expect(page.locator('[data-count="accepted"]')).not_to_have_text("0")


def test_typing_in_the_search_box_filters_and_keeps_the_focus(page: Page, live_server):
    with live_server.session() as db:
        IngestService(db, settings=live_server.settings).ingest(
            text="Rail freight carried 31 million tonnes of containers in 2023, the ministry said.",
            title="Rail freight", source_format="text")
    login(page, "checker@newsroom.test")
    page.goto("/queue")
    search = page.get_by_label("Search")
    search.click()
    search.press_sequentially("containers", delay=40)
    expect(page.locator("tr[data-claim-id]").first).to_contain_text("containers")
    page.wait_for_timeout(400)
    search.press_sequentially(" in", delay=40)  # "a"/"d"/"j" typed here must not act on rows
    expect(search).to_have_value("containers in")
    expect(page).to_have_url(re.compile(r"q=containers"))
    expect(page.locator('tr[data-status="accepted"]')).to_have_count(0)
