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
has connected, after an error, and when its heartbeat (a `SELECT 1` every second) is more than two
seconds old, `current()` answers None and every request reads, as without a listener.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import psycopg
from sqlalchemy import Engine

log = logging.getLogger(__name__)

CHANNEL = "factcheck_published"  # alembic/versions/0004_publish_notify.py
_POLL_SECONDS = 0.2  # how long a wait for notifications lasts before the thread checks for stop()


class ChangeListener:
    def __init__(self, conninfo: str, *, heartbeat: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.conninfo = conninfo
        self.heartbeat = heartbeat
        self.clock = clock
        self.generation = 0  # written by the listener's thread only
        self._vouched_until = 0.0
        self._stopping = threading.Event()
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
            # Anything may have changed while nobody listened: fingerprints read before are stale.
            self.generation += 1
            checked_at = self.clock()
            self._vouch(checked_at)
            while not self._stopping.is_set():
                for _ in connection.notifies(timeout=_POLL_SECONDS):
                    self.generation += 1
                if self.clock() - checked_at >= self.heartbeat:
                    checked_at = self.clock()  # what the heartbeat proves is as old as its start
                    connection.execute("SELECT 1")
                    self._vouch(checked_at)

    def _vouch(self, since: float) -> None:
        self._vouched_until = since + 2 * self.heartbeat


def wants_fresh_read(cache_control: str | None) -> bool:
    """`Cache-Control: no-cache` or `max-age=0` on the request: revalidate with the database."""
    if not cache_control:
        return False
    directives = {part.strip().lower() for part in cache_control.split(",")}
    return "no-cache" in directives or "max-age=0" in directives
