"""Matching service: the full-text index, suggestions and thresholds, decisions, reuse, grouping."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.exceptions import ConflictError, PermissionDenied, ValidationError
from factcheck.models import AuditEvent, Claim, Verdict
from factcheck.models.match import MatchDocument, MatchSuggestion
from factcheck.services.ingest import IngestService
from factcheck.services.review import ReviewService
from factcheck.services.match_index import _pg_query
from factcheck.services.matching import MatchingService
from tests.factories import ClaimFactory, RatingFactory, RevisionFactory, UserFactory, VerdictFactory

EARLIER = "Pakistan has lost more than 80,000 lives in the war on terror over two decades."
OTHER = "The new bridge over the river cost four hundred million dollars to build."


def claim_on(text: str, **kwargs) -> Claim:
    return ClaimFactory(revision=RevisionFactory(text=text), **kwargs)


def publish(db, text: str, *, summary: str = "Official figures support it.") -> Verdict:
    claim = claim_on(text, status="published")
    verdict = VerdictFactory(claim_id=claim.id, state="published", claim_reviewed=text,
                             summary=summary, rating_id=RatingFactory(label="True").id,
                             published_at=func.now())
    db.flush()
    db.refresh(verdict)
    MatchingService(db).index_verdict(verdict)
    return verdict


@pytest.fixture
def checker(db):
    return UserFactory(role="checker")


def service_with(db, settings, *, suggest=0.3, auto=1.0) -> MatchingService:
    return MatchingService(db, settings=settings.model_copy(
        update={"match_suggest_threshold": suggest, "match_auto_threshold": auto}))


def actions(db, claim_id) -> list[str]:
    return list(db.scalars(select(AuditEvent.action).where(AuditEvent.claim_id == claim_id)
                           .order_by(AuditEvent.id)))


class TestIndex:
    def test_a_published_verdict_is_found_by_its_words(self, db):
        verdict = publish(db, EARLIER)
        publish(db, OTHER)
        found = MatchingService(db).candidates("How many lives has Pakistan lost to terror?")
        assert [d.claim_id for d in found][0] == verdict.claim_id

    def test_a_draft_verdict_is_refused(self, db):
        draft = VerdictFactory(claim_id=claim_on(EARLIER).id, state="draft")
        with pytest.raises(ConflictError):
            MatchingService(db).index_verdict(draft)

    def test_a_correction_replaces_the_entry_and_keeps_the_statistics_right(self, db):
        verdict = publish(db, EARLIER)
        verdict.summary = "Corrected: the count is higher."
        service = MatchingService(db)
        service.index_verdict(verdict)
        docs = list(db.scalars(select(MatchDocument).where(MatchDocument.claim_id == verdict.claim_id)))
        assert [d.summary for d in docs] == ["Corrected: the count is higher."]
        stats = service.index.stats(["pakistan", "correct", "official"])
        assert (stats.n_docs, stats.df["pakistan"], stats.df["correct"]) == (1, 1, 1)
        assert stats.df.get("official", 0) == 0  # the old summary's words were taken out

    def test_words_of_no_claim_find_nothing(self, db):
        publish(db, EARLIER)
        assert MatchingService(db).candidates("zebra xylophone") == []
        assert MatchingService(db).match("the of and") == []


class TestSuggestions:
    def test_the_same_claim_scores_above_the_default_thresholds_and_another_below(self, db):
        earlier = publish(db, EARLIER)
        publish(db, OTHER)
        service = MatchingService(db)
        best = service.match("Pakistan lost more than 80,000 lives in the war on terror.")[0]
        assert best.document.claim_id == earlier.claim_id and best.score >= service.auto_at
        assert service.match("Pakistan won the cricket world cup in 1992.")[0].score < service.suggest_at

    def test_a_similar_claim_gets_a_suggestion_above_the_lower_threshold(self, db, settings):
        earlier = publish(db, EARLIER)
        publish(db, OTHER)
        claim = claim_on("Pakistan lost more than 80,000 lives in the war on terror.")
        made = service_with(db, settings).suggest_for_claim(claim)
        assert [(s.matched_claim_id, s.state) for s in made] == [(earlier.claim_id, "suggested")]
        assert made[0].matched_verdict_id == earlier.id
        assert claim.status == "candidate"
        assert actions(db, claim.id) == ["match.suggested"]

    def test_nothing_is_suggested_below_the_lower_threshold(self, db, settings):
        publish(db, EARLIER)
        claim = claim_on("Pakistan won the cricket world cup in 1992.")
        assert service_with(db, settings, suggest=0.99).suggest_for_claim(claim) == []

    def test_above_the_higher_threshold_the_claim_is_linked_automatically(self, db, settings):
        earlier = publish(db, EARLIER)
        claim = claim_on(EARLIER)
        made = service_with(db, settings, auto=0.95).suggest_for_claim(claim)
        assert made[0].state == "auto_linked"
        db.refresh(claim)
        assert (claim.status, claim.duplicate_of_id) == ("duplicate", earlier.claim_id)

    def test_asking_again_does_not_repeat_a_suggestion(self, db, settings):
        publish(db, EARLIER)
        claim = claim_on(EARLIER)
        service = service_with(db, settings)
        assert len(service.suggest_for_claim(claim)) == 1
        assert service.suggest_for_claim(claim) == []

    def test_a_published_claim_is_not_suggested_for_itself(self, db, settings):
        verdict = publish(db, EARLIER)
        claim = db.get(Claim, verdict.claim_id)
        assert service_with(db, settings).suggest_for_claim(claim) == []

    def test_ingest_suggests_earlier_verdicts_for_new_candidates(self, db, settings):
        earlier = publish(db, "Pakistan has lost more than 80,000 lives over the past two decades.")
        result = IngestService(db, settings=settings.model_copy(
            update={"match_suggest_threshold": 0.3})).ingest(
            title="Talks", text="Talks resumed on Monday in Washington.\n\n"
                                "Pakistan has lost more than 80,000 lives over the past two decades.")
        matched = db.scalars(select(MatchSuggestion.matched_claim_id).where(
            MatchSuggestion.claim_id.in_([c.id for c in result.claims])))
        assert earlier.claim_id in set(matched)

    def test_claims_suggested_together_each_get_their_own_matches(self, db, settings):
        first, second = publish(db, EARLIER), publish(db, OTHER)
        claims = [claim_on(EARLIER), claim_on("Talks resumed on Monday."), claim_on(OTHER)]
        made = service_with(db, settings).suggest_for_claims(claims)
        assert {(s.claim_id, s.matched_claim_id) for s in made} == {
            (claims[0].id, first.claim_id), (claims[2].id, second.claim_id)}
        assert service_with(db, settings).suggest_for_claims(claims) == []

    def test_ingest_leaves_matching_alone_when_switched_off(self, db, settings):
        publish(db, "Pakistan has lost more than 80,000 lives over the past two decades.")
        IngestService(db, settings=settings.model_copy(update={"matching_enabled": False})).ingest(
            title="Talks", text="Pakistan has lost more than 80,000 lives over the past two decades.")
        assert db.scalar(select(func.count(MatchSuggestion.id))) == 0

    def test_the_queue_badge_loader_gives_the_best_suggestion_per_claim(self, db, settings):
        publish(db, EARLIER)
        publish(db, "Pakistan has lost 80,000 lives, its army said.")
        claim = claim_on(EARLIER)
        service = service_with(db, settings, suggest=0.01)
        made = service.suggest_for_claim(claim)
        views = service.latest_for_claims([claim.id, 999_999])
        assert list(views) == [claim.id]
        assert views[claim.id].suggestion.id == max(made, key=lambda s: s.score).id
        assert views[claim.id].rating.label == "True"


@pytest.fixture
def suggested(db, settings):
    publish(db, EARLIER)
    claim = claim_on(EARLIER)
    return service_with(db, settings).suggest_for_claim(claim)[0]


@pytest.fixture
def auto_linked(db, settings):
    publish(db, EARLIER)
    claim = claim_on(EARLIER)
    return service_with(db, settings, auto=0.95).suggest_for_claim(claim)[0]


class TestDecisions:
    def test_confirming_marks_the_claim_a_duplicate_of_the_earlier_one(self, db, suggested, checker):
        MatchingService(db).confirm(suggested.id, actor=checker)
        claim = db.get(Claim, suggested.claim_id)
        assert (claim.status, claim.duplicate_of_id) == ("duplicate", suggested.matched_claim_id)
        assert (suggested.state, suggested.decided_by_id) == ("confirmed", checker.id)
        assert actions(db, claim.id)[-2:] == ["claim.duplicate", "match.confirmed"]

    def test_reusing_the_verdict_sends_a_copy_to_an_editor(self, db, suggested, checker):
        MatchingService(db).confirm(suggested.id, actor=checker, reuse_verdict=True)
        claim = db.get(Claim, suggested.claim_id)
        verdict = db.scalar(select(Verdict).where(Verdict.claim_id == claim.id))
        earlier = db.get(Verdict, suggested.matched_verdict_id)
        assert (claim.status, claim.duplicate_of_id) == ("in_review", suggested.matched_claim_id)
        assert (verdict.state, verdict.reused_from_id) == ("in_review", earlier.id)
        assert (verdict.rating_id, verdict.summary) == (earlier.rating_id, earlier.summary)
        editor = UserFactory(role="editor")
        ReviewService(db).approve(claim.id, actor=editor, lock_version=verdict.lock_version)
        assert db.get(Claim, claim.id).status == "published"

    def test_reusing_after_an_automatic_link_puts_the_claim_back_into_the_workflow(
            self, db, auto_linked, checker):
        MatchingService(db).confirm(auto_linked.id, actor=checker, reuse_verdict=True)
        assert db.get(Claim, auto_linked.claim_id).status == "in_review"

    def test_rejecting_keeps_the_claim_in_the_queue(self, db, suggested, checker):
        MatchingService(db).reject(suggested.id, actor=checker)
        assert suggested.state == "rejected"
        assert db.get(Claim, suggested.claim_id).status == "candidate"

    def test_rejecting_an_automatic_link_undoes_it(self, db, auto_linked, checker):
        MatchingService(db).reject(auto_linked.id, actor=checker)
        claim = db.get(Claim, auto_linked.claim_id)
        assert (claim.status, claim.duplicate_of_id, auto_linked.state) == ("candidate", None, "rejected")

    def test_undoing_an_automatic_link_returns_the_claim_to_candidate(self, db, auto_linked, checker):
        MatchingService(db).undo_auto_link(auto_linked.id, actor=checker)
        claim = db.get(Claim, auto_linked.claim_id)
        assert (claim.status, claim.duplicate_of_id, auto_linked.state) == ("candidate", None, "undone")
        assert actions(db, claim.id)[-1] == "match.undone"

    def test_only_an_automatic_link_can_be_undone(self, db, suggested, checker):
        with pytest.raises(ConflictError):
            MatchingService(db).undo_auto_link(suggested.id, actor=checker)

    def test_a_decided_suggestion_cannot_be_decided_again(self, db, suggested, checker):
        service = MatchingService(db)
        service.reject(suggested.id, actor=checker)
        with pytest.raises(ConflictError, match="already rejected"):
            service.confirm(suggested.id, actor=checker)

    @pytest.mark.parametrize("who", [None, "inactive"])
    def test_deciding_needs_an_active_account(self, db, suggested, who):
        actor = UserFactory(is_active=False) if who else None
        with pytest.raises(PermissionDenied):
            MatchingService(db).confirm(suggested.id, actor=actor)
        assert suggested.state == "suggested"

    def test_bulk_actions_do_what_they_can_and_say_why_not(self, db, settings, checker):
        publish(db, EARLIER)
        publish(db, OTHER)
        service = service_with(db, settings)
        first = service.suggest_for_claim(claim_on(EARLIER))[0]
        second = service.suggest_for_claim(claim_on(OTHER))[0]
        service.reject(second.id, actor=checker)
        outcome = service.bulk_confirm([first.id, second.id, first.id], actor=checker)
        assert outcome.done == [first.id]
        assert "already rejected" in outcome.skipped[second.id]
        with pytest.raises(ValidationError):
            service.bulk_reject([], actor=checker)


class TestGroups:
    def test_near_identical_candidates_are_grouped_across_articles(self, db):
        a = claim_on("Pakistan has lost more than 80,000 lives.")
        b = claim_on("Pakistan has lost more than 80,000 lives!")
        c = claim_on("PAKISTAN has lost more than 80,000 lives")
        claim_on(OTHER)
        claim_on("Pakistan has lost more than 80,000 lives.", status="dismissed")
        groups = MatchingService(db).group_candidates()
        assert [sorted(x.id for x in g) for g in groups] == [sorted([a.id, b.id, c.id])]

    def test_different_claims_are_not_grouped(self, db):
        claim_on("Pakistan has lost more than 80,000 lives.")
        claim_on("India has lost more than 80,000 lives.")
        assert MatchingService(db).group_candidates() == []


@pytest.mark.parametrize(("dfs", "expected"), [
    ([5, 40, 90], "a | b | c"),
    ([100, 1000, 5000], "a | (b & c)"),
    ([3000, 4000, 5000], "(a & b) | (a & c) | (b & c)"),
    (None, "a | b | c"),
])
def test_a_large_collection_ranks_only_rows_with_a_rare_word_or_two_chosen_ones(dfs, expected):
    assert _pg_query(["a", "b", "c"], dfs) == expected
