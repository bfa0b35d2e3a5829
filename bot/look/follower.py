"""The follower: takes every capture from its row to its one answer.

Each capture has a next-check time in the store. The follower leases the due ones (two
followers, in two processes, never handle the same one at once) and moves each on: a row its
owner left 'submitting' is sent (once), one left 'sending' is ended 'unknown' (never resent),
one past its deadline ends 'expired', and the rest are polled (no faster than ``LookTiming``
allows: Motive asks for one poll per 10 s). A finished capture's answer is delivered once
(``DeliverOnce``, as for recalls): the JPEG fetched into a temporary file with the media
``Downloader`` and its deadline, then handed to the notifier.

It runs in the background (``start``: the app, ``recallbot track``) on a ``Sweeper``, which
logs a failed pass and goes on, or in the foreground (``run``: ``recallbot look``).
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import httpx

from bot.fleet import TargetKind
from bot.look import outcomes
from bot.look.notifier import LookAnswer, LookNotifier
from bot.look.service import LookService
from bot.look.timing import LookTiming
from bot.media.download import Downloader, DownloadFailed, TooLarge
from bot.motive import MotiveClient, MotiveError, MotiveNotFound, RecallStatus
from bot.plumbing import logs
from bot.plumbing.sweeper import Sweeper
from bot.plumbing.timefmt import utcnow
from bot.store import CaptureState, Store, TrackedCapture
from bot.tracking.delivering import DeliverOnce
from bot.tracking.notifier import DeliveryRefused

_log = logging.getLogger("recallbot.look")
_MAX_IMAGE_BYTES = 20 << 20  # a still is well under a megabyte; anything this big is wrong


class CaptureFollower:
    """Follows captures from the store and hands their answers to a notifier."""

    def __init__(
        self,
        service: LookService,
        notifier: LookNotifier,
        download_deadline_s: float = 300.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.service = service
        self.notifier = notifier
        self.store: Store = service.store
        self.client: MotiveClient = service.client
        self.timing: LookTiming = service.timing
        self._clock = clock
        self._http = httpx.Client(timeout=30.0, follow_redirects=True)
        self._downloader = Downloader(self._http, _MAX_IMAGE_BYTES,
                                      deadline_s=download_deadline_s)  # fmt: skip
        self._delivering = DeliverOnce(
            self.store.captures, self.timing.policy, self._answer,
            lambda capture, reason: self.notifier.undeliverable(capture, reason),
            lambda action, capture, **detail: self.store.audit.add(
                "recallbot", action, capture=capture.id, **detail),
            self.store.together,
            lambda: self._clock(), noun="capture",
        )  # fmt: skip
        self._stopping = threading.Event()
        self._wakeup = threading.Event()
        self.sweeper = Sweeper("captures", self.cycle, self.timing.idle_s, stop=self._stopping,
                               idle=self._idle_for)  # fmt: skip

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        """Follow captures in the background."""
        self.sweeper.start()

    def wake(self) -> None:
        """Look at the store now (a look was sent)."""
        self.sweeper.wake()
        self._wakeup.set()

    def request_stop(self) -> None:
        """Make ``run`` return after the pass under way (safe from a signal handler)."""
        self._stopping.set()
        self.wake()

    def health(self, stall_after_s: float) -> dict[str, object]:
        """The background loop alive, and a pass stuck longer than ``stall_after_s`` (a
        download or a Slack upload hung) named, for readiness."""
        alive = self.sweeper.alive
        return {"ok": alive, "stalled": self.sweeper.stalled(stall_after_s),
                "last_error": self.sweeper.last_error,
                "problem": None if alive else "the capture follower is not running"}  # fmt: skip

    def close(self) -> None:
        """Stop following (what is due stays due in the store) and release the HTTP pool."""
        self.request_stop()
        self.sweeper.close()
        self._http.close()

    def run(self, look_id: str | None = None, until_done: bool = False) -> None:
        """Follow in the foreground until stopped; or until every capture of ``look_id`` is
        answered; or, with ``until_done``, until nothing is in flight or owed."""
        while not self._stopping.is_set():
            try:
                self.cycle(look_id)
            except Exception:  # a locked store, a bug: said, and the next pass goes on
                _log.exception("capture pass failed")
            if self._done(look_id, until_done):
                return
            self._wakeup.wait(self._idle_for())
            self._wakeup.clear()

    def _done(self, look_id: str | None, until_done: bool) -> bool:
        if look_id is not None:
            return all(c.delivery.ended for c in self.store.captures.of_look(look_id))
        return until_done and self.store.captures.outstanding() == 0

    def _idle_for(self) -> float:
        due = self.store.captures.next_due()
        if due is None:
            return self.timing.idle_s
        return min(self.timing.idle_s, max(0.0, (due - self._clock()).total_seconds()))

    def cycle(self, look_id: str | None = None) -> bool:
        """One pass: every due capture moved on, every owed answer delivered; whether it
        found work."""
        now, lease = self._clock(), self.timing.policy.check_lease
        if look_id is None:
            due = self.store.captures.claim_due(now, 32, lease)
        else:  # only this look's: another surface's answers are not this terminal's
            due = [claimed for capture in self.store.captures.of_look(look_id)
                   for claimed in self.store.captures.claim_due(now, 1, lease, capture.id)]
        for capture in due:
            with logs.context(**capture.about()):
                self._move_on(capture)
        owed = [capture for capture in self.store.captures.undelivered(
            now - self.timing.policy.delivery_lease, now) if look_id in (None, capture.look_id)]
        for capture in owed:
            self._delivering.deliver(capture)
        return bool(due or owed)

    # -- one capture --------------------------------------------------------------------------

    def _move_on(self, capture: TrackedCapture) -> None:
        now = self._clock()
        try:
            if capture.state in (CaptureState.SUBMITTING, CaptureState.SENDING):
                _log.warning("capture %s left %s by its owner; settling it", capture.id,
                             capture.state)  # fmt: skip
                self._tell(self.service.settle(capture), now)
            elif now >= capture.deadline_at:
                words = outcomes.expired(TargetKind(capture.kind), capture.target)
                with self.store.together():
                    ended = self.store.captures.mark_ended(
                        capture.id, CaptureState.EXPIRED, outcomes.EXPIRED, words, now)
                    self.store.audit.add("recallbot", "expired", capture=capture.id)
                self._tell(ended, now)
            else:
                self._poll(capture, now)
        except Exception:  # one capture's trouble must not stop the others
            _log.exception("following capture %s failed", capture.id)

    def _poll(self, capture: TrackedCapture, now: datetime) -> None:
        sent = capture.sent_at or capture.created_at
        next_check = now + self.timing.next_check((now - sent).total_seconds())
        try:
            seen = self.client.image_capture(capture.camera_type or "", capture.request_id or "")
        except MotiveNotFound as gone:
            ended = self.store.captures.mark_ended(capture.id, CaptureState.FAILED,
                                                   outcomes.CAPTURE_FAILED, str(gone), now)
            self._tell(ended, now)
            return
        except MotiveError as failure:
            _log.warning("check of capture %s failed: %s", capture.id, failure)
            self.store.captures.record_check_failure(capture.id, str(failure), now, next_check)
            return
        failed = None
        if seen.status is RecallStatus.FAILED:
            failed = self._failure(capture, seen.failure_reason or "")
        updated = self.store.captures.record_check(capture.id, seen, now, next_check, failed)
        _log.info("capture checked: Motive says %s", seen.status.value)
        self._tell(updated, now)

    @staticmethod
    def _failure(capture: TrackedCapture, reason: str) -> tuple[str, str]:
        """A failed capture's code and sentence (an offline camera, said with what to do)."""
        kind = TargetKind(capture.kind)
        if "offline" in reason.lower():
            return outcomes.CAMERA_OFFLINE, outcomes.camera_offline(kind, capture.target,
                                                                    capture.position)
        said = reason or "Motive gave no reason"
        return outcomes.CAPTURE_FAILED, f"Motive could not take the picture: {said}"

    def _tell(self, capture: TrackedCapture, now: datetime) -> None:
        """The status, when it changed (a refusal of the surface is left to the answer)."""
        if capture.state == capture.notified_state:
            return
        try:
            self.notifier.status_changed(capture)
        except DeliveryRefused as refused:
            _log.warning("status of capture %s not shown: %s", capture.id, refused)
            return
        self.store.captures.record_status_notified(capture.id, capture.state, now)

    # -- answering ----------------------------------------------------------------------------

    def _answer(self, capture: TrackedCapture, attempt: str) -> str | None:
        """The notifier's ``deliver``, with the image in a temporary file when there is one."""
        if capture.state is not CaptureState.SUCCESS:
            return self.notifier.deliver(LookAnswer(capture), attempt)
        with tempfile.TemporaryDirectory(prefix="recallbot-look-") as scratch:
            image = Path(scratch) / f"{capture.id}.jpg"
            try:
                self._downloader.fetch(self._link(capture), image,
                                       refresh=lambda: self._fresh_link(capture))  # fmt: skip
            except (DownloadFailed, TooLarge, MotiveError) as exc:
                _log.warning("image of capture %s not fetched: %s", capture.id, exc)
                return self.notifier.deliver(LookAnswer(capture, problem=str(exc)), attempt)
            return self.notifier.deliver(LookAnswer(capture, image), attempt)

    def _link(self, capture: TrackedCapture) -> str:
        expires = capture.image_expires_at
        if capture.image_url and (expires is None or expires > self._clock()):
            return capture.image_url
        return self._fresh_link(capture)

    def _fresh_link(self, capture: TrackedCapture) -> str:
        """A new link from Motive (the last one expired)."""
        seen = self.client.image_capture(capture.camera_type or "", capture.request_id or "")
        image = seen.image
        if image is None:
            raise DownloadFailed("Motive gave no image link")
        self.store.captures.record_image(capture.id, image.url, image.expires_at)
        return image.url
