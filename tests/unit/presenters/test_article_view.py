"""The annotated article presenter: placing highlights by offsets, badges, safe links and colours."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from factcheck.models import Article, ArticleRevision, Claim, Evidence, Rating, Source, User, Verdict
from factcheck.presenters.article_view import (
    FALLBACK_COLOUR, annotate, build_page, claim_badge, ink_for, paragraphs, place, safe_colour,
    safe_url,
)
from factcheck.services.article_view import ArticleView, ClaimVerdicts


def claim(id: int, start: int, end: int, *, status: str = "candidate", score: float = 0.5) -> Claim:
    return Claim(id=id, start=start, end=end, status=status, score=score, kinds=[], reasons=[],
                 facts=[], exact="")


def pieces(text: str, placed: list[Claim]) -> list[list[tuple[str, int | None]]]:
    return [[(s.text, s.claim.id if s.claim else None) for s in p.segments]
            for p in annotate(text, placed)]


def test_paragraphs_are_split_at_blank_lines_and_skip_empty_ones():
    text = "One.\n\nTwo.\n \n\n\nThree."
    assert [text[a:b] for a, b in paragraphs(text)] == ["One.", "Two.", "Three."]


def test_a_claim_is_cut_out_of_its_paragraph_by_offsets():
    text = "Before. The claim. After."
    assert pieces(text, [claim(1, 8, 18)]) == [[("Before. ", None), ("The claim.", 1), (" After.", None)]]


def test_a_claim_crossing_a_paragraph_break_is_cut_at_the_break_with_first_and_last_pieces():
    text = "Alpha beta.\n\nGamma delta."
    segments = [s for p in annotate(text, [claim(1, 6, 18)]) for s in p.segments if s.claim]
    assert [(s.text, s.first, s.last) for s in segments] == [("beta.", True, False), ("Gamma", False, True)]


def test_offsets_are_code_points_so_emoji_do_not_shift_highlights():
    text = "Fans 🎉🎉 cheered: 80,000 people came 👩‍👩‍👧."
    start = text.index("80,000")
    assert pieces(text, [claim(1, start, start + 6)])[0][1] == ("80,000", 1)


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        # The longer of two claims starting together wins when nothing else differs.
        ([claim(1, 0, 5), claim(2, 0, 10)], [2]),
        # A published claim wins over an overlapping candidate, even a higher-scoring one.
        ([claim(1, 0, 10, score=0.99), claim(2, 5, 15, status="in_review")], [2]),
        ([claim(1, 0, 10), claim(2, 5, 15, status="accepted"), claim(3, 20, 25)], [2, 3]),
        # The more check-worthy of two candidates wins.
        ([claim(1, 0, 10, score=0.4), claim(2, 5, 15, score=0.9)], [2]),
        # Touching claims do not overlap.
        ([claim(1, 0, 5), claim(2, 5, 9)], [1, 2]),
        # Offsets outside the text are never highlighted.
        ([claim(1, 20, 40), claim(2, 3, 2)], []),
    ],
)
def test_place_keeps_one_claim_per_span_preferring_the_furthest_along(claims, expected):
    assert [c.id for c in place(claims, 30)] == expected


def test_place_prefers_a_claim_with_a_published_verdict():
    assert [c.id for c in place([claim(1, 0, 10, status="in_review"), claim(2, 3, 8)], 30,
                                published={2})] == [2]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://state.gov/briefing", "https://state.gov/briefing"),
        (" http://example.org/a?b=c ", "http://example.org/a?b=c"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/x", None),
        ("https://", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url_links_only_http_and_https(url, expected):
    assert safe_url(url) == expected


@pytest.mark.parametrize(
    ("colour", "expected"),
    [("#1a7f37", "#1a7f37"), ("#ABCDEF", "#ABCDEF"), ("red", FALLBACK_COLOUR),
     ("#fff", FALLBACK_COLOUR), ("#1a7f37; background:url(x)", FALLBACK_COLOUR), (None, FALLBACK_COLOUR)],
)
def test_safe_colour_accepts_only_six_digit_hex(colour, expected):
    assert safe_colour(colour) == expected


@pytest.mark.parametrize(
    ("colour", "ink"),
    [("#ffffff", "#000000"), ("#000000", "#ffffff"), ("#cf222e", "#ffffff"), ("#b08800", "#000000"),
     ("#1a7f37", "#ffffff"), ("#f2c94c", "#000000")],
)
def test_ink_for_picks_the_more_readable_text_colour(colour, ink):
    assert ink_for(colour) == ink


def test_badge_shows_the_published_rating_label_and_colour_else_the_state():
    rating = Rating(id=1, label="Mostly false", colour="#d4661c", position=0, is_active=True)
    verdict = Verdict(rating=rating)
    assert claim_badge(claim(1, 0, 1, status="published"), verdict).label == "Mostly false"
    assert claim_badge(claim(1, 0, 1, status="published"), verdict).colour == "#d4661c"
    assert claim_badge(claim(1, 0, 1, status="accepted"), None).label == "Queued"
    assert claim_badge(claim(1, 0, 1, status="in_progress"), None).label == "In progress"
    assert claim_badge(claim(1, 0, 1, status="in_review"), None).colour is None


def make_view(claims, verdicts, *, published_only=False):
    text = "Pakistan lost 80,000 lives. Officials met on March 8.\n\nA third sentence here."
    rating = Rating(id=7, label="True", colour="#1a7f37", position=0, is_active=True, description="")
    for entry in verdicts.values():
        for v in [entry.current, *entry.earlier]:
            if v is not None:
                v.rating = rating
    return ArticleView(
        article=Article(id=1, title="T"), revision=ArticleRevision(number=1, text=text),
        published_only=published_only, claims=claims, verdicts=verdicts,
        users={5: User(id=5, name="Eda Editor")},
        state_counts=Counter(c.status for c in claims),
        rating_counts=Counter({7: sum(1 for e in verdicts.values() if e.current)}),
        ratings=[rating],
    )


def test_build_page_gives_each_claim_a_card_with_evidence_approver_and_earlier_versions():
    source = Source(title="Briefing", publisher="State", url="javascript:alert(1)")
    evidence = Evidence(source=source, excerpt="x", stance="supports")
    when = datetime(2024, 1, 2, tzinfo=UTC)
    current = Verdict(number=2, summary="Right.", approved_by_id=5, evidence=[evidence],
                      correction_note="Fixed the figure.", published_at=when)
    earlier = Verdict(number=1, summary="Was wrong.", published_at=when)
    published = claim(1, 0, 27, status="published")
    page = build_page(make_view([published, claim(2, 28, 53, score=0.95)],
                                {1: ClaimVerdicts(current, [earlier])}), high_priority=0.9)
    card = page.cards[1]
    assert card.badge.label == "True" and card.approved_by == "Eda Editor"
    assert card.evidence[0].title == "Briefing" and card.evidence[0].url is None
    assert [(v.number, v.summary) for v in card.earlier] == [(1, "Was wrong.")]
    assert not card.correcting
    assert page.cards[2].high_priority and not card.high_priority
    assert [(i.badge.label, i.count) for i in page.state_counts][:2] == [("Candidate", 1), ("Queued", 0)]
    assert [(i.badge.label, i.count) for i in page.rating_counts] == [("True", 1)]
    assert [b.label for b in page.legend] == ["Candidate", "Queued", "In progress", "In review", "True"]


def test_a_claim_under_correction_keeps_its_published_rating_and_says_a_correction_is_under_way():
    current = Verdict(number=1, summary="Right.", evidence=[])
    page = build_page(make_view([claim(1, 0, 27, status="in_review")], {1: ClaimVerdicts(current)}))
    assert page.cards[1].badge.label == "True" and page.cards[1].correcting


def test_the_published_only_page_has_no_workflow_states_in_its_legend_or_counts():
    page = build_page(make_view([], {}, published_only=True))
    assert [b.label for b in page.legend] == ["True"] and page.state_counts == []
