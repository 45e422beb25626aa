"""The article view read service: claims with published verdicts, corrections and counts, in a
fixed number of queries."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from factcheck.exceptions import NotFoundError
from factcheck.models import utcnow
from tests.factories import (
    ClaimFactory, EvidenceFactory, RatingFactory, RevisionFactory, SourceFactory, UserFactory,
    VerdictFactory,
)
from factcheck.services.article_view import ArticleViewService

TEXT = "Claim one here. Claim two here. Claim three here. Claim four here. Claim five."


def spans(text: str) -> list[tuple[int, int]]:
    out, cursor = [], 0
    for part in text.split(". "):
        out.append((cursor, cursor + len(part)))
        cursor += len(part) + 2
    return out


def publish(claim, *, rating, editor, number=1, state="published", evidence=(), note=None):
    return VerdictFactory(
        claim_id=claim.id, number=number, state=state, rating_id=rating.id,
        approved_by_id=editor.id, approved_at=utcnow(), published_at=utcnow(),
        summary=f"Summary v{number}", correction_note=note, evidence=list(evidence),
    )


@pytest.fixture
def article(db):
    revision = RevisionFactory(text=TEXT)
    statuses = ["candidate", "accepted", "published", "dismissed", "in_review"]
    claims = [ClaimFactory(revision=revision, start=a, end=b, status=s)
              for (a, b), s in zip(spans(TEXT), statuses)]
    return revision.article, claims


def test_it_loads_visible_claims_in_text_order_without_dismissed_ones(db, article):
    art, claims = article
    view = ArticleViewService(db).load(art.id)
    assert [c.status for c in view.claims] == ["candidate", "accepted", "published", "in_review"]
    assert view.state_counts == {"candidate": 1, "accepted": 1, "published": 1, "in_review": 1}


def test_it_gives_the_current_published_verdict_with_evidence_and_the_superseded_ones(db, article):
    art, claims = article
    rating, old_rating, editor = RatingFactory(label="False"), RatingFactory(), UserFactory(name="Eda")
    evidence = EvidenceFactory(claim_id=claims[2].id, source=SourceFactory(title="Briefing"))
    publish(claims[2], rating=old_rating, editor=editor, state="superseded")
    publish(claims[2], rating=rating, editor=editor, number=2, evidence=[evidence], note="Fixed.")
    VerdictFactory(claim_id=claims[4].id, state="in_review", rating_id=rating.id)
    db.expire_all()

    view = ArticleViewService(db).load(art.id)
    history = view.verdicts_for(claims[2])
    assert history.current.number == 2 and history.current.correction_note == "Fixed."
    assert [e.source.title for e in history.current.evidence] == ["Briefing"]
    assert [v.number for v in history.earlier] == [1]
    assert view.user_name(history.current.approved_by_id) == "Eda"
    assert view.verdicts_for(claims[4]).current is None  # a draft under review is not public
    assert view.rating_counts == {rating.id: 1}


def test_published_only_keeps_claims_with_a_published_verdict_even_during_a_correction(db, article):
    art, claims = article
    rating, editor = RatingFactory(), UserFactory()
    publish(claims[2], rating=rating, editor=editor)
    claims[4].status = "in_review"  # a correction of a published verdict is under review
    publish(claims[4], rating=rating, editor=editor)
    db.flush()
    view = ArticleViewService(db).load(art.id, published_only=True)
    assert [c.id for c in view.claims] == [claims[2].id, claims[4].id]
    assert view.state_counts == {"published": 1, "in_review": 1}


def test_it_leaves_orphaned_claims_to_their_own_list(db, article):
    art, claims = article
    claims[0].anchor_state = "orphan"
    db.flush()
    assert claims[0].id not in {c.id for c in ArticleViewService(db).load(art.id).claims}


@pytest.mark.parametrize("article_id", [0, -1, 999_999, 2**31, 2**63 + 5])
def test_it_raises_NotFoundError_for_unknown_or_impossible_ids(db, article_id):
    with pytest.raises(NotFoundError):
        ArticleViewService(db).load(article_id)


def test_the_number_of_queries_does_not_grow_with_the_number_of_claims(db, engine):
    def count_queries(claim_count: int) -> int:
        text = " ".join(f"Sentence {i} has 1{i} facts." for i in range(claim_count))
        revision = RevisionFactory(text=text)
        rating, editor = RatingFactory(), UserFactory()
        cursor = 0
        for i in range(claim_count):
            sentence = f"Sentence {i} has 1{i} facts."
            claim = ClaimFactory(revision=revision, start=cursor, end=cursor + len(sentence),
                                 status="published" if i % 2 else "candidate")
            cursor += len(sentence) + 1
            if i % 2:
                evidence = EvidenceFactory(claim_id=claim.id)
                publish(claim, rating=rating, editor=editor, evidence=[evidence])
        db.expire_all()
        statements: list[str] = []

        def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            view = ArticleViewService(db).load(revision.article_id)
            # Touch everything the page shows: nothing may load lazily.
            for c in view.claims:
                history = view.verdicts_for(c)
                [f.text for f in c.facts]
                if history.current:
                    [(e.source.title, e.excerpt) for e in history.current.evidence]
                    history.current.rating.label
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    assert count_queries(4) == count_queries(200)
