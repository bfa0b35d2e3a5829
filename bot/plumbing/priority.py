"""Request clicks before previews: the previews' pool holds back while a click is being served.

Python threads share one interpreter lock and the app is CPU-bound in a burst of ``/recall``:
a Request click's store writes, Motive call and status message each give the lock up and wait
in line behind every preview thread to get it back, so under a burst a click took ~10x its time
at rest (bench/ack.py). Threads have no priorities, so the previews' pool waits instead: before
each preview it starts, while any click is under way (at most ``max_wait_s``, so a stream of
clicks cannot starve previews). Previews already running finish as they are.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from bot.plumbing.background import Background, Job, OnError


class Priority:
    """How many urgent jobs are under way, and a wait for there to be none."""

    def __init__(self) -> None:
        self._busy = 0
        self._idle = threading.Condition()

    @contextmanager
    def urgent(self) -> Iterator[None]:
        """Mark an urgent job under way for the block."""
        with self._idle:
            self._busy += 1
        try:
            yield
        finally:
            with self._idle:
                self._busy -= 1
                if self._busy == 0:
                    self._idle.notify_all()

    def wait_idle(self, max_wait_s: float) -> None:
        """Return once no urgent job is under way, or after ``max_wait_s``."""
        with self._idle:
            self._idle.wait_for(lambda: self._busy == 0, timeout=max_wait_s)


class UrgentBackground(Background):
    """A pool whose jobs the ``YieldingBackground`` pools sharing its ``Priority`` wait for."""

    def __init__(self, name: str, workers: int, finish_on_close: bool, priority: Priority) -> None:
        super().__init__(name, workers, finish_on_close)
        self._priority = priority

    def _guarded(self, job: Job, on_error: OnError | None) -> None:
        with self._priority.urgent():
            super()._guarded(job, on_error)


class YieldingBackground(Background):
    """A pool that starts each job only when no urgent job is under way (or after a bound)."""

    def __init__(
        self, name: str, workers: int, finish_on_close: bool, priority: Priority,
        max_wait_s: float = 0.25,
    ) -> None:  # fmt: skip
        super().__init__(name, workers, finish_on_close)
        self._priority = priority
        self._max_wait_s = max_wait_s

    def _guarded(self, job: Job, on_error: OnError | None) -> None:
        self._priority.wait_idle(self._max_wait_s)
        super()._guarded(job, on_error)
