"""Cache invalidation pushed by PostgreSQL: `LISTEN factcheck_published` in each app process.

The verdicts body of an article is cached under its fingerprint (`PublishingService.
article_fingerprint`: one indexed row). Without a listener every request reads that row, and on a
loaded machine the round trip is the request's tail latency. With one, a process keeps each
article's fingerprint together with the listener's *generation*, a counter bumped by every
notification (migration 0004's triggers send one when a transaction that touched an article, a
revision, a verdict's visibility or the rating scale commits) and by every (re)connection; a
fingerprint read under the current generation is still the current fingerprint.

Freshness: PostgreSQL sends a notification when the transaction commits, so a request sees a
write committed before it arrived unless that write's notification is still on its way to the
process (measured by `bench/api.py`: well under a millisecond on an idle machine, a few on a loaded
one). A client that must see its own write at once sends `Cache-Control: no-cache` (or
`max-age=0`), which always reads. The listener vouches for nothing when it is not sure: until it
has connected, after an error, and when its heartbeat is more than two seconds old,
`current()` answers None and every request reads, as without a listener. The heartbeat (every
second) is a notification the listener sends itself on a channel of its own: PostgreSQL delivers
notifications in commit order, so its return proves that every notification committed before it
was sent has been heard (and a connection through a proxy that cannot deliver notifications never
vouches at all).
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections.abc import Callable

import psycopg
from sqlalchemy import Engine

log = logging.getLogger(__name__)

CHANNEL = "factcheck_published"  # alembic/versions/0004_publish_notify.py
_POLL_SECONDS = 0.2  # how long a wait for notifications lasts before the thread checks for stop()
_PROBE_LOST_SECONDS = 10.0  # a heartbeat not back by then: the connection is broken, reconnect
_LISTENERS = itertools.count(1)


class ChangeListener:
    def __init__(self, conninfo: str, *, heartbeat: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.conninfo = conninfo
        self.heartbeat = heartbeat
        self.clock = clock
        self.generation = 0  # written by the listener's thread only
        self._vouched_from = self._vouched_until = 0.0
        self._stopping = threading.Event()
        self.probe_channel = f"factcheck_probe_{os.getpid()}_{next(_LISTENERS)}"
        self._thread: threading.Thread | None = None

    @classmethod
    def for_engine(cls, engine: Engine, **kwargs: float) -> ChangeListener:
        url = engine.url.set(drivername="postgresql")
        return cls(url.render_as_string(hide_password=False), **kwargs)  # type: ignore[arg-type]

    def current(self) -> int | None:
        """The generation, or None when the listener cannot vouch that it has heard everything."""
        return self.generation if self.clock() < self._vouched_until else None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="factcheck-listener", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._vouched_until = 0.0
        if self._thread is not None:
            self._thread.join(timeout=_POLL_SECONDS + 10)
        self._vouched_until = 0.0

    def wait_until_listening(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while self.current() is None:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _run(self) -> None:
        retry = 0.1
        while not self._stopping.is_set():
            try:
                self._listen()
                retry = 0.1
            except psycopg.Error as error:
                self._vouched_until = 0.0
                log.warning("cache listener lost its connection (%s); every request reads meanwhile",
                            error)
                self._stopping.wait(retry)
                retry = min(retry * 2, 5.0)

    def _listen(self) -> None:
        with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            connection.execute(f"LISTEN {self.probe_channel}")
            # Anything may have changed while nobody listened: fingerprints read before are stale.
            self.generation += 1
            probe_sent = self._probe(connection)
            while not self._stopping.is_set():
                for notification in connection.notifies(timeout=_POLL_SECONDS):
                    if notification.channel != self.probe_channel:
                        self.generation += 1
                    elif probe_sent is not None:
                        # Delivered in commit order: everything committed before the probe was sent
                        # has been heard. Vouch from when it was sent.
                        self._vouch(probe_sent)
                        probe_sent = None
                now = self.clock()
                if probe_sent is None and now - self._vouched_from >= self.heartbeat:
                    probe_sent = self._probe(connection)
                elif probe_sent is not None and now - probe_sent > _PROBE_LOST_SECONDS:
                    raise psycopg.OperationalError("the heartbeat notification did not come back")

    def _probe(self, connection: psycopg.Connection) -> float:
        """The heartbeat: a notification to ourselves, which proves delivery and its order (a
        `SELECT 1` would not: behind a transaction-pooling proxy LISTEN answers but never hears)."""
        sent = self.clock()
        connection.execute("SELECT pg_notify(%s, '')", [self.probe_channel])
        return sent

    def _vouch(self, since: float) -> None:
        self._vouched_from = since
        self._vouched_until = since + 2 * self.heartbeat


def wants_fresh_read(cache_control: str | None) -> bool:
    """`Cache-Control: no-cache` or `max-age=0` on the request: revalidate with the database."""
    if not cache_control:
        return False
    directives = {part.strip().lower() for part in cache_control.split(",")}
    return "no-cache" in directives or "max-age=0" in directives
