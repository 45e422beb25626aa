"""The annotated article in a real browser: payloads stay text, overlays open and close from the
keyboard, and the published-only toggle hides the claims readers would not see."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import article_with_claim, login, publish

SCRIPT = "<script>window.__pwned=1</script>"
ATTR = '"><img src=x onerror="window.__pwned=1">'


def test_payloads_in_article_source_excerpt_and_summary_render_as_text(page: Page, live_server, screenshots_dir: Path):
    text = (f"Officials said the programme cost $4 million in 2022. {SCRIPT}\n\n"
            f"The minister claimed {ATTR} that 80,000 people died in the floods of 2022.\n\n"
            "The council will meet again on 4 May 2023 to review the budget.")
    quote = f"The minister claimed {ATTR} that 80,000 people died in the floods of 2022."
    with live_server.session() as db:
        seeded = article_with_claim(db, live_server.settings, text=text, quote=quote,
                                    title=f"Floods {SCRIPT}")
        publish(db, live_server.settings, seeded.claim_id, rating_name="false",
                summary=f"Wrong figure. {SCRIPT} {ATTR}", source_title=f"Flood report {SCRIPT}",
                source_url="https://floods.example/report", publisher=f"Agency {ATTR}",
                excerpt=f"1,200 people died. {ATTR}")

    login(page, "checker@newsroom.test")
    page.goto(f"/articles/{seeded.article_id}")
    expect(page.locator(".article-text")).to_contain_text(SCRIPT)
    expect(page.locator(".article-text")).to_contain_text(ATTR)
    expect(page.locator("h1#article-title")).to_have_text(f"Floods {SCRIPT}")

    highlight = page.locator(f"#claim-{seeded.claim_id}")
    highlight.click()
    overlay = page.locator(f"#overlay-{seeded.claim_id}")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text(f"Wrong figure. {SCRIPT} {ATTR}")
    expect(overlay).to_contain_text(f"Flood report {SCRIPT}")
    expect(overlay).to_contain_text(f"Agency {ATTR}")
    expect(overlay).to_contain_text(f"1,200 people died. {ATTR}")
    page.screenshot(path=screenshots_dir / "xss-overlay.png")

    assert page.locator("img").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"


def tab_to(page: Page, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"Tab never reached #{element_id}")


def test_the_overlay_opens_with_enter_closes_with_escape_and_the_toggle_hides_unpublished_claims(
    page: Page, live_server, screenshots_dir: Path,
):
    text = ("Officials met on 3 March 2023 in Lahore to discuss the flood budget.\n\n"
            "The river rose by 12 metres in two days, the highest level since 1976.\n\n"
            "Relief groups said more than 40,000 families lost their homes in Sindh.")
    with live_server.session() as db:
        published = article_with_claim(
            db, live_server.settings, text=text, title="River levels in Pakistan",
            quote="The river rose by 12 metres in two days, the highest level since 1976.")
        publish(db, live_server.settings, published.claim_id, rating_name="mostly-true",
                summary="Gauges show an 11.6 metre rise; the 1976 record stands.",
                source_title="Indus River System Authority daily report",
                source_url="https://irsa.example/daily", publisher="IRSA",
                excerpt="Water level rose 11.6 m between 2 and 4 March.", stance="supports")
        pending = article_with_claim(
            db, live_server.settings, text=text, title="River levels in Pakistan",
            quote="Relief groups said more than 40,000 families lost their homes in Sindh.")

    login(page, "checker@newsroom.test")
    page.goto(f"/articles/{published.article_id}")
    highlight = page.locator(f"#claim-{published.claim_id}")
    expect(highlight).to_contain_text("Mostly true")  # the label, not colour alone
    expect(page.locator(f"#claim-{pending.claim_id}")).to_contain_text("Queued")

    page.locator("#article-title").click()  # start keyboard navigation inside the article
    tab_to(page, f"claim-{published.claim_id}")
    page.keyboard.press("Enter")
    overlay = page.locator(f"#overlay-{published.claim_id}")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("Mostly true")
    expect(overlay).to_contain_text("Gauges show an 11.6 metre rise; the 1976 record stands.")
    expect(overlay.get_by_role("link", name="Indus River System Authority daily report")).to_have_attribute(
        "href", "https://irsa.example/daily")
    expect(overlay).to_contain_text("approved by Eda Editor")
    page.screenshot(path=screenshots_dir / "article-overlay.png")
    page.keyboard.press("Escape")
    expect(overlay).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == f"claim-{published.claim_id}"
    page.screenshot(path=screenshots_dir / "article-all-claims.png", full_page=True)

    page.get_by_role("link", name="Published verdicts only").click()
    expect(page).to_have_url(f"{live_server.url}/articles/{published.article_id}?view=published")
    expect(page.locator(f"#claim-{pending.claim_id}")).to_have_count(0)
    expect(page.locator(".article-text")).to_contain_text("more than 40,000 families")
    expect(page.get_by_role("link", name="Published verdicts only")).to_have_attribute("aria-current", "page")
    page.screenshot(path=screenshots_dir / "article-published-only.png", full_page=True)

    # Overlays still work on the swapped-in view.
    page.locator(f"#claim-{published.claim_id}").focus()
    page.keyboard.press("Enter")
    expect(overlay).to_be_visible()
    overlay.get_by_role("button", name="Close").click()
    expect(overlay).to_be_hidden()

    page.get_by_role("link", name="All claims").click()
    expect(page.locator(f"#claim-{pending.claim_id}")).to_be_visible()
