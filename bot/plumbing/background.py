"""Work that must not hold up Slack's ack: previews, requests and refreshes run here.

Bolt answers Slack as soon as a listener calls ``ack()``, but only once one of its few listener
threads is free to run the listener at all. A listener that goes on to call Motive keeps its
thread for as long as Motive takes, so a burst of ``/recall`` would queue the next acks behind
Motive and past Slack's 3 seconds. Listeners therefore ack and hand the slow part to a
``Background`` pool. Request clicks, and audit records kept out of the ack's way, get a pool of
their own, which finishes its queue on stop; a Request click never waits behind a burst of
previews, and the ack of a phrase error never waits for the store.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from bot.plumbing.closing import ClosedOnExit

_log = logging.getLogger("recallbot.background")

Job = Callable[[], None]
OnError = Callable[[BaseException], None]


class ShuttingDown(Exception):
    """The process stopped before a queued job could run."""


class Background(ClosedOnExit):
    """A bounded pool of threads for jobs whose failures are answered, never lost silently."""

    def __init__(self, name: str, workers: int, finish_on_close: bool) -> None:
        """``finish_on_close``: run what is queued before closing (else answer it ShuttingDown)."""
        self.name = name
        self.failures = 0
        self._pending = 0
        self._finish = finish_on_close
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix=f"recallbot-{name}")
        self._lock = threading.Lock()

    def run(self, job: Job, on_error: OnError | None = None) -> None:
        """Queue ``job``; if it raises (or never runs), ``on_error`` tells the person waiting
        for it (when nobody is, the log alone has it). The job runs in a copy of the caller's
        context, so its log lines say whose request it is."""
        with self._lock:
            self._pending += 1
        context = contextvars.copy_context()
        future = self._pool.submit(context.run, self._guarded, job, on_error)
        future.add_done_callback(lambda done: self._done(done, on_error))

    def _guarded(self, job: Job, on_error: OnError | None) -> None:
        try:
            job()
        except Exception as exc:
            with self._lock:
                self.failures += 1
            _log.exception("%s job failed", self.name)
            self._answer(on_error, exc)

    @property
    def pending(self) -> int:
        """Jobs queued or running (a health figure; tests wait for 0)."""
        with self._lock:
            return self._pending

    def health(self) -> dict[str, Any]:
        """What a health check says of the pool (it cannot die: every job is guarded)."""
        return {"ok": True, "pending": self.pending, "failures": self.failures}

    def _done(self, future: Future[None], on_error: OnError | None) -> None:
        with self._lock:
            self._pending -= 1
        if future.cancelled():
            _log.warning("%s job dropped: recallbot is stopping", self.name)
            self._answer(on_error, ShuttingDown())

    def _answer(self, on_error: OnError | None, exc: BaseException) -> None:
        if on_error is None:
            return
        try:
            on_error(exc)
        except Exception:
            _log.exception("%s: telling the person about a failure failed too", self.name)

    def close(self) -> None:
        """Finish or answer every queued job, then stop the threads."""
        self._pool.shutdown(wait=True, cancel_futures=not self._finish)
