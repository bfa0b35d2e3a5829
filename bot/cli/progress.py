"""Live progress for ``request`` and ``track``: where recalls stand while nothing else happens.

On a terminal one status line is rewritten every second (state, time since requested, when
the next check is due); elsewhere (a pipe, a log) a plain line is written only when something
changed, so the output stays readable as a file. It reads the store, the one truth, from its
own thread, and clears its line before anyone else writes.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TextIO

from bot.plumbing.closing import ClosedOnExit
from bot.store import TrackedRecall

_log = logging.getLogger("recallbot.cli")


def _seconds(value: float) -> str:
    whole = max(0, int(value))
    return f"{whole // 60}m {whole % 60:02d}s" if whole >= 60 else f"{whole}s"


def describe(recalls: Sequence[TrackedRecall], now: datetime, scale: float) -> str:
    """One line for the recalls still in flight (empty when there are none)."""
    flying = [r for r in recalls if not r.state.finished]
    if not flying:
        return ""
    due = [r.next_check_at for r in flying if r.next_check_at is not None]
    later = f" · next check in {_seconds((min(due) - now).total_seconds() / scale)}" if due else ""
    if len(flying) == 1:
        (recall,) = flying
        since = (now - (recall.submitted_at or recall.created_at)).total_seconds()
        return f"recall {recall.id}: {recall.state} · {_seconds(since * scale)} since requested" \
               f"{' (sandbox time)' if scale != 1 else ''}{later}"  # fmt: skip
    states = Counter(str(r.state) for r in flying)
    counted = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
    return f"{len(flying)} recalls in flight ({counted}){later}"


class Progress(ClosedOnExit):
    """A status line kept up to date from ``read`` until closed."""

    def __init__(
        self,
        out: TextIO,
        read: Callable[[], Sequence[TrackedRecall]],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        scale: float = 1.0,
        every_s: float = 1.0,
    ) -> None:
        self._out = out
        self._read = read
        self._clock = clock
        self._scale = scale
        self._every = every_s
        self._live = out.isatty()
        self._last: tuple[object, ...] = ()
        self._shown = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="recallbot-progress", daemon=True)

    def start(self) -> Progress:
        """Begin updating."""
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self._show(self._read())
            except Exception:  # a locked store: the line shows nothing new this second
                _log.debug("progress line not updated", exc_info=True)

    def _show(self, recalls: Sequence[TrackedRecall]) -> None:
        line = describe(recalls, self._clock(), self._scale)
        with self._lock:
            if self._live:
                self._out.write(f"\r\x1b[K{line}")
                self._shown = bool(line)
            else:  # a line per check: when a state or the next check changed
                seen = tuple((r.id, r.state, r.next_check_at) for r in recalls)
                if line and seen != self._last:
                    self._out.write(line + "\n")
                self._last = seen
            self._out.flush()

    def clear(self) -> None:
        """Remove the live line (before other output, and at the end)."""
        with self._lock:
            if self._live and self._shown:
                self._out.write("\r\x1b[K")
                self._out.flush()
                self._shown = False

    def write(self, text: str) -> int:
        """Write other output (the notifier's) below a cleared line: Progress is its stream."""
        self.clear()
        with self._lock:
            written = self._out.write(text)
            self._out.flush()
        return written

    def flush(self) -> None:
        """Everything is flushed as it is written."""

    def close(self) -> None:
        """Stop updating and leave the terminal clean (piped, say where things stand once more
        if that changed since the last line)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)
        if not self._live and self._thread.ident is not None:
            try:
                self._show(self._read())
            except Exception:  # the same as a missed second: nothing new to say
                _log.debug("last progress line not written", exc_info=True)
        self.clear()
