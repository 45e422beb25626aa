"""`factcheck matching reindex`: refuses while the encoder is off; otherwise encodes what lacks a vector."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.cli import app
from factcheck.db import make_engine, make_session_factory
from factcheck.models.match import MatchDocument
from factcheck.services.match_index import DocumentInput, MatchIndex
from factcheck.settings import get_settings
from tests.extras import require_encoder
from tests.factories import ClaimFactory, RevisionFactory, VerdictFactory, bind


def publish_unencoded(url: str, texts: list[str], *, commit_each: bool = False) -> None:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as db:
            bind(db)
            for text in texts:
                claim = ClaimFactory(revision=RevisionFactory(text=text), status="published")
                verdict = VerdictFactory(claim_id=claim.id, state="published", claim_reviewed=text)
                db.flush()
                MatchIndex(db).put([DocumentInput(claim_id=claim.id, verdict_id=verdict.id,
                                                  rating_id=None, text=text)])
                if commit_each:  # as verdicts are published, one transaction each
                    db.commit()
            db.commit()
    finally:
        engine.dispose()


def read(url: str, query):  # type: ignore[no-untyped-def]
    """`query(session)` in a session of its own on the database at `url`."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as db:
            return query(db)
    finally:
        engine.dispose()


def encoded(url: str) -> int:
    return read(url, lambda db: db.scalar(
        select(func.count()).where(MatchDocument.embedding.is_not(None))))


def test_reindex_refuses_while_the_encoder_is_off(runner, database):
    result = runner.invoke(app, ["matching", "reindex"])
    assert result.exit_code == 2
    assert "FACTCHECK_MATCHING_ENCODER" in result.output


def test_reindex_encodes_the_published_claims_without_a_vector(runner, database, monkeypatch):
    require_encoder()
    publish_unencoded(database, ["Pakistan lost 80,000 lives.", "The bridge cost $400 million."])
    monkeypatch.setenv("FACTCHECK_MATCHING_ENCODER", "1")
    get_settings.cache_clear()

    result = runner.invoke(app, ["matching", "reindex"])

    assert result.exit_code == 0, result.output
    assert "2 published claim(s) encoded" in result.output
    assert encoded(database) == 2
    assert "0 published claim(s)" in runner.invoke(app, ["matching", "reindex"]).output


CLAIMS = [f"Claim {i}: the council approved {100 + i} new homes in district {i}." for i in range(12)]


def search(url: str, words: list[str]) -> list[int]:
    return read(url, lambda db: [hit.claim_id for hit in MatchIndex(db).search([words], limit=20)[0]])


def segments(url: str) -> int:
    return read(url, lambda db: MatchIndex(db).segments())


def test_compact_merges_the_full_text_index_into_one_segment_and_finds_the_same(runner, database):
    publish_unencoded(database, CLAIMS, commit_each=True)
    before = segments(database)
    assert before > 1
    found = search(database, ["council", "district", "107"])

    result = runner.invoke(app, ["matching", "compact"])

    assert result.exit_code == 0, result.output
    assert f"{before} segment(s) -> 1" in result.output
    assert segments(database) == 1
    assert search(database, ["council", "district", "107"]) == found
    assert len(search(database, ["homes"])) == len(CLAIMS)


def test_the_background_upkeep_compacts_only_a_fragmented_index(database):
    from factcheck.services.match_index import COMPACT_ABOVE
    from factcheck.worker import compact_match_index

    factory = make_session_factory(make_engine(database))
    publish_unencoded(database, CLAIMS[:2], commit_each=True)
    few = segments(database)
    assert 1 < few <= COMPACT_ABOVE
    compact_match_index(factory)
    assert segments(database) == few  # not worth a rebuild yet
    publish_unencoded(database, CLAIMS[2:], commit_each=True)
    assert segments(database) > COMPACT_ABOVE
    compact_match_index(factory)
    assert segments(database) == 1
