"""Invalidation pushed by PostgreSQL (api/invalidation.py, migration 0004): the listener's generation,
its heartbeat, reconnection, and the verdicts route remembering a fingerprint only while nothing
was published."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, text

from factcheck.api.invalidation import ChangeListener, wants_fresh_read
from tests.api.conftest import article_with_claims
from tests.api.test_verdicts import EMOJI_TEXT, verdicts


@pytest.mark.parametrize(("header", "fresh"), [
    (None, False), ("", False), ("max-age=60", False), ("no-store", False),
    ("no-cache", True), ("No-Cache", True), ("max-age=0", True), ("private, max-age=0", True),
])
def test_a_client_asks_for_a_fresh_read_with_cache_control(header, fresh):
    assert wants_fresh_read(header) is fresh


# LISTEN/NOTIFY is PostgreSQL's (on SQLite every request reads): these tests take only that database.
postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def postgres_engine(engine: Engine) -> Engine:
    assert engine.dialect.name == "postgresql"
    return engine


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


@pytest.fixture
def listener(postgres_engine: Engine):
    clock = Clock()
    listener = ChangeListener.for_engine(postgres_engine, heartbeat=0.5, clock=clock)
    listener.clock_for_test = clock  # type: ignore[attr-defined]
    listener.start()
    assert listener.wait_until_listening()
    yield listener
    listener.stop()


def wait_for(condition, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def committed(engine: Engine, statement: str) -> None:
    """A committed statement that changes no row: statement-level triggers fire all the same."""
    with engine.begin() as connection:
        connection.execute(text(statement))


@pytest.mark.parametrize("statement", [
    "UPDATE verdict SET feed_position = feed_position WHERE false",
    "UPDATE verdict SET state = state WHERE false",
    "DELETE FROM verdict WHERE false",
    "UPDATE article SET title = title WHERE false",
    "DELETE FROM article_revision WHERE false",
    "UPDATE rating SET label = label WHERE false",
])
@postgresql_only
def test_a_committed_change_to_what_a_cached_body_shows_bumps_the_generation(listener, postgres_engine,
                                                                              statement):
    before = listener.current()
    committed(postgres_engine, statement)
    assert wait_for(lambda: listener.current() == before + 1)


@postgresql_only
def test_a_rolled_back_change_or_a_draft_edit_notifies_nobody(listener, postgres_engine):
    before = listener.current()
    with postgres_engine.connect() as connection:
        connection.execute(text("UPDATE verdict SET feed_position = feed_position WHERE false"))
        connection.rollback()
    committed(postgres_engine, "UPDATE verdict SET summary = summary WHERE false")  # a draft's text
    committed(postgres_engine, "UPDATE rating SET label = label WHERE false")  # a marker after both
    assert wait_for(lambda: listener.current() != before)
    time.sleep(0.3)
    assert listener.current() == before + 1  # the marker only


@postgresql_only
def test_the_listener_vouches_for_nothing_once_its_heartbeat_is_late(listener):
    assert listener.current() is not None
    listener.clock_for_test.offset = 60.0  # as if the thread had not run for a minute
    assert listener.current() is None
    assert wait_for(lambda: listener.current() is not None)  # the next heartbeat vouches again


@postgresql_only
def test_a_dropped_connection_reconnects_and_bumps_the_generation(listener, postgres_engine):
    before = listener.current()
    with postgres_engine.begin() as connection:
        terminated = connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE (query LIKE 'LISTEN factcheck_%' OR query LIKE 'SELECT pg_notify%')"
            " AND pid <> pg_backend_pid() AND datname = current_database()")).scalars().all()
    assert any(terminated)
    # Whatever was published while it was away is unknown: the new generation forgets every fingerprint.
    assert wait_for(lambda: (listener.current() or 0) > before)


@postgresql_only
def test_stop_is_prompt_and_leaves_nothing_vouched(postgres_engine):
    listener = ChangeListener.for_engine(postgres_engine, heartbeat=30.0)
    listener.start()
    assert listener.wait_until_listening()
    started = time.monotonic()
    listener.stop()
    assert time.monotonic() - started < 5
    assert listener.current() is None


@pytest.fixture
def listening_app(app, settings):
    """The API app with the change listener on (PostgreSQL)."""
    app.state.settings = settings.model_copy(update={"api_cache_listen": True})
    return app


@postgresql_only
def test_the_verdicts_route_reads_again_only_after_a_notification(
    postgres_engine, listening_app, client, db, reader, publish
):
    # The test's writes live in a transaction that never commits, so they notify nobody: what the
    # route answers shows whether it read the database or trusted the fingerprint it remembered.
    listener = listening_app.state.change_listener
    assert listener is not None and listener.wait_until_listening()
    article, (first, second, _) = article_with_claims(EMOJI_TEXT)
    publish(first)
    assert [v["claim_id"] for v in verdicts(client, reader).json()["verdicts"]] == [first.id]
    publish(second)
    assert [v["claim_id"] for v in verdicts(client, reader).json()["verdicts"]] == [first.id]
    # A client that must see a write at once asks for it, and its read refreshes what is remembered.
    fresh = verdicts(client, {**reader, "Cache-Control": "no-cache"}).json()
    assert [v["claim_id"] for v in fresh["verdicts"]] == [first.id, second.id]
    assert [v["claim_id"] for v in verdicts(client, reader).json()["verdicts"]] == [first.id, second.id]

    before = listener.current()
    committed(postgres_engine, "UPDATE verdict SET state = state WHERE false")  # another process's commit
    assert wait_for(lambda: listener.current() != before)
    article.title = "Renamed"
    db.flush()
    assert verdicts(client, reader).json()["article"]["title"] == "Renamed"


@postgresql_only
def test_without_a_listener_every_request_reads(postgres_engine, listening_app, client, db, reader,
                                                 publish):
    listening_app.state.change_listener.stop()
    _, (first, second, _) = article_with_claims(EMOJI_TEXT)
    publish(first)
    assert len(verdicts(client, reader).json()["verdicts"]) == 1
    publish(second)
    assert len(verdicts(client, reader).json()["verdicts"]) == 2


@postgresql_only
def test_a_listener_that_never_hears_its_own_heartbeat_never_vouches(postgres_engine, monkeypatch):
    # As behind a transaction-pooling proxy: LISTEN answers, notifications never arrive.
    def lost_probe(self, connection):  # type: ignore[no-untyped-def]
        connection.execute("SELECT pg_notify('factcheck_nobody_listens', '')")
        return self.clock()

    monkeypatch.setattr(ChangeListener, "_probe", lost_probe)
    listener = ChangeListener.for_engine(postgres_engine, heartbeat=0.2)
    listener.start()
    try:
        assert not listener.wait_until_listening(timeout=1.5)
        committed(postgres_engine, "UPDATE rating SET label = label WHERE false")
        assert listener.current() is None
    finally:
        listener.stop()
