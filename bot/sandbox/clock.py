"""Sandbox time: the real clock, optionally sped up, plus jumps a test asks for.

A recall takes about ten minutes at Motive; at ``speed=60`` the sandbox lives a minute per real
second, so the demo shows the whole life of a recall in seconds, and tests ``advance`` it by
hours without waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class SandboxClock:
    """Sandbox "now": starts at the real now, runs ``speed`` times faster, can jump ahead."""

    def __init__(
        self,
        speed: float = 1.0,
        start: datetime | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._anchor = start or datetime.now(UTC)
        self._anchor_real = monotonic()
        self._speed = speed

    @property
    def speed(self) -> float:
        """Sandbox seconds per real second."""
        return self._speed

    def now(self) -> datetime:
        """The sandbox's current time (aware, UTC)."""
        with self._lock:
            elapsed = (self._monotonic() - self._anchor_real) * self._speed
            return self._anchor + timedelta(seconds=elapsed)

    def advance(self, seconds: float) -> datetime:
        """Jump ahead; returns the new now."""
        with self._lock:
            self._anchor += timedelta(seconds=seconds)
        return self.now()

    def set_speed(self, speed: float) -> None:
        """Change the pace from now on (what already passed stays passed)."""
        current = self.now()
        with self._lock:
            self._anchor, self._anchor_real, self._speed = current, self._monotonic(), speed

    def real_seconds(self, sandbox_seconds: float) -> float:
        """How long a stretch of sandbox time lasts in real time."""
        return sandbox_seconds / self._speed if self._speed > 0 else float("inf")
