"""How fast a capture is followed, and how long each of its states may last.

Motive asks camera jobs to be polled at most once per 10 s; a capture is polled every 12 s
(the margin absorbs clocks and latency) while an answer is likely, then by a tenth of its age
(a parked truck's camera may sleep for hours), never faster. Everything else (the deadline,
the submitter's grace, leases, the delivery back-off) is the recalls' ``TrackingPolicy``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from bot.tracking.schedule import CheckSchedule, TrackingPolicy

if TYPE_CHECKING:
    from bot.config import Settings

POLL_GAP_S = 12.0
CAPTURE_SCHEDULE = CheckSchedule(
    first_check_s=POLL_GAP_S, busy_from_s=POLL_GAP_S, busy_until_s=180.0, busy_gap_s=POLL_GAP_S,
    growth=0.10, max_gap_s=1800.0, processing_min_s=0.0,
)  # fmt: skip
"""No gap is under ``POLL_GAP_S`` (real seconds at time scale 1)."""


class LookTiming(BaseModel):
    """The capture schedule and the tracking policy, scaled alike."""

    model_config = ConfigDict(frozen=True)

    schedule: CheckSchedule = CAPTURE_SCHEDULE
    policy: TrackingPolicy = TrackingPolicy()
    idle_s: float = 1.0  # the follower's longest sleep (it wakes for a check due sooner)

    @property
    def send_lease(self) -> timedelta:
        """How long a sender owns a row it marked 'sending' (then it is ended 'unknown')."""
        return self.policy.submit_grace

    def next_check(self, age_s: float) -> timedelta:
        """The wait before the next poll of a capture sent ``age_s`` seconds ago."""
        return timedelta(seconds=self.schedule.next_gap(age_s))

    @classmethod
    def from_settings(cls, settings: Settings) -> LookTiming:
        """The timing the environment describes (a sped-up sandbox scales the checks; the
        idle sleep is not scaled: the follower wakes when the next check is due, and an idle
        pass 50 times a second at 600x was 2% of a core doing nothing)."""
        return cls(schedule=CAPTURE_SCHEDULE.scaled(settings.time_scale),
                   policy=TrackingPolicy.from_settings(settings))  # fmt: skip
