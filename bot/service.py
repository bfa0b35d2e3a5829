"""The core of a recall, for every surface (CLI, Slack): check it, then submit it.

``preview`` spends nothing: it finds the real vehicle or asset, checks that footage exists for
the whole window, reads the quota the recall would spend, and lists the Motive rules the request
breaks for this vehicle. ``submit`` creates the recall, learning from Motive's refusals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.crashpoints import checkpoint
from bot.fleet import Fleet, Match, NoMatch, TargetKind
from bot.motive import (
    MotiveClient,
    MotiveCreateOutcomeUnknown,
    MotiveDuplicate,
    MotiveError,
    QuotaInfo,
    TimeWindow,
)
from bot.recall import RecallRequest, RecallType
from bot.schedule import TrackingPolicy
from bot.store import Origin, RecallState, Store, TrackedRecall

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

    def __str__(self) -> str:
        """How the preview says it, in the terminal and in Slack alike."""
        return (
            f"spends {self.cost_minutes} of {self.remaining_minutes:g} {self.recall_type} "
            "minutes left this month"
        )


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


@dataclass(frozen=True)
class Submission:
    """A submitted recall; ``new`` is False when the caller got an existing one instead."""

    recall: TrackedRecall
    new: bool


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class RecallService:
    """Preview and submit recalls against one Motive account, durably."""

    client: MotiveClient
    fleet: Fleet
    store: Store
    policy: TrackingPolicy = field(default_factory=TrackingPolicy)
    clock: Callable[[], datetime] = _utcnow

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

    def submit(
        self, request: RecallRequest, requested_by: str, origin: Origin | None = None
    ) -> Submission:
        """Create the recall on Motive, durably and once.

        The row is written before Motive is called, so a crash in between is reconciled at the
        next start. A request for footage already in flight or delivered recently gets that
        recall back instead of spending quota again. Motive's refusals are recorded, audited
        and raised.
        """
        now = self.clock()
        recall, new = self.store.add_submitting(
            request, requested_by, origin, now, now + self.policy.deadline,
            now - self.policy.dedup_window,
        )  # fmt: skip
        if not new:
            self.store.audit(requested_by, "duplicate", recall.id, fingerprint=recall.fingerprint)
            return Submission(recall, new=False)
        self.store.audit(
            requested_by, "requested", recall.id, request=request.model_dump(mode="json")
        )
        checkpoint("after_row")
        return Submission(self._create(recall, actor=requested_by), new=True)

    def reconcile(self, orphan: TrackedRecall) -> None:
        """Settle a row a crash left 'submitting': ask Motive by creating it again (a duplicate
        answer means the first create arrived, and names it). Never creates it twice."""
        now = self.clock()
        if now >= orphan.deadline_at:
            reason = "recallbot stopped before it could ask Motive, and the request is stale"
            self.store.mark_ended(orphan.id, RecallState.EXPIRED, reason, now)
            return
        try:
            self._create(orphan, actor="recallbot")
        except MotiveError as exc:
            _log.warning("reconciling %s: %s", orphan.id, exc)

    def _create(self, recall: TrackedRecall, actor: str) -> TrackedRecall:
        request = recall.request
        try:
            details = self.client.create_recall(request)
        except MotiveDuplicate as duplicate:
            if duplicate.existing_id is None:
                self._end(recall, RecallState.UNKNOWN, duplicate, actor)
                raise
            details = self.client.get_recall(duplicate.existing_id)  # it arrived before
        except MotiveCreateOutcomeUnknown as unknown:
            self._end(recall, RecallState.UNKNOWN, unknown, actor)
            raise
        except MotiveError as refused:
            if request.vehicle_number and "smart dashcam" in refused.motive_message.lower():
                self.fleet.learn_smart_dashcam(request.vehicle_number)
            self._end(recall, RecallState.REFUSED, refused, actor)
            raise
        checkpoint("after_accept")
        now = self.clock()
        first_check = now + timedelta(seconds=self.policy.schedule.next_gap(0))
        submitted = self.store.mark_submitted(recall.id, details, now, first_check)
        self.store.audit(actor, "submitted", recall.id, motive_id=details.id)
        return submitted

    def _end(
        self, recall: TrackedRecall, state: RecallState, error: MotiveError, actor: str
    ) -> None:
        reason = error.motive_message or str(error)
        self.store.mark_ended(recall.id, state, reason, self.clock())
        self.store.audit(actor, str(state), recall.id, status=error.status, reason=reason)

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
