"""Refusals of unauthenticated traffic, audited at a bounded rate.

A forged webhook must be visible (logged, counted, audited), but the audit log is append-only:
if every forged request wrote a row, anyone who can reach the endpoint could grow the database
without limit. So each source gets at most one audit row per window (a minute), carrying how
many of its requests the previous window refused; at most ``max_sources`` sources get their
own rows in a window, the rest share one. The counts stay exact in memory.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

_log = logging.getLogger("recallbot.refusals")

Audit = Callable[..., None]
OTHERS = "(other sources)"


class RefusalLog:
    """Counts refusals per source; audits the first of each source in each window."""

    def __init__(
        self,
        audit: Audit,
        window_s: float = 60.0,
        max_sources: int = 100,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._audit = audit
        self._window_s = window_s
        self._max_sources = max_sources
        self._clock = clock
        self._lock = threading.Lock()
        self._window = -1
        self._counts: dict[str, int] = {}
        self._previous: dict[str, int] = {}
        self.total = 0  # every refusal since start (a metrics figure)

    def refused(self, source: str, action: str, **detail: Any) -> None:
        """Count one refusal from ``source``; audit it if it is the source's first this window."""
        with self._lock:
            self.total += 1
            window = int(self._clock() // self._window_s)
            if window != self._window:
                self._previous = self._counts if window == self._window + 1 else {}
                self._counts, self._window = {}, window
            if source not in self._counts and len(self._counts) >= self._max_sources:
                source = OTHERS
            first = source not in self._counts
            self._counts[source] = self._counts.get(source, 0) + 1
            before = self._previous.get(source, 0)
        if not first:
            _log.debug("%s refused again from %s (not audited again this minute)", action, source)
            return
        _log.warning("%s refused from %s: %s", action, source, detail)
        self._audit("anonymous", action, source=source, refused_last_minute=before, **detail)
