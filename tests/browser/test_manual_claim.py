"""Adding a claim by hand: a mouse selection in the article text becomes the right code-point
offsets, even after characters JavaScript counts twice (an emoji is two UTF-16 units)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from factcheck.services.ingest import IngestService
from tests.browser.helpers import login

TEXT = ("Fans 🎉 cheered at the opening.\n\n"
        "The stadium holds 62,000 people and cost 1.3 billion euros to build in 2019.")
CLAIM = "The stadium holds 62,000 people"  # part of a sentence the detector flagged whole


def test_a_selection_becomes_an_accepted_manual_claim(page: Page, live_server):
    with live_server.session() as db:
        article = IngestService(db, settings=live_server.settings).ingest(
            text=TEXT, title="Stadium opening", source_format="text").article
    login(page, "checker@newsroom.test")
    page.goto(f"/articles/{article.id}/claims/new")
    page.evaluate(
        """(claim) => {
            const box = document.querySelector('[data-select-text]');
            const node = box.firstChild;
            const start = node.data.indexOf(claim);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + claim.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        CLAIM,
    )
    expect(page.locator("[data-select-preview]")).to_contain_text("62,000 people")
    start = TEXT.index(CLAIM)
    expect(page.locator("[data-select-start]")).to_have_value(str(start))
    expect(page.locator("[data-select-end]")).to_have_value(str(start + len(CLAIM)))
    page.get_by_role("button", name="Add as a claim").click()
    expect(page.locator(".claim-focus")).to_have_text(CLAIM)
    expect(page.locator(".workspace-head")).to_contain_text("accepted")
