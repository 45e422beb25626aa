"""The whole desk in a browser: a checker triages with the keyboard, takes a claim, adds a source
and evidence, proposes a verdict; an editor approves; the annotated article shows it; a correction
becomes version 2 with its public note."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from factcheck.services.ingest import IngestService
from tests.browser.helpers import login

TEXT = (
    "The new bridge over the Ravi cost 4.2 billion rupees, the transport minister said on 12 June 2024.\n\n"
    "Traffic on the old crossing fell by 35 percent in the first month, according to the city council.\n\n"
    "The governor of Punjab said the project created 12,000 jobs in Lahore since 2021."
)

# Which claim the keyboard reaches first depends on the detector's scores, so the verdict is worded
# to fit any of the three.
SUMMARY = "The final audit of the project gives a different figure from the one quoted."
CORRECTED = "The final audit contradicts the figure quoted; the rating is now False."


def active_row(page: Page) -> int:
    value = page.evaluate(
        "(() => { const row = document.activeElement && document.activeElement.closest('tr[data-claim-id]');"
        " return row ? row.dataset.claimId : null; })()")
    assert value, "no queue row has the focus"
    return int(value)


def row(page: Page, claim_id: int):  # type: ignore[no-untyped-def]
    return page.locator(f"#claim-row-{claim_id}")


def test_checker_to_editor_to_reader_and_a_correction(
    page: Page, browser: Browser, live_server, base_url: str, screenshots_dir: Path,
):
    with live_server.session() as db:
        article = IngestService(db, settings=live_server.settings).ingest(
            text=TEXT, title="The Ravi bridge, one year on", source_format="text").article
    assert article.id

    # The checker triages with the keyboard: accept one, dismiss another, undo the dismissal.
    login(page, "checker@newsroom.test")
    page.goto(f"/queue?article={article.id}")
    expect(page.locator("tr[data-claim-id]")).to_have_count(3)
    page.locator("h1").click()
    page.keyboard.press("j")
    accepted = active_row(page)
    page.keyboard.press("a")
    expect(row(page, accepted)).to_have_attribute("data-status", "accepted")
    page.keyboard.press("j")
    dismissed = active_row(page)
    assert dismissed != accepted
    page.keyboard.press("d")
    expect(row(page, dismissed)).to_have_attribute("data-status", "dismissed")
    page.keyboard.press("u")
    expect(row(page, dismissed)).to_have_attribute("data-status", "candidate")
    page.screenshot(path=screenshots_dir / "queue.png", full_page=True)

    # The checker takes the accepted claim, adds a source with evidence, proposes a verdict.
    page.goto(f"/claims/{accepted}")
    page.get_by_role("button", name="Take this claim").click()
    expect(page.get_by_text("You hold this claim")).to_be_visible()
    new_source = page.locator("form[action$='/evidence/new']")
    new_source.get_by_label("URL").fill("https://punjab.example/bridge-audit-2024")
    new_source.get_by_label("Title").fill("Audit of the Ravi bridge accounts")
    new_source.get_by_label("Publisher").fill("Punjab Audit Office")
    new_source.get_by_label("Excerpt that matters").fill("Total cost: 5.1 billion rupees.")
    new_source.get_by_label("refutes").check()
    new_source.get_by_role("button", name="Add and attach").click()
    expect(page.locator("#evidence")).to_contain_text("Audit of the Ravi bridge accounts")
    verdict = page.locator("#verdict")
    verdict.get_by_label("Mostly false").check()
    verdict.get_by_label("Summary").fill(SUMMARY)
    verdict.get_by_label("Reasoning").fill("The audit office's final accounts give different figures.")
    page.screenshot(path=screenshots_dir / "workspace.png", full_page=True)
    verdict.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#verdict")).to_contain_text("waiting for an editor")

    # The editor approves it.
    editor = browser.new_page(base_url=base_url, viewport={"width": 1366, "height": 900})
    login(editor, "editor@newsroom.test")
    editor.goto("/review")
    item = editor.locator(f"#review-{accepted}")
    expect(item).to_contain_text(SUMMARY)
    item.get_by_role("button", name="Approve and publish").click()
    expect(editor.locator(f"#review-{accepted}")).to_have_class("alert alert-ok")

    # Readers see the rating on the highlight and the overlay with the summary and the source.
    editor.goto(f"/articles/{article.id}?view=published")
    highlight = editor.locator(f"#claim-{accepted}")
    expect(highlight).to_contain_text("Mostly false")
    highlight.click()
    overlay = editor.locator(f"#overlay-{accepted}")
    expect(overlay).to_contain_text(SUMMARY)
    expect(overlay).to_contain_text("Audit of the Ravi bridge accounts")
    expect(overlay).to_contain_text("approved by Eda Editor")
    editor.screenshot(path=screenshots_dir / "annotated-view.png")
    editor.keyboard.press("Escape")

    # A correction: the editor proposes version 2, the admin approves it.
    editor.goto(f"/claims/{accepted}/correct")
    editor.get_by_label("False", exact=True).check()
    editor.get_by_label("Summary").fill(CORRECTED)
    editor.get_by_label("Public correction note").fill("We changed the rating after the final audit was published.")
    editor.get_by_role("button", name="Send the correction for review").click()
    admin = browser.new_page(base_url=base_url, viewport={"width": 1366, "height": 900})
    login(admin, "admin@newsroom.test")
    admin.goto("/review")
    admin.locator(f"#review-{accepted}").get_by_role("button", name="Approve and publish").click()
    expect(admin.locator(f"#review-{accepted}")).to_have_class("alert alert-ok")

    admin.goto(f"/articles/{article.id}")
    expect(admin.locator(f"#claim-{accepted}")).to_contain_text("False")
    admin.locator(f"#claim-{accepted}").click()
    overlay = admin.locator(f"#overlay-{accepted}")
    expect(overlay).to_contain_text("Version 2")
    expect(overlay).to_contain_text(CORRECTED)
    expect(overlay).to_contain_text("We changed the rating after the final audit was published.")
    expect(overlay.locator(".version-list")).to_contain_text("Version 1: Mostly false")
    admin.screenshot(path=screenshots_dir / "annotated-view-corrected.png")
    admin.keyboard.press("Escape")
    admin.goto("/dashboard")
    admin.screenshot(path=screenshots_dir / "dashboard-after-journey.png", full_page=True)
