"""Per-token request limit: a sliding window (two fixed one-minute windows, the older one weighted).

In-process: with N app processes a token may make up to N times the limit. That bounds abuse well
enough for a newsroom's few API clients; a shared limit would need the database or a cache server.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class RateLimiter:
    def __init__(self, limit_per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit_per_minute
        self.clock = clock
        self._lock = threading.Lock()
        self._windows: dict[int, tuple[int, int, int]] = {}  # key -> (window index, current, previous)

    def hit(self, key: int) -> int | None:
        """Count one request for `key`; None if allowed, else the seconds to wait (Retry-After)."""
        now = self.clock()
        index = int(now // WINDOW_SECONDS)
        elapsed = (now % WINDOW_SECONDS) / WINDOW_SECONDS
        with self._lock:
            window, current, previous = self._windows.get(key, (index, 0, 0))
            if index == window + 1:
                window, current, previous = index, 0, current
            elif index != window:
                window, current, previous = index, 0, 0
            estimate = previous * (1 - elapsed) + current
            if estimate + 1 > self.limit:
                self._windows[key] = (window, current, previous)
                return self._retry_after(previous, current, elapsed)
            self._windows[key] = (window, current + 1, previous)
            return None

    def _retry_after(self, previous: int, current: int, elapsed: float) -> int:
        if current + 1 > self.limit or previous == 0:
            # Only the next window helps.
            return max(1, math.ceil((1 - elapsed) * WINDOW_SECONDS))
        # The older window's weight falls as time passes: when is estimate + 1 <= limit?
        needed = 1 - (self.limit - 1 - current) / previous
        return max(1, math.ceil((needed - elapsed) * WINDOW_SECONDS))
