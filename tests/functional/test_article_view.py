"""The annotated article page: highlights with state labels, overlays, the published-only toggle,
escaping of everything people wrote, and bad input."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from factcheck.models import Fact, utcnow
from tests.factories import (
    ClaimFactory, EvidenceFactory, RatingFactory, RevisionFactory, SourceFactory, UserFactory,
    VerdictFactory,
)

TEXT = (
    "On March 8, Ned Price spoke in Washington.\n\n"
    "Pakistan has lost more than 80,000 lives.\n\n"
    "Officials met twice. They agreed on a plan."
)
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def span(text: str, part: str) -> dict:
    start = text.index(part)
    return {"start": start, "end": start + len(part)}


@pytest.fixture
def article(db):
    revision = RevisionFactory(text=TEXT)
    editor = UserFactory(name="Eda Editor", role="editor")
    rating = RatingFactory(label="Mostly true", colour="#4c9a2a", description="Accurate but needs context.")
    old = RatingFactory(label="Half true", colour="#b08800")
    published = ClaimFactory(revision=revision, status="published", **span(TEXT, "Pakistan has lost more than 80,000 lives."))
    candidate = ClaimFactory(revision=revision, status="candidate", score=0.42, reasons=["figure: 80,000"],
                             **span(TEXT, "On March 8, Ned Price spoke in Washington."))
    db.add(Fact(claim_id=candidate.id, kind="person", text="Ned Price", **span(TEXT, "Ned Price")))
    queued = ClaimFactory(revision=revision, status="accepted", **span(TEXT, "Officials met twice."))
    ClaimFactory(revision=revision, status="dismissed", **span(TEXT, "They agreed on a plan."))
    source = SourceFactory(title="Ministry of Interior report", publisher="Government of Pakistan",
                           url="https://interior.gov.pk/report")
    evidence = EvidenceFactory(claim_id=published.id, source=source, stance="supports",
                               excerpt="Over 80,000 citizens have died since 2001.")
    VerdictFactory(claim_id=published.id, number=1, state="superseded", rating_id=old.id,
                   summary="The first count.", published_at=utcnow(), approved_by_id=editor.id)
    VerdictFactory(claim_id=published.id, number=2, state="published", rating_id=rating.id,
                   summary="Official figures back the number.", correction_note="We updated the source.",
                   approved_by_id=editor.id, approved_at=utcnow(), published_at=utcnow(),
                   evidence=[evidence])
    return revision.article, {"published": published, "candidate": candidate, "queued": queued}


class _Element(HTMLParser):
    """Collects the markup of the element with a given id, nested elements included."""

    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=False)
        self.element_id, self.depth, self.parts = element_id, 0, []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if self.depth or dict(attrs).get("id") == self.element_id:
            self.depth += 1
            self.parts.append(self.get_starttag_text())

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if self.depth:
            self.parts.append(f"</{tag}>")
            self.depth -= 1

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self.depth:
            self.parts.append(data)

    handle_entityref = lambda self, name: self.handle_data(f"&{name};")  # noqa: E731
    handle_charref = lambda self, name: self.handle_data(f"&#{name};")  # noqa: E731


def element(html: str, element_id: str) -> str:
    parser = _Element(element_id)
    parser.feed(html)
    assert parser.parts, f"no element with id {element_id}"
    return "".join(parser.parts)


def highlight(html: str, claim_id: int) -> str:
    return element(html, f"claim-{claim_id}")


def test_it_highlights_each_claim_with_a_text_label_of_its_state_or_rating(as_checker, article):
    art, claims = article
    html = as_checker.get(f"/articles/{art.id}").text
    assert "claim-rated" in highlight(html, claims["published"].id)
    assert ">Mostly true</span>" in highlight(html, claims["published"].id)
    assert "--rating-colour: #4c9a2a" in highlight(html, claims["published"].id)
    assert ">Candidate</span>" in highlight(html, claims["candidate"].id)
    assert ">Queued</span>" in highlight(html, claims["queued"].id)
    assert "They agreed on a plan." in html and 'class="claim claim-dismissed' not in html


def test_the_overlay_shows_rating_summary_evidence_approver_and_corrections(as_checker, article):
    art, claims = article
    html = as_checker.get(f"/articles/{art.id}").text
    overlay = element(html, f"overlay-{claims['published'].id}")
    for expected in ("Mostly true", "Accurate but needs context.", "Official figures back the number.",
                     'href="https://interior.gov.pk/report"', "Ministry of Interior report",
                     "Government of Pakistan", "Over 80,000 citizens have died since 2001.", "supports",
                     "approved by Eda Editor", "We updated the source.", "Version 1", "The first count.",
                     "Half true"):
        assert expected in overlay


def test_non_published_claims_keep_their_score_and_reasons_in_the_tooltip_and_overlay(as_checker, article):
    art, claims = article
    html = as_checker.get(f"/articles/{art.id}").text
    tip = highlight(html, claims["candidate"].id)
    assert "check-worthiness 42%" in tip and "figure: 80,000" in tip
    assert '<mark class="fact fact-person" title="person">Ned Price</mark>' in tip


def test_the_page_has_a_legend_counts_and_the_view_toggle(as_checker, article):
    art, _ = article
    html = as_checker.get(f"/articles/{art.id}").text
    assert 'id="legend-highlights">Highlights</h3>' in html and 'id="legend-facts">Facts to check</h3>' in html and 'aria-label="Claims in this view"' in html
    assert re.search(r"Candidate</span></dt><dd>1</dd>", html)
    assert re.search(r"Mostly true</span></dt><dd>1</dd>", html)
    assert f'href="/articles/{art.id}?view=published"' in html
    assert '<script src="/static/overlay.js"' in html


def test_published_only_shows_only_claims_with_a_published_verdict(as_checker, article):
    art, claims = article
    html = as_checker.get(f"/articles/{art.id}?view=published").text
    assert f'id="claim-{claims["published"].id}"' in html
    assert f'id="claim-{claims["candidate"].id}"' not in html
    assert f'id="claim-{claims["queued"].id}"' not in html
    assert "Ned Price spoke in Washington." in html  # the text stays, only the highlight goes
    assert "<html" in html


def test_the_toggle_answers_htmx_with_the_view_fragment_only(as_checker, article):
    art, claims = article
    response = as_checker.get(f"/articles/{art.id}?view=published", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="article-view"' in response.text
    assert f'id="claim-{claims["candidate"].id}"' not in response.text


def test_a_history_restore_gets_the_whole_page(as_checker, article):
    art, _ = article
    response = as_checker.get(f"/articles/{art.id}", headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.text


def test_everything_people_wrote_is_escaped_and_only_http_links_are_links(db, as_checker):
    text = f"Intro {XSS} middle.\n\nThe figure was 42 in 2020."
    revision = RevisionFactory(text=text, article__title=f"Title {XSS}")
    claim = ClaimFactory(revision=revision, status="published", reasons=[XSS], **span(text, f"{XSS} middle."))
    source = SourceFactory(title=f"Source {XSS}", publisher=f"Pub {XSS}", url="javascript:alert(3)")
    evidence = EvidenceFactory(claim_id=claim.id, source=source, excerpt=f"Excerpt {XSS}")
    rating = RatingFactory(label=f"Label {XSS}", colour="red;a:b")
    VerdictFactory(claim_id=claim.id, state="published", rating_id=rating.id, summary=f"Summary {XSS}",
                   reasoning=XSS, correction_note=f"Note {XSS}", published_at=utcnow(), evidence=[evidence])
    for url in (f"/articles/{revision.article_id}", f"/articles/{revision.article_id}?view=published"):
        html = as_checker.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert 'href="javascript:' not in html
        assert "red;a:b" not in html and "--rating-colour: #6e7781" in html
        for field in ("Summary", "Source", "Pub", "Excerpt", "Note", "Label"):
            assert f"{field} &lt;script&gt;" in html


@pytest.mark.parametrize("path", ["/articles/999999", "/articles/99999999999999999999", "/articles/0"])
def test_unknown_articles_are_404(as_checker, path):
    response = as_checker.get(path)
    assert response.status_code == 404 and "does not exist" in response.text


def test_an_unknown_view_is_a_clear_422(as_checker, article):
    art, _ = article
    response = as_checker.get(f"/articles/{art.id}?view=secret")
    assert response.status_code == 422 and "The view must be" in response.text


def test_the_page_needs_a_signed_in_user(client, article):
    art, _ = article
    response = client.get(f"/articles/{art.id}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_claim_whose_text_changed_says_so_in_its_overlay(db, as_checker, article):
    art, claims = article
    claims["queued"].anchor_state = "changed"
    db.flush()
    html = as_checker.get(f"/articles/{art.id}").text
    assert "wording here changed" in element(html, f"overlay-{claims['queued'].id}")
    assert "wording here changed" not in element(html, f"overlay-{claims['candidate'].id}")
