"""A new revision re-anchors every claim, orphans what it cannot place, re-scores only changed sentences."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from factcheck.analysis.claim_detector import ClaimDetector
from factcheck.exceptions import ConflictError, PermissionDenied
from factcheck.models import (
    ArticleRevision, AuditEvent, Claim, Sentence, Verdict, WebhookDelivery,
)
from factcheck.services.ingest import IngestService
from factcheck.services.review import ReviewService
from factcheck.services.revision_history import RevisionHistory
from factcheck.services.revisions import RevisionService
from factcheck.models.match import MatchSuggestion
from factcheck.services.matching import MatchingService
from tests.factories import (
    ClaimFactory, EvidenceFactory, RevisionFactory, UserFactory, VerdictFactory, WebhookEndpointFactory,
)

LOST = "Pakistan has lost more than 80,000 lives over the past two decades, the minister said."
RATE = "Unemployment fell to 3.5% in March 2023, the lowest rate since 1969."
BUS = "The city spent $4.2 million on new bus lanes last year, according to the budget."
CAFE = "Café owners in Zürich 🇨🇭 said prices rose 12% in 2022."
OPINION = "Both sides want to talk more, I think."
PARAGRAPHS = [LOST, RATE, BUS, OPINION]
PUBLISHED = datetime(2023, 4, 2, tzinfo=UTC)


class CountingDetector(ClaimDetector):
    """The real detector, counting the sentences it is asked to score."""

    def __init__(self) -> None:
        super().__init__()
        self.scored: list[str] = []

    def score_sentences(self, sentences, **kwargs):  # type: ignore[no-untyped-def]
        self.scored.extend(sentences)
        return super().score_sentences(sentences, **kwargs)

    def detect(self, text, **kwargs):  # type: ignore[no-untyped-def]
        results = super().detect(text, **kwargs)
        self.scored.extend(r.text for r in results)
        return results


def text_of(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


@pytest.fixture
def detector() -> CountingDetector:
    return CountingDetector()


@pytest.fixture
def ingest(db, settings, detector):
    def run(text: str, actor=None):  # type: ignore[no-untyped-def]
        return IngestService(db, settings=settings, detector=detector).ingest(
            text=text, title="Costs", external_id="story-1", published_at=PUBLISHED, actor=actor,
        )
    return run


def claim_on(result, quote: str) -> Claim:  # type: ignore[no-untyped-def]
    return next(c for c in result.claims if quote in c.exact)


def publish(db, claim: Claim) -> Verdict:  # type: ignore[no-untyped-def]
    """Give the claim a published verdict resting on one source (as review would)."""
    evidence = EvidenceFactory(claim_id=claim.id)
    verdict = VerdictFactory(claim_id=claim.id, state="published", published_at=PUBLISHED,
                             evidence=[evidence])
    claim.status = "published"
    db.flush()
    return verdict


def audit(db, action: str, claim: Claim) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                     AuditEvent.claim_id == claim.id)))


def assert_anchored(claim: Claim, text: str) -> None:
    assert text[claim.start:claim.end] == claim.exact
    assert text[:claim.start].endswith(claim.prefix) and text[claim.end:].startswith(claim.suffix)
    for fact in claim.facts:
        assert text[fact.start:fact.end] == fact.text


def test_unchanged_claims_keep_status_verdicts_and_history_when_text_is_inserted_above(db, ingest):
    first = ingest(text_of(*PARAGRAPHS))
    claim = claim_on(first, "80,000")
    verdict = publish(db, claim)
    new_text = text_of("Editor's note: this story was updated on Tuesday.", *PARAGRAPHS)

    second = ingest(new_text)

    assert second.revised and second.revision.number == 2
    assert claim in second.claims
    assert (claim.status, claim.anchor_state, claim.exact) == ("published", "anchored", LOST)
    assert claim.revision_id == second.revision.id and claim.start == new_text.index(LOST)
    assert_anchored(claim, new_text)
    assert db.get(Verdict, verdict.id).state == "published"
    [event] = audit(db, "claim.reanchored", claim)
    assert event.details["before"]["start"] == 0 and event.details["method"] in ("quote", "position")
    sentence = db.get(Sentence, claim.sentence_id)
    assert new_text[sentence.start:sentence.end] == LOST


def test_a_moved_paragraph_takes_its_claims_along(db, ingest):
    first = ingest(text_of(*PARAGRAPHS))
    bus = claim_on(first, "bus lanes")
    new_text = text_of(BUS, LOST, RATE, OPINION)

    second = ingest(new_text)

    assert bus.start == 0 and bus.anchor_state == "anchored" and bus in second.claims
    assert all(new_text[c.start:c.end] == c.exact for c in second.claims)
    assert {c.id for c in second.claims} == {c.id for c in first.claims}  # nothing new, nothing lost


def test_an_edited_claim_is_marked_changed_and_its_published_verdict_goes_back_to_review(db, ingest):
    first = ingest(text_of(*PARAGRAPHS))
    claim = claim_on(first, "3.5%")
    published = publish(db, claim)
    edited = RATE.replace("3.5%", "3.6%")

    second = ingest(text_of(LOST, edited, BUS, OPINION))

    assert claim in second.claims
    assert (claim.anchor_state, claim.status, claim.exact) == ("changed", "in_review", edited)
    assert any(f.text == "3.6%" for f in claim.facts)
    versions = db.scalars(select(Verdict).where(Verdict.claim_id == claim.id)
                          .order_by(Verdict.number)).all()
    assert [(v.number, v.state) for v in versions] == [(1, "published"), (2, "in_review")]
    assert versions[1].rating_id == published.rating_id and versions[1].evidence
    [event] = audit(db, "claim.text_changed", claim)
    assert (event.details["old_exact"], event.details["exact"]) == (RATE, edited)
    assert event.details["after"]["status"] == "in_review"

    editor = UserFactory(role="editor")
    ReviewService(db).approve(claim.id, actor=editor, lock_version=versions[1].lock_version)
    assert db.get(Verdict, published.id).state == "superseded"
    assert db.get(Verdict, versions[1].id).state == "published"
    db.refresh(claim)
    assert claim.anchor_state == "anchored"  # re-approved for the new wording


def test_a_changed_claim_without_a_verdict_keeps_its_status(db, ingest):
    first = ingest(text_of(*PARAGRAPHS))
    claim = claim_on(first, "bus lanes")
    claim.status = "accepted"

    ingest(text_of(LOST, RATE, BUS.replace("$4.2 million", "$4.3 million"), OPINION))

    assert (claim.status, claim.anchor_state) == ("accepted", "changed")


def test_a_deleted_sentence_orphans_its_claim_which_keeps_its_verdict_and_is_listed(db, ingest):
    hook = WebhookEndpointFactory(events=["claim.orphaned", "article.revised"])
    first = ingest(text_of(*PARAGRAPHS))
    claim = claim_on(first, "80,000")
    verdict = publish(db, claim)
    old_revision = claim.revision_id

    second = ingest(text_of(RATE, BUS, OPINION))

    assert claim not in second.claims
    assert (claim.anchor_state, claim.status, claim.revision_id) == ("orphan", "published", old_revision)
    assert db.get(Verdict, verdict.id).state == "published"
    [event] = audit(db, "claim.orphaned", claim)
    assert event.details["exact"] == LOST
    orphans = RevisionHistory(db).orphans(article_id=first.article.id)
    assert [(o.claim.id, o.verdict_state, o.revision_number) for o in orphans] == [(claim.id, "published", 1)]
    sent = {d.event: d.payload["data"] for d in db.scalars(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == hook.id))}
    assert sent["claim.orphaned"]["claim"]["id"] == claim.id
    assert sent["article.revised"]["counts"]["orphaned"] == 1


def test_an_orphan_is_reattached_when_its_sentence_comes_back(db, ingest):
    first = ingest(text_of(*PARAGRAPHS))
    claim = claim_on(first, "80,000")
    ingest(text_of(RATE, BUS, OPINION))

    third = ingest(text_of(RATE, LOST, BUS, OPINION))

    assert claim in third.claims and claim.anchor_state == "anchored"
    assert claim.revision_id == third.revision.id
    assert RevisionHistory(db).orphans(article_id=first.article.id) == []


def test_a_rewritten_claim_is_never_placed_on_its_repeated_twin(db, ingest):
    """A pull quote repeats the claim; when the claim's own sentence is rewritten, orphan it."""
    first = ingest(text_of(f"\u201c{RATE}\u201d", LOST, BUS, RATE, OPINION))
    lead = next(c for c in first.claims if c.start < 5)
    body = next(c for c in first.claims if c.exact == RATE and c.start > 5)
    new_text = text_of("Jobs data are due on Friday, and economists expect a change.", LOST, BUS, RATE, OPINION)

    ingest(new_text)

    assert body.anchor_state == "anchored" and new_text[body.start:body.end] == RATE
    assert lead.anchor_state == "orphan"


def test_repeated_sentences_keep_their_own_occurrence(db, ingest):
    first = ingest(text_of(RATE, LOST, RATE, OPINION))
    second_copy = next(c for c in first.claims if c.exact == RATE and c.start > 0)
    new_text = text_of("A note.", RATE, LOST, RATE, OPINION)

    ingest(new_text)

    assert second_copy.start == new_text.rindex(RATE)


def test_emoji_and_accented_text_keep_exact_code_point_offsets(db, ingest):
    first = ingest(text_of(CAFE, LOST, OPINION))
    cafe = claim_on(first, "Zürich")
    new_text = text_of("Ünïcödé 🎉🎉 ahead: 🇨🇭 prices!", CAFE.replace("12%", "13%"), LOST, OPINION)

    second = ingest(new_text)

    assert cafe.anchor_state == "changed" and "13%" in cafe.exact
    for claim in second.claims:
        assert_anchored(claim, new_text)


def test_only_new_or_changed_sentences_are_scored_again(db, ingest, detector):
    first = ingest(text_of(*PARAGRAPHS))
    before = {c.id for c in first.claims}
    detector.scored.clear()
    edited = BUS.replace("$4.2 million", "$4.5 million")
    added = "Rents in the city rose 9% in 2023, the statistics office said."

    second = ingest(text_of(LOST, RATE, edited, added, OPINION))

    assert sorted(detector.scored) == sorted([edited, added])
    new = [c for c in second.claims if c.id not in before]
    assert [c.exact for c in new] == [added]  # the edited sentence is the old claim, re-anchored
    assert new[0].status == "candidate" and new[0].facts
    sentences = db.scalars(select(Sentence).where(Sentence.revision_id == second.revision.id)
                           .order_by(Sentence.index)).all()
    old_scores = {s.start: s.score for s in db.scalars(
        select(Sentence).where(Sentence.revision_id == first.revision.id))}
    assert sentences[0].score == old_scores[0]
    revised = db.scalars(select(AuditEvent).where(AuditEvent.action == "article.revised")).one()
    assert revised.details["sentences_rescored"] == 2 and revised.details["new"] == 1


def test_the_same_text_again_makes_no_revision(db, ingest, detector):
    ingest(text_of(*PARAGRAPHS))
    detector.scored.clear()

    again = ingest(text_of(*PARAGRAPHS))

    assert again.unchanged and not detector.scored
    assert len(db.scalars(select(ArticleRevision)).all()) == 1


def test_an_inactive_user_cannot_revise_and_nothing_changes(db, ingest):
    first = ingest(text_of(*PARAGRAPHS))
    gone = UserFactory(is_active=False)

    with pytest.raises(PermissionDenied):
        ingest(text_of(RATE, OPINION), actor=gone)

    assert len(db.scalars(select(ArticleRevision)).all()) == 1
    assert all(c.anchor_state == "anchored" for c in first.claims)


def test_a_concurrent_revision_with_the_same_number_is_a_conflict_and_changes_nothing(db, ingest, settings):
    first = ingest(text_of(*PARAGRAPHS))
    db.add(ArticleRevision(article_id=first.article.id, number=2, text="Theirs.", content_hash="x"))
    db.flush()
    article, stale = first.article, first.revision
    set_committed_value(article, "revisions", [stale])  # what this request read before the other committed

    with pytest.raises(ConflictError):
        RevisionService(db, settings=settings).revise(article, text=text_of(RATE, OPINION), actor=None)

    assert all(c.anchor_state == "anchored" and c.revision_id == stale.id for c in first.claims)


def test_a_new_candidate_in_a_revision_gets_checked_before_suggestions(db, ingest):
    added = "Rents in the city rose 9% in 2023, the statistics office said."
    earlier = ClaimFactory(revision=RevisionFactory(text=added), status="published", end=len(added))
    verdict = VerdictFactory(claim_id=earlier.id, state="published", claim_reviewed=added,
                             published_at=PUBLISHED)
    db.flush()
    MatchingService(db).index_verdict(verdict)
    ingest(text_of(*PARAGRAPHS))

    second = ingest(text_of(LOST, RATE, added, BUS, OPINION))

    new = claim_on(second, "Rents")
    suggested = db.scalars(select(MatchSuggestion.matched_claim_id)
                           .where(MatchSuggestion.claim_id == new.id)).all()
    assert earlier.id in suggested
