"""What a background loop is working on, and since when: the readiness of work, not of threads.

A loop's thread can be alive and still stuck: a download that trickles, a Slack call that never
returns. Each piece of work is entered in a ``Watch`` while it runs; ``stalled`` names the
oldest one that has run longer than allowed, so ``/readyz`` can say which, while ``/healthz``
(liveness) keeps asking only whether the thread is there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Watch:
    """The pieces of work under way in one loop, each with the moment it began."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._under_way: dict[str, float] = {}
        self._lock = threading.Lock()

    @contextmanager
    def working(self, what: str) -> Iterator[None]:
        """Enter ``what`` for as long as the block runs."""
        with self._lock:
            self._under_way[what] = self._clock()
        try:
            yield
        finally:
            with self._lock:
                self._under_way.pop(what, None)

    def stalled(self, after_s: float) -> str | None:
        """The oldest piece of work running longer than ``after_s`` seconds, in words (None
        when everything under way is younger)."""
        now = self._clock()
        with self._lock:
            oldest = min(self._under_way.items(), key=lambda item: item[1], default=None)
        if oldest is None or now - oldest[1] <= after_s:
            return None
        return f"{oldest[0]} has made no progress for {now - oldest[1]:.0f} s"
