"""The core of a recall, for every surface (CLI, Slack): check it, then submit it.

``preview`` spends nothing: it finds the real vehicle or asset, checks that footage exists for
the whole window, reads the quota the recall would spend, lists the Motive rules the request
breaks for this vehicle, and says where the vehicle was when the window opened (``bot.places``).
``submit`` creates the recall, learning from Motive's refusals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.fleet import DASHCAM_POSITIONS, Fleet, Match, NoMatch, TargetKind
from bot.motive import (
    MotiveAuthError,
    MotiveBadRequest,
    MotiveClient,
    MotiveDuplicate,
    MotiveError,
    MotiveRateLimited,
    MotiveUnavailable,
    QuotaInfo,
    RecallDetails,
    TimeWindow,
)
from bot.places import Places
from bot.plumbing.crashpoints import checkpoint
from bot.plumbing.timefmt import utcnow
from bot.recall import CAMERA_ORDER, CAMERA_WORDS, RecallRequest, RecallType
from bot.store import Origin, RecallState, Store, TrackedRecall
from bot.tracking.schedule import TrackingPolicy

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
    partial: bool = False  # some of the window has footage, not all of it

    @property
    def words(self) -> str:
        """What was found, plainly (for the preview)."""
        if not self.checked:
            return f"could not be checked ({self.error})" if self.error else "not checked"
        if self.covered:
            return "available for the whole window"
        return "only for part of this window" if self.partial else "none for this window"


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
    duplicate: TrackedRecall | None = None  # the same footage, already requested
    where: str | None = None
    """Where the vehicle was at the window's start, and whether it stood parked with the engine
    off for all of it (``WindowPlace.words``); None when the history does not say."""

    @property
    def spends(self) -> bool:
        """Whether Request would spend quota (nothing blocks it, and it is not a repeat)."""
        return self.ready and self.duplicate is None

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


@dataclass
class RecallService:
    """Preview and submit recalls against one Motive account, durably."""

    client: MotiveClient
    fleet: Fleet
    store: Store
    policy: TrackingPolicy = field(default_factory=TrackingPolicy)
    clock: Callable[[], datetime] = utcnow
    places: Places | None = None  # where a vehicle was (None: the preview does not say)

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
            problems.append(
                "There is footage for only part of this window: ask for a window inside one of "
                "the stretches that have it."
                if footage.partial
                else "There is no footage for this window (the camera was off or not recording)."
            )
        if quota is not None and not quota.enough:
            problems.append(
                f"Not enough {request.recall_type} quota: this recall needs "
                f"{quota.cost_minutes} min and {quota.remaining_minutes:g} remain this month."
            )
        since = self.clock() - self.policy.dedup_window
        duplicate = self.store.recalls.duplicate_of(request, since)
        where = self._where(request) if kind is TargetKind.VEHICLE else None
        return Preview(request, target, footage, quota, tuple(problems), notes, duplicate, where)

    def _where(self, request: RecallRequest) -> str | None:
        """The preview's line on where the vehicle was: a failure to read the history is
        logged and leaves the line out (the preview never fails for it)."""
        if self.places is None:
            return None
        try:
            found = self.places.at_window(request.target, request.start_time, request.end_time)
        except Exception:  # a Motive refusal or a shape recallbot did not expect: no line
            _log.warning("where %s was is unknown: history unreadable", request.target,
                         exc_info=True)  # fmt: skip
            return None
        return None if isinstance(found, NoMatch) else found.words()

    def submit(
        self, request: RecallRequest, requested_by: str, origin: Origin | None = None
    ) -> Submission:
        """Create the recall on Motive, durably and once (``record``, then ``create``)."""
        submission = self.record(request, requested_by, origin)
        if not submission.new:
            return submission
        return Submission(self.create(submission.recall, requested_by), new=True)

    def record(
        self,
        request: RecallRequest,
        requested_by: str,
        origin: Origin | None = None,
        draft_id: str | None = None,
    ) -> Submission:
        """Write the recall's row before Motive is called (using up ``draft_id``, the preview
        being requested, in the same transaction), or find the recall it duplicates.

        A request for footage already in flight or delivered recently gets that recall back
        instead of spending quota again. The caller should ``create`` a new one within
        ``submit_grace``; after that, a tracker settles it (a crash in between loses nothing).
        Raises ``DraftUsed`` when the preview was used already.
        """
        return self.record_many([request], requested_by, origin, draft_id)[0]

    def record_many(
        self,
        requests: list[RecallRequest],
        requested_by: str,
        origin: Origin | None = None,
        draft_id: str | None = None,
    ) -> list[Submission]:
        """``record`` for several targets asked for together: their rows in one transaction
        (each checked for a duplicate on its own), in the order given."""
        now = self.clock()
        policy = self.policy
        with self.store.together(durable=True):  # each row's audit line with it
            recorded = self.store.recalls.add_submitting_many(
                requests, requested_by, origin, now, now + policy.deadline,
                now - policy.dedup_window, now + policy.submit_grace, draft_id,
            )  # fmt: skip
            for recall, new in recorded:
                if new:
                    self.store.audit.add(requested_by, "requested", recall.id,
                                         request=recall.request.model_dump(mode="json"))
                else:
                    self.store.audit.add(requested_by, "duplicate", recall.id,
                                         fingerprint=recall.fingerprint)  # fmt: skip
        if any(new for _, new in recorded):
            checkpoint("after_row")
        return [Submission(recall, new) for recall, new in recorded]

    def create(self, recall: TrackedRecall, actor: str) -> TrackedRecall:
        """Ask Motive for a recorded recall.

        Motive's refusal is recorded, audited and raised. An answer that settles nothing (a
        429 storm, a 5xx, a create whose answer was lost) leaves the row 'submitting' and due
        again later, for a tracker to settle: the returned recall is then still submitting.
        """
        return self._create(recall, actor, settling=False)

    def settle(self, recall: TrackedRecall) -> TrackedRecall:
        """Settle a row still 'submitting' past its owner's deadline (a crash, a restart, or
        an answer that settled nothing): ask Motive by creating it again; a duplicate answer
        means the first create arrived, and names it. Never creates it twice. Only a definite
        answer settles it; anything else is asked again later, until the recall's deadline."""
        now = self.clock()
        if now >= recall.deadline_at:
            reason = (
                "recallbot could not confirm with Motive whether this request arrived before "
                "its deadline; check Motive's dashboard before asking again"
            )
            with self.store.together():
                self.store.recalls.mark_ended(recall.id, RecallState.UNKNOWN, reason, now)
                self.store.audit.add("recallbot", "unknown", recall.id, reason=reason)
            return self.store.recalls.must(recall.id)
        try:
            return self._create(recall, "recallbot", settling=True)
        except MotiveError as exc:  # recorded as the recall's ending; the tracker delivers it
            _log.warning("settling %s ended it: %s", recall.id, exc)
            return self.store.recalls.must(recall.id)

    def _create(self, recall: TrackedRecall, actor: str, settling: bool) -> TrackedRecall:
        request = recall.request
        try:
            details, adopted = self._ask(request)
        except MotiveDuplicate as duplicate:  # Motive has it but did not say which recall
            self._end(recall, RecallState.UNKNOWN, duplicate, actor)
            raise
        except MotiveError as error:
            if self._settles_nothing(error, settling, recall.attempts):
                return self._defer(recall, error, actor)
            said = self._learned(request, error)
            self._end(recall, RecallState.UNKNOWN if settling else RecallState.REFUSED, said,
                      actor)  # fmt: skip
            if said is error:
                raise
            raise said from error
        checkpoint("after_accept")
        now = self.clock()
        first_check = now + timedelta(seconds=self.policy.schedule.next_gap(0))
        with self.store.together():
            submitted = self.store.recalls.mark_submitted(recall.id, details, now, first_check)
            action = "adopted" if adopted else "submitted"
            self.store.audit.add(actor, action, recall.id, motive_id=details.id)
        return submitted

    def _learned(self, request: RecallRequest, error: MotiveError) -> MotiveError:
        """A refusal that tells something of the target (it has a smart dashcam; it has none
        of the cameras asked for) is learned (later previews say it before anything is sent)
        and told the same friendly way from the first time on."""
        kind = TargetKind.VEHICLE if request.vehicle_number is not None else TargetKind.ASSET
        said = error.motive_message.lower()
        if request.vehicle_number and "smart dashcam" in said:
            self.fleet.learn_smart_dashcam(request.vehicle_number)
        elif "camera" in said and "installed" in said:
            self.fleet.learn_missing_cameras(kind, request.target,
                                             request.camera_positions or CAMERA_ORDER)  # fmt: skip
        else:
            return error
        rules = self._rules(request, kind)
        if not rules:
            return error
        return MotiveBadRequest(rules[0], status=error.status, motive_message=rules[0])

    def _ask(self, request: RecallRequest) -> tuple[RecallDetails, bool]:
        """Motive's recall for this request, and whether it existed already: a duplicate
        answer naming an id (a crashed create that arrived, or a repeat request Motive still
        holds) is adopted, so its answer, with fresh links, goes to this request too."""
        try:
            return self.client.create_recall(request), False
        except MotiveDuplicate as duplicate:
            if duplicate.existing_id is None:
                raise
            return self.client.get_recall(duplicate.existing_id), True

    def _settles_nothing(self, error: MotiveError, settling: bool, tries: int) -> bool:
        """Whether Motive's answer leaves the create's fate open, to be asked again later.

        A 429 or 5xx, or a lost answer, always does. When settling after an interruption, so
        does anything but a definite answer, up to ``settle_refusals`` refusals: the first
        create may have arrived, and a refusal of the resend does not say whether it did."""
        if isinstance(error, MotiveRateLimited | MotiveUnavailable):
            return True
        if not settling:
            return False
        if isinstance(error, MotiveAuthError):  # a key being rotated: not the recall's fault
            return True
        return tries + 1 < self.policy.settle_refusals

    def _defer(self, recall: TrackedRecall, error: MotiveError, actor: str) -> TrackedRecall:
        """Leave the row 'submitting', due again after a back-off (never past its deadline)."""
        now = self.clock()
        later = min(now + self.policy.settle_after(recall.attempts), recall.deadline_at)
        reason = error.motive_message or str(error)
        with self.store.together():
            if not self.store.recalls.record_check_failure(recall.id, reason, now, later):
                return self.store.recalls.must(recall.id)  # settled meanwhile (a webhook)
            self.store.audit.add(
                actor, "create_deferred", recall.id, status=error.status, reason=reason
            )
        _log.warning("recall %s: Motive's answer settled nothing (%s); asking again at %s",
                     recall.id, reason, later.isoformat())  # fmt: skip
        return self.store.recalls.must(recall.id)

    def _end(
        self, recall: TrackedRecall, state: RecallState, error: MotiveError, actor: str
    ) -> None:
        reason = error.motive_message or str(error)
        if state is RecallState.UNKNOWN and not isinstance(error, MotiveDuplicate):
            reason = (
                f"Motive refused to confirm this request after recallbot was interrupted "
                f"({reason}). recallbot cannot tell whether the first request reached Motive: "
                "check Motive's dashboard before asking again."
            )
        with self.store.together():
            self.store.recalls.mark_ended(recall.id, state, reason, self.clock())
            self.store.audit.add(actor, str(state), recall.id, status=error.status,
                                 reason=reason)  # fmt: skip

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
        partial = any(w.start_time < end and start < w.end_time for w in windows)
        nearest = () if covered else _nearest(windows, start, end)
        return FootageCheck(True, covered, nearest, partial=partial), timelines.quota_info

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
        """The rules this request breaks for this target, as far as recallbot knows them."""
        problems = self._cameras(request, kind)
        if kind is not TargetKind.VEHICLE or request.vehicle_number is None:
            return problems
        if not self.fleet.limits(request.vehicle_number).smart_dashcam:
            return problems
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

    def _cameras(self, request: RecallRequest, kind: TargetKind) -> list[str]:
        """Refused when the target has none of the cameras asked for (an asset never has a
        dashcam; other gaps are learned from Motive's refusals): Motive would refuse it too."""
        missing = self.fleet.missing_cameras(kind, request.target)
        asked = set(request.camera_positions or CAMERA_ORDER)
        if not asked <= missing:
            return []
        what = f"{kind.capitalize()} {request.target}"
        left = [CAMERA_WORDS[p] for p in CAMERA_ORDER if p not in missing]
        if not left:
            return [f"{what} has no camera Motive can recall footage from."]
        named = ", ".join(CAMERA_WORDS[p] for p in CAMERA_ORDER if p in asked)
        why = ("an asset carries only an Omnicam" if asked <= DASHCAM_POSITIONS and
               kind is TargetKind.ASSET else "Motive said so")  # fmt: skip
        return [f"{what} has no {named} camera ({why}): nothing would be recorded. Ask for "
                f"{', '.join(left)}, or every camera."]  # fmt: skip
