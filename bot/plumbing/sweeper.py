"""A background loop that cannot die silently: one thread running a sweep until stopped.

The sweep runs again at once while it finds work, else after ``every_s`` seconds (or what
``idle`` says: a loop that knows when its next work is due sleeps until then) or a ``wake``.
An exception is logged with its traceback and the loop goes on (``last_error`` keeps
its kind for health); each pass is entered in a ``Watch``, so a pass stuck on the network shows
in readiness while the thread itself is alive.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.plumbing.watch import Watch

_log = logging.getLogger("recallbot.loops")


@dataclass
class Sweeper:
    """Runs ``sweep`` (which says whether it found work) on its own thread."""

    name: str
    sweep: Callable[[], bool]
    every_s: float
    stop: threading.Event = field(default_factory=threading.Event)
    watch: Watch = field(default_factory=Watch)
    last_error: str | None = None
    idle: Callable[[], float] | None = None  # the wait after a pass that found nothing
    _wake: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Sweep in the background, now and then again."""
        self._thread = threading.Thread(target=self._run, name=f"recallbot-{self.name}",
                                        daemon=True)  # fmt: skip
        self._thread.start()

    def wake(self) -> None:
        """Sweep again now (there is news)."""
        self._wake.set()

    def _run(self) -> None:
        while not self.stop.is_set():
            wait = self.every_s
            try:
                with self.watch.working(f"a pass of the {self.name} loop"):
                    busy = self.sweep()
                self.last_error = None
                if not busy and self.idle is not None:
                    wait = self.idle()
            except Exception as exc:  # a locked store, a bug: say it, and look again next time
                self.last_error = type(exc).__name__
                _log.exception("%s pass failed; trying again in %.0f s", self.name, self.every_s)
                busy = False
            if not busy:
                self._wake.wait(wait)
                self._wake.clear()

    @property
    def alive(self) -> bool:
        """Whether the thread is running."""
        return self._thread is not None and self._thread.is_alive()

    def stalled(self, after_s: float) -> str | None:
        """The pass running longer than ``after_s``, in words (for readiness)."""
        return self.watch.stalled(after_s)

    def close(self) -> None:
        """Stop after the pass under way."""
        self.stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
