"""Triage: the candidate queue, accept / dismiss / duplicate / undo, bulk actions, manual claims."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from factcheck.exceptions import (
    ConflictError, IllegalTransitionError, NotFoundError, PermissionDenied, StaleVersionError,
    ValidationError,
)
from factcheck.models import AuditEvent, Fact
from factcheck.services.triage import TriageService
from tests.factories import ArticleFactory, ClaimFactory, RevisionFactory, UserFactory


@pytest.fixture
def checker(db):
    return UserFactory(role="checker")


@pytest.fixture
def service(db):
    return TriageService(db)


def events(db, claim_id):
    return list(db.scalars(select(AuditEvent).where(AuditEvent.claim_id == claim_id)
                           .order_by(AuditEvent.id)))


class TestQueue:
    def test_it_lists_candidates_highest_score_first_ties_newest_article_first(self, db, service):
        old, new = RevisionFactory(), RevisionFactory()
        low = ClaimFactory(revision=old, score=0.6)
        tie_old = ClaimFactory(revision=old, score=0.9)
        tie_new = ClaimFactory(revision=new, score=0.9)
        ClaimFactory(revision=new, score=0.95, status="dismissed")
        ids = [item.claim.id for item in service.queue()]
        assert ids == [tie_new.id, tie_old.id, low.id]

    def test_it_carries_the_article_title_and_facts(self, db, service):
        article = ArticleFactory(title="Budget story")
        claim = ClaimFactory(revision=RevisionFactory(article=article))
        claim.facts.append(Fact(kind="date", text="March 8", start=3, end=10, value="2023-03-08"))
        db.flush()
        db.expire_all()
        item = service.queue()[0]
        assert (item.article_id, item.article_title) == (article.id, "Budget story")
        assert [f.text for f in item.claim.facts] == ["March 8"]

    def test_it_filters_by_article_kind_score_and_search(self, db, service):
        a = ClaimFactory(score=0.9, kinds=["quantity"])
        b = ClaimFactory(score=0.5, kinds=["date", "event"])
        assert [i.claim.id for i in service.queue(article_id=a.article_id)] == [a.id]
        assert [i.claim.id for i in service.queue(kind="date")] == [b.id]
        assert [i.claim.id for i in service.queue(min_score=0.6)] == [a.id]
        assert [i.claim.id for i in service.queue(max_score=0.6)] == [b.id]
        assert {i.claim.id for i in service.queue(search="ned price")} == {a.id, b.id}
        assert service.queue(search="100%") == []

    def test_it_lists_another_status_when_asked(self, db, service):
        accepted = ClaimFactory(status="accepted")
        assert [i.claim.id for i in service.queue(status="accepted")] == [accepted.id]

    @pytest.mark.parametrize("bad", [
        {"status": "nonsense"}, {"kind": "x'; drop"}, {"min_score": 2.0}, {"limit": 0},
        {"offset": -1},
    ])
    def test_it_refuses_bad_filters(self, db, service, bad):
        with pytest.raises(ValidationError):
            service.queue(**bad)

    def test_it_loads_facts_without_a_query_per_row(self, db, service, engine):
        for _ in range(6):
            ClaimFactory()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            items = service.queue()
            [item.claim.facts for item in items]
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert len(items) == 6
        assert len(statements) == 2

    def test_counts_include_every_status(self, db, service):
        ClaimFactory()
        ClaimFactory(status="accepted")
        counts = service.counts()
        assert counts["candidate"] == 1 and counts["accepted"] == 1 and counts["published"] == 0


class TestActions:
    def test_accept_moves_the_claim_and_records_before_and_after(self, db, service, checker):
        claim = ClaimFactory()
        service.accept(claim.id, actor=checker, version=1)
        assert (claim.status, claim.version) == ("accepted", 2)
        [audit] = events(db, claim.id)
        assert audit.action == "claim.accepted" and audit.actor_id == checker.id
        assert audit.details["before"] == {"status": "candidate", "version": 1}
        assert audit.details["after"] == {"status": "accepted", "version": 2}

    def test_dismiss_moves_the_claim(self, db, service, checker):
        claim = ClaimFactory()
        service.dismiss(claim.id, actor=checker, version=1)
        assert claim.status == "dismissed"

    def test_a_stale_version_is_refused_and_changes_nothing(self, db, service, checker):
        claim = ClaimFactory(version=4)
        with pytest.raises(StaleVersionError):
            service.accept(claim.id, actor=checker, version=3)
        assert claim.status == "candidate" and events(db, claim.id) == []

    def test_an_illegal_transition_names_the_allowed_ones(self, db, service, checker):
        claim = ClaimFactory(status="in_review")
        with pytest.raises(IllegalTransitionError) as raised:
            service.dismiss(claim.id, actor=checker, version=1)
        assert raised.value.details["allowed"] == ["in_progress", "published"]

    def test_it_needs_an_active_checker(self, db, service):
        claim = ClaimFactory()
        with pytest.raises(PermissionDenied):
            service.accept(claim.id, actor=UserFactory(is_active=False), version=1)
        with pytest.raises(PermissionDenied):
            service.accept(claim.id, actor=None, version=1)

    def test_an_unknown_claim_is_not_found(self, db, service, checker):
        with pytest.raises(NotFoundError):
            service.accept(999_999, actor=checker, version=1)

    def test_mark_duplicate_links_the_original(self, db, service, checker):
        original, copy = ClaimFactory(), ClaimFactory()
        service.mark_duplicate(copy.id, actor=checker, version=1, duplicate_of_id=original.id)
        assert (copy.status, copy.duplicate_of_id) == ("duplicate", original.id)
        assert events(db, copy.id)[0].details["after"]["duplicate_of_id"] == original.id

    def test_mark_duplicate_refuses_itself_a_missing_claim_and_a_chain(self, db, service, checker):
        original, copy, third = ClaimFactory(), ClaimFactory(), ClaimFactory()
        for target in (copy.id, 999_999):
            with pytest.raises(ValidationError):
                service.mark_duplicate(copy.id, actor=checker, version=1, duplicate_of_id=target)
        service.mark_duplicate(copy.id, actor=checker, version=1, duplicate_of_id=original.id)
        with pytest.raises(ValidationError, match=f"duplicate of claim {original.id}"):
            service.mark_duplicate(third.id, actor=checker, version=1, duplicate_of_id=copy.id)

    def test_search_claims_finds_by_text_or_id_and_skips_duplicates(self, db, service, checker):
        claim = ClaimFactory()
        dup = ClaimFactory(status="duplicate")
        found = [i.claim.id for i in service.search_claims("ned PRICE")]
        assert claim.id in found and dup.id not in found
        assert [i.claim.id for i in service.search_claims(f"#{claim.id}", exclude_id=None)][0] == claim.id
        assert service.search_claims("   ") == []


class TestUndo:
    @pytest.mark.parametrize("action", ["accept", "dismiss"])
    def test_it_reverts_the_actors_last_triage_action(self, db, service, checker, action):
        claim = ClaimFactory()
        getattr(service, action)(claim.id, actor=checker, version=1)
        service.undo(claim.id, actor=checker)
        assert claim.status == "candidate" and claim.version == 3
        assert events(db, claim.id)[-1].action == "claim.triage_undone"

    def test_it_clears_the_duplicate_link(self, db, service, checker):
        original, copy = ClaimFactory(), ClaimFactory()
        service.mark_duplicate(copy.id, actor=checker, version=1, duplicate_of_id=original.id)
        service.undo(copy.id, actor=checker)
        assert (copy.status, copy.duplicate_of_id) == ("candidate", None)

    def test_there_is_nothing_to_undo_twice_or_for_another_checker(self, db, service, checker):
        claim = ClaimFactory()
        service.accept(claim.id, actor=checker, version=1)
        with pytest.raises(ConflictError):
            service.undo(claim.id, actor=UserFactory())
        service.undo(claim.id, actor=checker)
        with pytest.raises(ConflictError, match="no triage action"):
            service.undo(claim.id, actor=checker)

    def test_it_refuses_when_the_claim_changed_since(self, db, service, checker):
        claim = ClaimFactory()
        other = UserFactory()
        service.accept(claim.id, actor=checker, version=1)
        service.dismiss(claim.id, actor=other, version=2)
        with pytest.raises(ConflictError, match="changed after"):
            service.undo(claim.id, actor=checker)
        assert claim.status == "dismissed"


class TestBulk:
    def test_it_accepts_the_candidates_and_skips_the_others(self, db, service, checker):
        a, b, done = ClaimFactory(), ClaimFactory(), ClaimFactory(status="dismissed")
        result = service.bulk("accept", [a.id, b.id, done.id, a.id], actor=checker)
        assert result.done == [a.id, b.id]
        assert result.skipped == {done.id: "already dismissed"}
        assert a.status == b.status == "accepted"
        assert events(db, a.id)[0].details["bulk"] is True

    @pytest.mark.parametrize(("action", "ids"), [("publish", [1]), ("accept", [])])
    def test_it_refuses_bad_requests(self, db, service, checker, action, ids):
        with pytest.raises(ValidationError):
            service.bulk(action, ids, actor=checker)

    def test_an_unknown_id_changes_nothing(self, db, service, checker):
        claim = ClaimFactory()
        with pytest.raises(NotFoundError):
            service.bulk("dismiss", [claim.id, 999_999], actor=checker)
        assert claim.status == "candidate"


class TestManualClaims:
    TEXT = "Intro line.\n\nThe city spent $4 million on 12 new buses in 2021.\n\nOutro."

    def make(self, db):
        return RevisionFactory(text=self.TEXT, article=ArticleFactory())

    def test_it_creates_an_accepted_manual_claim_with_selectors_and_shifted_facts(
        self, db, service, checker
    ):
        revision = self.make(db)
        start = self.TEXT.index("The city")
        end = self.TEXT.index("2021.") + 5
        claim = service.add_manual_claim(article_id=revision.article_id, start=start - 2,
                                         end=end + 1, actor=checker)
        assert (claim.start, claim.end) == (start, end)  # whitespace trimmed
        assert claim.exact == self.TEXT[start:end]
        assert claim.prefix == self.TEXT[max(0, start - 32):start]
        assert (claim.origin, claim.status, claim.created_by_id) == ("manual", "accepted", checker.id)
        assert claim.facts, "the detector finds the figures"
        for fact in claim.facts:
            assert self.TEXT[fact.start:fact.end] == fact.text
        assert events(db, claim.id)[0].action == "claim.created"

    def test_it_is_scored_by_the_detector_ingest_uses(self, db, service, checker):
        from factcheck.analysis.checkworthiness_model import Scored
        from factcheck.analysis.claim_detector import ClaimDetector

        class Constant:  # any scorer the settings may choose (the encoder model, say)
            def score(self, features):  # type: ignore[no-untyped-def]
                return Scored(score=0.123, contributions=(("constant", 1.0),))

        revision = self.make(db)
        start = self.TEXT.index("The city")
        claim = service.add_manual_claim(article_id=revision.article_id, start=start,
                                         end=self.TEXT.index("2021.") + 5, actor=checker,
                                         detector=ClaimDetector(scorer=Constant()))
        assert claim.score == pytest.approx(0.123)

    @pytest.mark.parametrize(("start", "end"), [(-1, 5), (5, 5), (10, 9), (0, 10_000), (11, 13)])
    def test_it_refuses_bad_offsets(self, db, service, checker, start, end):
        revision = self.make(db)
        with pytest.raises(ValidationError):
            service.add_manual_claim(article_id=revision.article_id, start=start, end=end,
                                     actor=checker)

    def test_it_refuses_an_overlong_selection(self, db, service, checker):
        revision = RevisionFactory(text="word " * 400)
        with pytest.raises(ValidationError, match="at most"):
            service.add_manual_claim(article_id=revision.article_id, start=0, end=1999,
                                     actor=checker)

    def test_it_refuses_the_exact_span_of_an_existing_claim(self, db, service, checker):
        claim = ClaimFactory()
        with pytest.raises(ConflictError):
            service.add_manual_claim(article_id=claim.article_id, start=claim.start,
                                     end=claim.end, actor=checker)

    def test_it_refuses_an_unknown_article(self, db, service, checker):
        with pytest.raises(NotFoundError):
            service.add_manual_claim(article_id=999_999, start=0, end=4, actor=checker)
