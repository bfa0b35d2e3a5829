"""The core of a recall, for every surface (CLI, Slack): check it, then submit it.

``preview`` spends nothing: it finds the real vehicle or asset, checks that footage exists for
the whole window, reads the quota the recall would spend, and lists the Motive rules the request
breaks for this vehicle. ``submit`` creates the recall, learning from Motive's refusals.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.fleet import Fleet, Match, NoMatch, TargetKind
from bot.motive import (
    MotiveBadRequest,
    MotiveClient,
    MotiveError,
    QuotaInfo,
    RecallDetails,
    TimeWindow,
)
from bot.recall import RecallRequest, RecallType

_log = logging.getLogger("recallbot.service")

# How far around the window to look for footage, to offer the nearest stretches that have it.
_SEARCH = timedelta(hours=24)


@dataclass(frozen=True)
class FootageCheck:
    """Whether the cameras hold footage for the whole window, and if not, where nearby."""

    checked: bool
    covered: bool = False
    nearest: tuple[TimeWindow, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class QuotaCheck:
    """What the recall spends and what remains of its type's monthly minutes."""

    recall_type: RecallType
    cost_minutes: int
    remaining_minutes: float
    total_minutes: float

    @property
    def enough(self) -> bool:
        """Whether the remaining minutes cover this recall."""
        return self.remaining_minutes >= self.cost_minutes


@dataclass(frozen=True)
class Preview:
    """Everything known about a request before any quota is spent."""

    request: RecallRequest
    target: Match | NoMatch
    footage: FootageCheck = FootageCheck(checked=False)
    quota: QuotaCheck | None = None
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ready(self) -> bool:
        """Whether submitting makes sense (the target is known and nothing blocks it)."""
        return isinstance(self.target, Match) and not self.problems


def _nearest(windows: list[TimeWindow], start: datetime, end: datetime) -> tuple[TimeWindow, ...]:
    def distance(window: TimeWindow) -> float:
        if window.end_time <= start:
            return (start - window.end_time).total_seconds()
        if window.start_time >= end:
            return (window.start_time - end).total_seconds()
        return 0.0

    return tuple(sorted(windows, key=distance)[:3])


def _with_target(request: RecallRequest, match: Match) -> RecallRequest:
    """The request naming the target exactly as Motive knows it."""
    if match.kind is TargetKind.VEHICLE:
        return request.model_copy(update={"vehicle_number": match.name})
    return request.model_copy(update={"asset_name": match.name})


@dataclass
class RecallService:
    """Preview and submit recalls against one Motive account."""

    client: MotiveClient
    fleet: Fleet

    def preview(self, request: RecallRequest) -> Preview:
        """What this request would do, checked against the fleet, the footage and the quota."""
        kind = TargetKind.VEHICLE if request.vehicle_number is not None else TargetKind.ASSET
        target = self.fleet.resolve(kind, request.target)
        if isinstance(target, NoMatch):
            return Preview(request, target, problems=(target.message(),))
        request = _with_target(request, target)
        notes = (target.note,) if target.note else ()
        footage, quota_info = self._footage(request, kind)
        quota = self._quota(request, quota_info)
        problems = [*self._rules(request, kind)]
        if footage.checked and not footage.covered:
            problems.append("No footage exists for the whole window.")
        if quota is not None and not quota.enough:
            problems.append(
                f"Not enough {request.recall_type} quota: this recall needs "
                f"{quota.cost_minutes} min and {quota.remaining_minutes:g} remain this month."
            )
        return Preview(request, target, footage, quota, tuple(problems), notes)

    def submit(self, request: RecallRequest) -> RecallDetails:
        """Create the recall on Motive (spends quota; never twice, see ``MotiveClient``)."""
        try:
            return self.client.create_recall(request)
        except MotiveBadRequest as refusal:
            if request.vehicle_number and "smart dashcam" in refusal.motive_message.lower():
                self.fleet.learn_smart_dashcam(request.vehicle_number)
            raise

    def follow(
        self,
        recall: RecallDetails,
        on_update: Callable[[RecallDetails], None],
        interval_s: float,
        timeout_s: float,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> RecallDetails:
        """Poll a recall until Motive finishes it (or ``timeout_s`` passes), reporting each read.

        For one recall at a time (the CLI); the tracker follows many, durably.
        """
        deadline = monotonic() + timeout_s
        while not recall.status.finished and monotonic() < deadline:
            sleep(interval_s)
            recall = self.client.get_recall(recall.id)
            on_update(recall)
        return recall

    def _footage(
        self, request: RecallRequest, kind: TargetKind
    ) -> tuple[FootageCheck, QuotaInfo | None]:
        start, end = request.start_time, request.end_time
        try:
            if kind is TargetKind.VEHICLE:
                timelines = self.client.vehicle_timelines(
                    request.target, start - _SEARCH, end + _SEARCH
                )
            else:
                timelines = self.client.asset_timelines(
                    request.target, start - _SEARCH, end + _SEARCH
                )
        except MotiveError as exc:
            _log.warning("footage check failed: %s", exc)
            return FootageCheck(checked=False, error=exc.motive_message or str(exc)), None
        windows = timelines.available_timelines
        covered = any(window.covers(start, end) for window in windows)
        nearest = () if covered else _nearest(windows, start, end)
        return FootageCheck(True, covered, nearest), timelines.quota_info

    def _quota(self, request: RecallRequest, known: QuotaInfo | None) -> QuotaCheck | None:
        if known is None:
            try:
                known = self.client.quota().quota_info
            except MotiveError as exc:
                _log.warning("quota check failed: %s", exc)
                return None
        bucket = known.bucket(request.recall_type)
        return QuotaCheck(
            request.recall_type,
            request.duration,
            bucket.remaining_minutes,
            bucket.total_minutes,
        )

    def _rules(self, request: RecallRequest, kind: TargetKind) -> list[str]:
        """The rules this request breaks for this vehicle, as far as recallbot knows them."""
        if kind is not TargetKind.VEHICLE or request.vehicle_number is None:
            return []
        if not self.fleet.limits(request.vehicle_number).smart_dashcam:
            return []
        problems = []
        if request.recall_type is RecallType.TIMELAPSE:
            problems.append(
                f"Vehicle {request.vehicle_number} has a smart dashcam, which cannot record "
                "time-lapses. Ask for a regular 1-minute recall."
            )
        elif request.duration > 1:
            problems.append(
                f"Vehicle {request.vehicle_number} has a smart dashcam: recalls are limited to "
                "1 minute. Ask for 1 minute (or several 1-minute recalls)."
            )
        return problems
