"""The core of a look, for every surface: check it, record it, send it once.

``look`` applies the access policy (a still from the driver-facing camera is as sensitive as
its video), finds the vehicle or asset, refuses what Motive cannot do as far as recallbot knows
it, writes a row per camera ('submitting', one transaction) and sends each. Sending is at most
once: the row is marked 'sending' just before Motive is called (only one caller can), since
Motive has no duplicate check for captures. An answer that proves the call never arrived (a
429, no connection) puts the row back to be sent later; a lost answer ends it 'unknown'.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.fleet import Fleet, Match, NoMatch, TargetKind
from bot.look import outcomes
from bot.look.timing import LookTiming
from bot.motive import (
    MotiveClient,
    MotiveCreateOutcomeUnknown,
    MotiveError,
    MotiveRateLimited,
    MotiveUnavailable,
)
from bot.plumbing.crashpoints import checkpoint
from bot.plumbing.timefmt import utcnow
from bot.policy import Gate, Refusal
from bot.recall import CameraPosition
from bot.store import CaptureState, Origin, Store, TrackedCapture

_log = logging.getLogger("recallbot.look")

LookRefusal = Refusal
"""Why a look was refused before anything was sent: ``code`` for the audit and scripts,
``message`` for the person."""


@dataclass(frozen=True)
class LookTarget:
    """A vehicle or asset as typed ("42", "truck 42", "TRL-0093")."""

    kind: TargetKind
    typed: str


@dataclass
class LookService:
    """Ask Motive for stills, durably and once, against one account."""

    client: MotiveClient
    fleet: Fleet
    store: Store
    timing: LookTiming = field(default_factory=LookTiming)
    gate: Gate | None = None  # the team's access policy (the CLI, an operator's, has none)
    clock: Callable[[], datetime] = utcnow
    wake: Callable[[], None] = lambda: None  # the follower: a look was sent

    def look(
        self,
        target: LookTarget,
        positions: Iterable[CameraPosition] = (),
        requested_by: str = "",
        origin: Origin | None = None,
    ) -> list[TrackedCapture] | LookRefusal:
        """A still from each camera ``positions`` names (road-facing when none), asked for
        now: ``record``, then ``send`` each. The captures as sent (each 'pending', or ended:
        refused, unknown), or why nothing was asked (policy, target, cameras), audited."""
        recorded = self.record(target, positions, requested_by, origin)
        if isinstance(recorded, Refusal):
            return recorded
        return [self.send(capture) for capture in recorded]

    def record(
        self,
        target: LookTarget,
        positions: Iterable[CameraPosition] = (),
        requested_by: str = "",
        origin: Origin | None = None,
    ) -> list[TrackedCapture] | LookRefusal:
        """Check a look and write its rows before Motive is called (a surface may post its
        status message in between, then ``send`` within the submit grace; after it a follower
        sends what is left). Refusals are audited."""
        wanted = tuple(dict.fromkeys(positions)) or outcomes.DEFAULT_POSITIONS
        channel = origin.channel_id if origin else None
        if self.gate is not None:
            refused = self.gate.look(requested_by, channel, wanted)
            if refused is not None:
                return refused  # the gate audited it
        found = self.fleet.resolve(target.kind, target.typed)
        refused = self._refusal(found, wanted)
        if refused is not None:
            self.store.audit.add(requested_by, "refused", reason=refused.code, look=target.typed,
                                 cameras=list(wanted), channel=channel)  # fmt: skip
            return refused
        assert isinstance(found, Match)  # noqa: S101 - _refusal said so
        now, policy = self.clock(), self.timing.policy
        with self.store.together(durable=True):  # each row's audit line with it
            rows = self.store.captures.add_submitting(
                [(found.kind.value, found.name, p) for p in wanted], requested_by, origin, now,
                now + policy.deadline, now + policy.submit_grace,
            )  # fmt: skip
            for capture in rows:
                self.store.audit.add(requested_by, "requested", capture=capture.id,
                                     look=capture.look_id, camera=capture.position.value,
                                     target=f"{capture.kind}:{capture.target}")  # fmt: skip
        checkpoint("capture_after_row")
        return rows

    def _refusal(
        self, found: Match | NoMatch, wanted: tuple[CameraPosition, ...]
    ) -> LookRefusal | None:
        """What recallbot knows Motive would refuse: an unknown target, a camera Motive takes
        no still from, or cameras the target does not have."""
        if isinstance(found, NoMatch):
            return Refusal(outcomes.UNKNOWN_TARGET, found.message())
        odd = [p for p in wanted if p not in outcomes.CAPTURE_POSITIONS]
        if odd:
            return Refusal(outcomes.NOT_CAPTURABLE, outcomes.not_capturable(odd[0]))
        missing = self.fleet.missing_cameras(found.kind, found.name)
        if set(wanted) <= missing:
            return Refusal(outcomes.NO_CAMERA,
                           outcomes.no_camera(found.kind, found.name, wanted, missing))  # fmt: skip
        return None

    def send(self, capture: TrackedCapture) -> TrackedCapture:
        """Call Motive for a row never sent, at most once: only the caller that marks it
        'sending' calls (anyone else gets the row as it stands)."""
        now = self.clock()
        if capture.state is not CaptureState.SUBMITTING:
            return capture
        if now >= capture.deadline_at:
            return self._end(capture, CaptureState.EXPIRED, outcomes.EXPIRED,
                             outcomes.expired(TargetKind(capture.kind), capture.target))
        if not self.store.captures.claim_send(capture.id, now, now + self.timing.send_lease):
            return self.store.captures.must(capture.id)
        checkpoint("capture_after_mark")
        kind = TargetKind(capture.kind)
        try:
            made = self.client.create_image_capture(
                capture.position.value,
                vehicle_number=capture.target if kind is TargetKind.VEHICLE else None,
                asset_name=capture.target if kind is TargetKind.ASSET else None,
            )
        except MotiveCreateOutcomeUnknown as lost:
            _log.warning("capture %s: %s", capture.id, lost)
            return self._unknown(capture)
        except (MotiveRateLimited, MotiveUnavailable) as unsent:  # it never reached Motive
            return self._unsent(capture, unsent)
        except MotiveError as error:
            return self._refused(capture, kind, error)
        checkpoint("capture_after_accept")
        now = self.clock()
        with self.store.together():
            sent = self.store.captures.mark_sent(capture.id, made, now,
                                                 now + self.timing.next_check(0))  # fmt: skip
            self.store.audit.add("recallbot", "submitted", capture=capture.id,
                                 motive_id=str(made.request_id))  # fmt: skip
        self.wake()
        return sent

    def _unsent(self, capture: TrackedCapture, error: MotiveError) -> TrackedCapture:
        """Motive provably never got it: 'submitting' again, sent later by a follower."""
        now = self.clock()
        later = min(now + self.timing.policy.settle_after(capture.attempts), capture.deadline_at)
        reason = error.motive_message or str(error)
        self.store.captures.unsend(capture.id, reason, now, later)
        _log.warning("capture %s did not reach Motive (%s); sending it at %s", capture.id,
                     reason, later.isoformat())  # fmt: skip
        return self.store.captures.must(capture.id)

    def _refused(
        self, capture: TrackedCapture, kind: TargetKind, error: MotiveError
    ) -> TrackedCapture:
        """Motive refused it: learned (a camera it lacks), said, ended."""
        if outcomes.lacks_camera(error):
            self.fleet.learn_missing_cameras(kind, capture.target,
                                             outcomes.lacking(error, capture.position))
        missing = self.fleet.missing_cameras(kind, capture.target)
        code, words = outcomes.refusal(error, kind, capture.target, capture.position, missing)
        return self._end(capture, CaptureState.REFUSED, code, words, status=error.status)

    def _unknown(self, capture: TrackedCapture) -> TrackedCapture:
        """Maybe sent, and Motive cannot be asked whether it took it: ended, never resent."""
        return self._end(capture, CaptureState.UNKNOWN, outcomes.SENT_UNKNOWN,
                         outcomes.sent_unknown())  # fmt: skip

    def _end(
        self, capture: TrackedCapture, state: CaptureState, code: str, words: str,
        status: int | None = None,
    ) -> TrackedCapture:
        with self.store.together():
            ended = self.store.captures.mark_ended(capture.id, state, code, words, self.clock())
            self.store.audit.add("recallbot", str(state), capture=capture.id, code=code,
                                 reason=words, status=status)  # fmt: skip
        self.wake()
        return ended

    def settle(self, capture: TrackedCapture) -> TrackedCapture:
        """A row its owner left: a 'submitting' one is sent (once); a 'sending' one was maybe
        sent, so it ends 'unknown' and is never sent again."""
        if capture.state is CaptureState.SENDING:
            return self._unknown(capture)
        return self.send(capture)
