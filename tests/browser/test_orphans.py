"""Editing an article in the browser: removing a sentence with a published verdict orphans its claim,
which the article page then lists with its verdict, and the diff shows the removed sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import article_with_claim, login, publish

KEPT = "The city spent $4.2 million on new bus lanes in 2022, according to the budget."
REMOVED = "Officials said 80,000 people used the new lanes every day in March 2023."
OPINION = "Residents seem to like them, the mayor thinks."


@pytest.mark.browser
def test_removing_a_claimed_sentence_in_the_editor_lists_the_claim_as_an_orphan(
    page: Page, live_server, screenshots_dir: Path
):
    with live_server.session() as db:
        seeded = article_with_claim(db, live_server.settings, text=f"{KEPT}\n\n{REMOVED}\n\n{OPINION}",
                                    quote=REMOVED, title="Bus lanes")
        publish(db, live_server.settings, seeded.claim_id, rating_name="false",
                summary="Counters show 8,000 a day.", source_title="Traffic counts",
                source_url="https://city.example/counts", publisher="City of Example",
                excerpt="Average daily riders: 8,012.")

    login(page, "checker@newsroom.test")
    page.goto(f"/articles/{seeded.article_id}")
    expect(page.locator("#article-orphans")).to_contain_text("No orphaned claims")
    page.get_by_role("link", name="Update text").click()

    editor = page.get_by_label("New text")
    expect(editor).to_have_value(f"{KEPT}\n\n{REMOVED}\n\n{OPINION}")
    editor.fill(f"{KEPT}\n\n{OPINION}")
    page.get_by_role("button", name="Save new revision").click()

    page.wait_for_url(f"**/articles/{seeded.article_id}/revisions")
    expect(page.locator("#revision-2")).to_contain_text("1 orphaned")
    orphan = page.locator(f"#orphan-{seeded.claim_id}")
    expect(orphan).to_contain_text(REMOVED)
    expect(orphan).to_contain_text("verdict published")
    page.screenshot(path=screenshots_dir / "revisions-list.png")

    page.goto(f"/articles/{seeded.article_id}")
    side = page.locator("#article-orphans")
    expect(side.locator(f"#orphan-{seeded.claim_id}")).to_contain_text(REMOVED)
    expect(page.locator(".article-text")).not_to_contain_text("80,000")
    page.screenshot(path=screenshots_dir / "orphans-after-edit.png")

    page.goto(f"/articles/{seeded.article_id}/revisions/2/diff")
    expect(page.locator(".diff del")).to_contain_text(REMOVED)
    page.get_by_role("radio", name="Side by side").check()
    expect(page.locator(".diff-side")).to_be_visible()
    page.screenshot(path=screenshots_dir / "revision-diff-side.png")
