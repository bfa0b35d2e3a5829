"""How a look's answer reaches people: the ``LookNotifier`` interface, the log's and the
terminal's.

The follower calls a notifier when a capture moves on and, exactly once per capture, with its
answer: the image itself (a JPEG in a temporary file, removed when ``deliver`` returns: keep a
copy if it must outlive the call) or why there is none. Slack's notifier shares the image in
the thread and edits the status message; ``DeliveryRefused`` says why a surface refused, as
for recalls.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.fleet import TargetKind
from bot.look.outcomes import named
from bot.plumbing.timefmt import utcnow
from bot.recall import CAMERA_WORDS
from bot.store import CaptureState, TrackedCapture
from bot.tracking.notifier import Lines

_log = logging.getLogger("recallbot.answers")


@dataclass(frozen=True)
class LookAnswer:
    """A finished capture's answer: ``image`` when it succeeded and the JPEG could be fetched
    (``problem`` says why not, when it could not)."""

    capture: TrackedCapture
    image: Path | None = None
    problem: str | None = None

    def words(self) -> str:
        """One line: which camera of what, and what became of it."""
        capture = self.capture
        what = f"{named(TargetKind(capture.kind), capture.target)} · " \
               f"{CAMERA_WORDS[capture.position]}"  # fmt: skip
        if capture.state is CaptureState.SUCCESS:
            when = f"{capture.finished_at:%Y-%m-%d %H:%M:%S} UTC" if capture.finished_at else ""
            if self.image is not None:
                return f"{what}: picture taken (seen {when})"
            return f"{what}: picture taken, but it could not be fetched ({self.problem})"
        return f"{what}: {capture.state}: {capture.last_error or 'no picture'}"


class LookNotifier(Protocol):
    """Where the follower sends what happens to a capture."""

    def status_changed(self, capture: TrackedCapture) -> None:
        """The capture moved on (pending -> processing, or to its end)."""

    def deliver(self, answer: LookAnswer, attempt: str) -> str | None:
        """The answer: the image, or why there is none. ``attempt`` identifies this delivery
        (a repeat after a crash can be recognised); returns the id of the message holding
        it, where there is one."""

    def undeliverable(self, capture: TrackedCapture, reason: str) -> None:
        """The answer was given up (``reason``): tell the requester some other way."""


class LogLookNotifier:
    """For a service (``recallbot run``): a capture's end in the log, the image not kept."""

    def status_changed(self, capture: TrackedCapture) -> None:
        """The follower logs each check already."""

    def deliver(self, answer: LookAnswer, attempt: str) -> str | None:
        """One line: how it ended."""
        _log.info("capture %s (look %s) answered: %s", answer.capture.id, answer.capture.look_id,
                  answer.words())  # fmt: skip
        return None

    def undeliverable(self, capture: TrackedCapture, reason: str) -> None:
        """One line: the answer was given up, and why."""
        _log.warning("capture %s: its answer was given up (%s)", capture.id, reason)


class ConsoleLookNotifier:
    """Prints to a terminal and keeps each image in ``out`` (``recallbot look``); ``saved``
    holds each capture's file."""

    def __init__(self, lines: Lines, out: Path) -> None:
        self._lines = lines
        self._out = out
        self._lock = threading.Lock()
        self.saved: dict[str, Path] = {}

    def _write(self, text: str) -> None:
        with self._lock:
            self._lines.write(text + "\n")
            self._lines.flush()

    def status_changed(self, capture: TrackedCapture) -> None:
        """One line per change (the end is said by ``deliver``)."""
        if not capture.state.finished:
            self._write(f"capture {capture.id}: {capture.state} · {utcnow():%H:%M:%S} UTC")

    def deliver(self, answer: LookAnswer, attempt: str) -> str | None:
        """The answer; the image copied into ``out`` and its path printed."""
        capture = answer.capture
        self._write(f"capture {capture.id}: {answer.words()} (delivery {attempt})")
        if answer.image is not None:
            self._out.mkdir(parents=True, exist_ok=True)
            safe = re.sub(r"[^A-Za-z0-9_-]+", "_", capture.target)
            kept = self._out / f"{safe}-{capture.position.value}-{capture.id}.jpg"
            shutil.copyfile(answer.image, kept)
            self.saved[capture.id] = kept
            self._write(f"  saved {kept}")
        return None

    def undeliverable(self, capture: TrackedCapture, reason: str) -> None:
        """A terminal never refuses; said all the same."""
        self._write(f"capture {capture.id}: its answer could not be delivered: {reason}")
