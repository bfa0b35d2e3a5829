"""The footage an alert's button asks for: a window centred on the event.

``RECALLBOT_ALERT_WINDOW`` says how much before and after the event's start, e.g. ``1m,1m``
(the default: a 2-minute regular recall) or ``30s,90s``; the two must add up to a length Motive
records (1, 2 or 3 minutes), so a misconfiguration is refused at start-up, not at a click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.alerts.events import SafetyEvent
from bot.recall import ALLOWED_DURATIONS, CameraPosition, RecallRequest, RecallType

_PART = re.compile(r"^\s*(\d+)\s*(s|sec|m|min)?\s*$", re.IGNORECASE)


def _length(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


@dataclass(frozen=True)
class AlertWindow:
    """Seconds of footage before and after an event's start."""

    before_s: int = 60
    after_s: int = 60

    @classmethod
    def parse(cls, text: str) -> AlertWindow:
        """``"1m,1m"``, ``"30s,90s"`` or ``"60,60"`` (seconds); ``ValueError`` says how to
        write it when the text is not a window Motive can record."""
        parts = text.split(",")
        matches = [_PART.match(part) for part in parts]
        if len(parts) != 2 or not all(matches):
            raise ValueError(f"{text!r} is not a window: write before,after, e.g. 1m,1m or 30s,90s")
        before, after = (int(m[1]) * (60 if (m[2] or "s").lower().startswith("m") else 1)
                         for m in matches if m is not None)  # fmt: skip
        total = before + after
        allowed = ALLOWED_DURATIONS[RecallType.REGULAR]
        if total % 60 or total // 60 not in allowed:
            raise ValueError(
                f"{text!r} adds up to {total} s: before and after must add up to "
                f"{', '.join(str(m) for m in allowed)} minutes (a regular recall), e.g. 1m,1m"
            )
        return cls(before, after)

    def words(self) -> str:
        """ "1 min before to 1 min after" (what the buttons say they ask for)."""
        return f"{_length(self.before_s)} before to {_length(self.after_s)} after"

    @property
    def minutes(self) -> int:
        """The recall's length."""
        return (self.before_s + self.after_s) // 60

    def request(
        self, event: SafetyEvent, vehicle: str, cameras: tuple[CameraPosition, ...] | None
    ) -> RecallRequest:
        """The recall around ``event`` for ``vehicle`` (``cameras`` None: every camera)."""
        return RecallRequest(
            vehicle_number=vehicle,
            start_time=event.start_time - timedelta(seconds=self.before_s),
            duration=self.minutes,
            camera_positions=cameras,
        )
