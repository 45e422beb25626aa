"""Sources: validated creation, type-ahead search, attaching and detaching evidence."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from factcheck.exceptions import ConflictError, NotFoundError, PermissionDenied, ValidationError
from factcheck.models import Evidence, Source, utcnow
from factcheck.services.sources import SourceService
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory, UserFactory, VerdictFactory


@pytest.fixture
def service(db):
    return SourceService(db)


@pytest.fixture
def checker(db):
    return UserFactory()


@pytest.fixture
def held(db, checker):
    """A claim the checker holds a live lease on."""
    return ClaimFactory(status="in_progress", assignee_id=checker.id,
                        lease_expires_at=utcnow() + timedelta(minutes=10))


class TestCreate:
    def test_it_creates_a_shared_source(self, db, service, checker):
        source = service.create(
            url=" https://state.gov/briefing ", title=" Press briefing ", kind="official",
            publisher="State Department", published_on=dt.date(2023, 3, 8),
            archived_url="https://web.archive.org/x", actor=checker,
        )
        assert (source.url, source.title, source.kind) == ("https://state.gov/briefing", "Press briefing", "official")
        assert source.created_by_id == checker.id

    @pytest.mark.parametrize("fields", [
        {"url": "ftp://x.org/a"}, {"url": "javascript:alert(1)"}, {"url": "https://"},
        {"url": ""}, {"url": "https://x.org/" + "a" * 2100}, {"title": "   "},
        {"kind": "rumour"}, {"archived_url": "not a url"}, {"title": "a\x00b"},
        {"publisher": "p" * 300},
    ])
    def test_it_refuses_bad_fields(self, db, service, checker, fields):
        values = {"url": "https://ok.example/a", "title": "Fine", "kind": "primary"} | fields
        with pytest.raises(ValidationError):
            service.create(**values, actor=checker)
        assert db.scalar(select(func.count()).select_from(Source)) == 0

    def test_a_url_already_on_file_is_refused_naming_the_source(self, db, service, checker):
        existing = SourceFactory(url="https://ok.example/a")
        with pytest.raises(ConflictError) as raised:
            service.create(url="https://ok.example/a", title="Again", actor=checker)
        assert raised.value.details["source_id"] == existing.id

    def test_search_matches_title_publisher_or_url(self, db, service):
        a = SourceFactory(title="Census 2020 tables", publisher="Census Bureau")
        b = SourceFactory(title="Other", url="https://data.example/census")
        SourceFactory(title="Unrelated")
        assert {s.id for s in service.search("census")} == {a.id, b.id}
        assert service.search("") == [] and service.search("50%") == []


class TestEvidence:
    def test_the_holder_attaches_a_source_with_excerpt_and_stance(self, db, service, checker, held):
        source = SourceFactory()
        evidence = service.attach(held.id, source_id=source.id, excerpt=" the figure ",
                                  stance="refutes", actor=checker)
        assert (evidence.claim_id, evidence.excerpt, evidence.stance) == (held.id, "the figure", "refutes")
        assert service.evidence(held.id) == [evidence]

    def test_attach_new_reuses_a_source_with_the_same_url(self, db, service, checker, held):
        source = SourceFactory(url="https://ok.example/a")
        evidence = service.attach_new(held.id, url="https://ok.example/a", title="whatever",
                                      actor=checker)
        assert evidence.source_id == source.id
        fresh = service.attach_new(held.id, url="https://new.example/b", title="New",
                                   kind="dataset", actor=checker)
        assert fresh.source.title == "New" and fresh.source.kind == "dataset"

    def test_someone_without_the_lease_cannot_attach(self, db, service, held):
        with pytest.raises(PermissionDenied, match="Take this claim"):
            service.attach(held.id, source_id=SourceFactory().id, actor=UserFactory())

    def test_an_expired_lease_is_not_enough(self, db, service, checker, held):
        held.lease_expires_at = utcnow() - timedelta(seconds=1)
        with pytest.raises(PermissionDenied):
            service.attach(held.id, source_id=SourceFactory().id, actor=checker)

    def test_an_editor_may_attach_without_the_lease(self, db, service, held):
        evidence = service.attach(held.id, source_id=SourceFactory().id, actor=UserFactory(role="editor"))
        assert evidence.id

    def test_an_editor_cannot_change_evidence_under_review(self, db, service):
        claim = ClaimFactory(status="in_review")
        with pytest.raises(ConflictError):
            service.attach(claim.id, source_id=SourceFactory().id, actor=UserFactory(role="editor"))

    @pytest.mark.parametrize("bad", [{"stance": "maybe"}, {"source_id": 999_999},
                                     {"excerpt": "x" * 5001}])
    def test_it_refuses_bad_input(self, db, service, checker, held, bad):
        values = {"source_id": SourceFactory().id, "stance": "supports"} | bad
        with pytest.raises(ValidationError):
            service.attach(held.id, **values, actor=checker)
        assert service.evidence(held.id) == []

    def test_detach_removes_working_evidence(self, db, service, checker, held):
        evidence = EvidenceFactory(claim_id=held.id)
        service.detach(evidence.id, actor=checker)
        assert db.get(Evidence, evidence.id) is None

    def test_detach_refuses_evidence_a_published_verdict_rests_on(self, db, service, held):
        evidence = EvidenceFactory(claim_id=held.id)
        verdict = VerdictFactory(claim_id=held.id, state="published")
        verdict.evidence = [evidence]
        db.flush()
        with pytest.raises(ConflictError, match="version 1"):
            service.detach(evidence.id, actor=UserFactory(role="editor"))

    def test_detach_of_unknown_evidence_is_not_found(self, db, service, checker):
        with pytest.raises(NotFoundError):
            service.detach(999_999, actor=checker)
