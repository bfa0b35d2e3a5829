"""When to look at a recall again, and the other timings of following one.

Motive takes 10 to 12 minutes with the engine on; a parked truck's gateway wakes every 2 to 12
hours. So checks are dense where an answer is likely (from ~8 minutes to ~15), then spaced by a
fraction of the recall's age, so the wait between Motive finishing and recallbot noticing stays
near a tenth of the time the recall took, at a fraction of the calls a fixed interval costs.
With webhooks, polling is only a safety net for a lost webhook and starts later and sparser.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from bot.config import Settings


class CheckSchedule(BaseModel):
    """Gaps between checks as a function of a recall's age (seconds)."""

    model_config = ConfigDict(frozen=True)

    first_check_s: float = 180.0  # an early look: refusals, and "processing" for the status
    busy_from_s: float = 540.0  # answers are likely from ~8 minutes: one found at 8 waits < 60 s
    busy_until_s: float = 900.0  # ...to 15 minutes: check every busy_gap_s
    busy_gap_s: float = 60.0
    growth: float = 0.10  # then every 10% of the age: the wait stays under 10% of the recall's
    max_gap_s: float = 7200.0  # time, stretching toward hours for a parked truck
    processing_min_s: float = 300.0
    """The least time a recall spends uploading ("processing") before it can finish. A recall
    seen still "pending" cannot finish sooner, so its next check may wait that long (0: never
    assume it; Motive's status flow is itself a guess in motive-api.md)."""

    def next_gap(self, age_s: float, pending: bool = False) -> float:
        """Seconds until the next check of a recall that is ``age_s`` seconds old.

        ``pending``: the check just made found it still waiting for the gateway, so it cannot
        finish within ``processing_min_s``; the next look is then that long away plus the usual
        tenth, which keeps the wait under a tenth of the recall's time at far fewer calls.
        """
        gap = self._gap(age_s)
        if pending and self.processing_min_s:
            earliest = self.processing_min_s
            gap = max(gap, earliest + self.growth * (age_s + earliest))
        return min(self.max_gap_s, gap)

    def _gap(self, age_s: float) -> float:
        if age_s < self.first_check_s:
            return self.first_check_s - age_s
        if age_s < self.busy_from_s:
            return self.busy_from_s - age_s
        if age_s < self.busy_until_s:
            return self.busy_gap_s
        return min(self.max_gap_s, max(self.busy_gap_s, self.growth * age_s))

    def scaled(self, scale: float) -> CheckSchedule:
        """The same schedule with every interval divided by ``scale`` (a sped-up sandbox)."""
        seconds = {k: v / scale for k, v in self.model_dump().items() if k.endswith("_s")}
        return self.model_copy(update=seconds)


# With webhooks (which Motive itself retries at ~1 min, 1 h and 6 h), polling only catches one
# lost for good: from an hour on, each gap twice the recall's age. If webhooks stop arriving
# altogether (a wrong secret, a firewall), the tracker notices and polls by the full schedule.
SAFETY_NET = CheckSchedule(
    first_check_s=3600.0, busy_from_s=3600.0, busy_until_s=3600.0, growth=2.0
)


class TrackingPolicy(BaseModel):
    """Every timing of following recalls, from settings (scaled for a sped-up sandbox)."""

    model_config = ConfigDict(frozen=True)

    schedule: CheckSchedule = CheckSchedule()
    fallback: CheckSchedule | None = None
    """With webhooks: the schedule to poll by when webhooks seem not to be arriving."""
    deadline: timedelta = timedelta(hours=24)
    dedup_window: timedelta = timedelta(hours=12)
    submit_grace: timedelta = timedelta(minutes=2)
    settle_gap: timedelta = timedelta(seconds=30)
    """The first wait before settling a create again after an answer that settled nothing
    (a 429, a 5xx, a lost answer); it doubles with each try, up to the schedule's longest gap."""
    settle_refusals: int = 3
    """How many refusals (4xx other than "duplicate") a settling resend meets before the recall
    is ended as unknown: after a crash, a refusal cannot tell whether the first create arrived."""
    delivery_lease: timedelta = timedelta(minutes=1)
    delivery_retry: timedelta = timedelta(seconds=10)
    """The wait after an answer's first failed try; it doubles with each try, up to
    ``delivery_retry_cap`` (or ``delivery_admin_cap`` while the app's setup is refused)."""
    delivery_retry_cap: timedelta = timedelta(minutes=10)
    delivery_admin_cap: timedelta = timedelta(hours=1)
    delivery_refusals: int = 3
    """Tries after which an answer refused for good (the channel archived or gone) ends
    'undeliverable': one refusal might be Slack's passing mistake, three are not."""
    check_lease: timedelta = timedelta(minutes=5)
    status_throttle: timedelta = timedelta(seconds=30)
    workers: int = 4

    def settle_after(self, tries: int) -> timedelta:
        """How long to wait before settling a create again, after ``tries`` tries."""
        gap: timedelta = self.settle_gap * (2 ** min(tries, 12))
        return min(gap, timedelta(seconds=self.schedule.max_gap_s))

    def delivery_wait(self, tries: int, needs_admin: bool) -> timedelta:
        """How long to wait before trying an answer again, after ``tries`` failed tries."""
        gap: timedelta = self.delivery_retry * (2 ** min(tries - 1, 20))
        return min(gap, self.delivery_admin_cap if needs_admin else self.delivery_retry_cap)

    @classmethod
    def from_settings(cls, settings: Settings, webhooks: bool = False) -> TrackingPolicy:
        """The policy the environment describes (``webhooks``: poll only as a safety net)."""
        scale = settings.time_scale
        schedule = SAFETY_NET if webhooks else CheckSchedule()
        return cls(
            schedule=schedule.scaled(scale),
            fallback=CheckSchedule().scaled(scale) if webhooks else None,
            deadline=timedelta(seconds=settings.track_deadline_s / scale),
            dedup_window=timedelta(seconds=settings.dedup_window_s),
            submit_grace=timedelta(seconds=settings.submit_grace_s),  # real calls: not scaled
            settle_gap=timedelta(seconds=30 / scale),
            delivery_lease=timedelta(seconds=settings.delivery_lease_s / scale),
            delivery_retry=timedelta(seconds=10 / scale),
            delivery_retry_cap=timedelta(seconds=600 / scale),
            delivery_admin_cap=timedelta(seconds=3600 / scale),
            check_lease=timedelta(seconds=300 / scale),
            status_throttle=timedelta(seconds=settings.status_throttle_s / scale),
            workers=settings.track_workers,
        )
