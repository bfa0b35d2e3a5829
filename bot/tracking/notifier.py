"""How answers reach people: the ``Notifier`` interface, and the terminal's notifier.

The tracker calls a notifier for status changes (throttled) and, exactly once per recall, for
the final answer. Slack's notifier posts in the thread that asked; the CLI's prints; a service
logs what was asked outside Slack. A notifier that knows why its surface refused says so with
``DeliveryRefused`` (the tracker then retries with back-off, or ends the answer when the refusal
is for good); anything else it raises is a surprise, logged with its traceback and retried.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, tzinfo
from typing import Protocol

from bot.describe import describe_answer
from bot.store import TrackedRecall

_log = logging.getLogger("recallbot.answers")


class DeliveryRefused(Exception):
    """The surface refused what was sent, for a reason it knows (one line, no traceback).

    ``permanent``: this destination will never take it (the channel archived or gone, the bot
    removed): the answer ends after a few tries. ``needs_admin``: nothing will get through
    until someone fixes the app's setup (a revoked token): tried again, at a long pace."""

    def __init__(self, reason: str, *, permanent: bool = False, needs_admin: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.needs_admin = needs_admin


class Lines(Protocol):
    """Where a console notifier writes (a terminal, a file, the CLI's progress line)."""

    def write(self, text: str, /) -> int:
        """Write text."""

    def flush(self) -> None:
        """Push it out."""


class Notifier(Protocol):
    """Where the tracker sends what happens to a recall."""

    def announce(self, recall: TrackedRecall) -> str | None:
        """Post the status message of a recall that has none yet (its submitter stopped before
        posting it); its id (a Slack ts), or None where there is no such thing."""

    def withdraw(self, recall: TrackedRecall, message: str) -> None:
        """Remove a status message ``announce`` posted that turned out to be a second one."""

    def status_changed(self, recall: TrackedRecall) -> None:
        """The recall moved on (pending -> processing, or to its final state)."""

    def deliver(self, recall: TrackedRecall, attempt: str) -> str | None:
        """The final answer: links, or why there are none. ``attempt`` identifies this
        delivery, so a repeat after a crash can be recognised downstream. Returns the id of
        the message holding the answer, where there is one."""

    def undeliverable(self, recall: TrackedRecall, reason: str) -> None:
        """The answer was given up (``reason``): tell the requester some other way, without
        the links (they go only to the thread that asked)."""


class ConsoleNotifier:
    """Prints to a terminal (``recallbot request`` and ``recallbot track``).

    ``time_scale`` > 1 (a sped-up sandbox) shows elapsed time in sandbox time.
    """

    def __init__(self, out: Lines, zone: tzinfo, time_scale: float = 1.0) -> None:
        self._out = out
        self._zone = zone
        self._scale = time_scale
        self._lock = threading.Lock()

    def _elapsed(self, recall: TrackedRecall) -> str:
        since = recall.submitted_at or recall.created_at
        seconds = int((datetime.now(UTC) - since).total_seconds() * self._scale)
        clock = " sandbox time" if self._scale != 1 else ""
        return f"{seconds // 60}m {seconds % 60:02d}s since requested{clock}"

    def _write(self, lines: list[str]) -> None:
        with self._lock:
            self._out.write("\n".join(lines) + "\n")
            self._out.flush()

    def announce(self, recall: TrackedRecall) -> str | None:
        """A terminal has no status message to post."""
        return None

    def withdraw(self, recall: TrackedRecall, message: str) -> None:
        """A terminal has no status message to remove."""

    def status_changed(self, recall: TrackedRecall) -> None:
        """One line per change (the final state is said by ``deliver``)."""
        if not recall.state.finished:
            self._write([f"recall {recall.id}: {recall.state} · {self._elapsed(recall)}"])

    def deliver(self, recall: TrackedRecall, attempt: str) -> str | None:
        """The answer, camera by camera."""
        lines = [
            f"recall {recall.id}: {recall.state} · {self._elapsed(recall)} (delivery {attempt})"
        ]
        self._write(lines + [f"  {line}" for line in describe_answer(recall, self._zone)])
        return None

    def undeliverable(self, recall: TrackedRecall, reason: str) -> None:
        """A terminal never refuses; said all the same, should another surface have."""
        self._write([f"recall {recall.id}: its answer could not be delivered: {reason}"])


class LogNotifier:
    """For a service (``recallbot run``): a recall asked for elsewhere (the CLI's ``request
    --detach``) is answered in the log, without its links; ``recallbot status`` shows them."""

    def announce(self, recall: TrackedRecall) -> str | None:
        """A log has no status message to post."""
        return None

    def withdraw(self, recall: TrackedRecall, message: str) -> None:
        """A log has no status message to remove."""

    def status_changed(self, recall: TrackedRecall) -> None:
        """The tracker logs each check already."""

    def deliver(self, recall: TrackedRecall, attempt: str) -> str | None:
        """One line: how it ended, and where to see the links."""
        _log.info("recall %s (asked from the %s) ended %s; `recallbot status %s` shows it",
                  recall.id, recall.origin.surface if recall.origin else "CLI", recall.state,
                  recall.id)  # fmt: skip
        return None

    def undeliverable(self, recall: TrackedRecall, reason: str) -> None:
        """One line: the answer was given up, and why."""
        _log.warning("recall %s: its answer was given up (%s); `recallbot status %s` shows it",
                     recall.id, reason, recall.id)  # fmt: skip
