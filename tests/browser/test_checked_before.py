"""A checker sees "Checked before" on a queue row and confirms the suggestion from the claim's page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from factcheck.models import Claim, MatchSuggestion, Verdict
from factcheck.services.ingest import IngestService
from tests.browser.helpers import article_with_claim, login, publish

CHECKED = "The council said 12,000 trees were planted along the river path in April 2024."
NEW = "About 12,000 trees went in along the river path in April 2024, the council said."


@pytest.mark.browser
def test_a_suggested_earlier_verdict_is_shown_in_the_queue_and_confirmed(
    page: Page, live_server, screenshots_dir: Path
):
    with live_server.session() as db:
        earlier = article_with_claim(db, live_server.settings, text=CHECKED, quote=CHECKED,
                                     title="River path trees")
        publish(db, live_server.settings, earlier.claim_id, rating_name="false",
                summary="The planting log shows 1,200 trees.", source_title="Planting log",
                source_url="https://city.example/trees", publisher="City of Example",
                excerpt="Trees planted: 1,204.")
        # Stored without automatic matching, then given a suggestion below the auto-link threshold:
        # the case a person decides.
        quiet = live_server.settings.model_copy(update={"matching_enabled": False})
        result = IngestService(db, settings=quiet).ingest(text=NEW, title="River path, a year on")
        claim = db.scalar(select(Claim).where(Claim.revision_id == result.revision.id))
        verdict = db.scalar(select(Verdict).where(Verdict.claim_id == earlier.claim_id))
        db.add(MatchSuggestion(claim_id=claim.id, matched_claim_id=earlier.claim_id,
                               matched_verdict_id=verdict.id, score=0.74, state="suggested"))
        article_id, claim_id = result.article.id, claim.id

    login(page, "checker@newsroom.test")
    page.goto(f"/queue?article={article_id}")
    badge = page.locator(f"#claim-row-{claim_id} .checked-before")
    expect(badge).to_contain_text("Checked before")
    expect(badge).to_contain_text("False")
    page.screenshot(path=screenshots_dir / "queue-checked-before.png")

    page.locator(f"#claim-row-{claim_id} a.queue-sentence").click()
    page.wait_for_url(f"**/claims/{claim_id}")
    match = page.locator(f"#matches-{claim_id}")
    expect(match).to_contain_text(CHECKED)
    match.get_by_role("button", name="Confirm: checked before").click()
    expect(page.locator(f"#matches-{claim_id}")).to_contain_text("confirmed")
    expect(page.locator(".workspace-head")).to_contain_text("duplicate")  # the page caught up
    page.screenshot(path=screenshots_dir / "workspace-checked-before-confirmed.png")

    with live_server.session() as db:
        confirmed = db.get(Claim, claim_id)
        assert (confirmed.status, confirmed.duplicate_of_id) == ("duplicate", earlier.claim_id)
