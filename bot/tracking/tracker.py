"""The tracker: follows every unfinished recall until its answer is delivered, exactly once.

Each recall has a next-check time in the store. The tracker takes the due ones (leased, so two
trackers never check the same recall at once), checks them with bounded concurrency (the
client's rate limiter paces the calls), and reschedules them by ``CheckSchedule``. Motive's
webhook writes what it says into the same rows; either way, a finished recall is delivered by
one path: claim (recording an attempt id), deliver, record. A crash between delivering and
recording leaves a claim that goes stale and is delivered again: at worst once more, never lost.
A try that fails is tried again after a back-off kept in the store (``delivery_next_at``); a
refusal for good (the channel archived or gone) ends the answer 'undeliverable' after
``delivery_refusals`` tries, audited once, and the requester is told some other way.

Every transitional state has an owner and a deadline, and the loop settles what its owner left:
a row 'submitting' past its submitter's grace is settled with Motive, a stale delivery claim is
delivered again, a status message not showing a finished recall's state is corrected. The loop
itself never dies of an exception (a locked or full database, a bug): it logs the traceback,
backs off and goes on, and a supervisor restarts the thread should it end anyway. ``health``
says whether it is alive and when its last cycle completed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from bot.motive import MotiveClient, MotiveError, MotiveNotFound, RecallDetails, RecallStatus
from bot.plumbing import logs
from bot.plumbing.metrics import DELIVERIES
from bot.plumbing.timefmt import utcnow
from bot.store import RecallState, Store, TrackedRecall, WebhookOutcome
from bot.tracking.delivering import DeliverOnce
from bot.tracking.notifier import DeliveryRefused, Notifier
from bot.tracking.schedule import CheckSchedule, TrackingPolicy

# A cycle that fails is tried again after a pause that doubles up to this (real seconds).
_MAX_BACKOFF_S = 30.0
# Sweeps (stale event ids, status messages to correct) run at most this often (real seconds).
_SWEEP_EVERY_S = 5.0

_log = logging.getLogger("recallbot.tracker")


class Tracker:
    """Follows recalls from the store and hands their answers to a notifier."""

    def __init__(
        self,
        store: Store,
        client: MotiveClient,
        notifier: Notifier,
        policy: TrackingPolicy,
        *,
        settle: Callable[[TrackedRecall], TrackedRecall] | None = None,
        clock: Callable[[], datetime] = utcnow,
        idle_wait_s: float = 5.0,
    ) -> None:
        """``settle``: what settles a row left 'submitting' (``RecallService.settle``)."""
        self.store = store
        self.client = client
        self.notifier = notifier
        self.policy = policy
        self._settle = settle
        self._clock = clock
        self._idle_wait_s = idle_wait_s
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(policy.workers, thread_name_prefix="recallbot-check")
        # Who told us first about the latest finished recalls: True a webhook, False a poll.
        self._told_by_webhook: deque[bool] = deque(maxlen=10)
        self.last_cycle: float | None = None  # time.monotonic() when a cycle last completed
        self.failed_cycles = 0  # cycles that raised, since start (a health and metrics figure)
        self._running = 0  # how many threads are inside ``run`` (the app's, or a CLI's)
        self._failing = 0  # cycles that raised in a row (the back-off)
        self._next_sweep = 0.0
        self._delivering = DeliverOnce(
            store.recalls, policy, lambda recall, attempt: self.notifier.deliver(recall, attempt),
            lambda recall, reason: self.notifier.undeliverable(recall, reason),
            lambda action, recall, **detail: store.audit.add("recallbot", action, recall.id,
                                                             **detail),
            store.together,
            lambda: self._clock(),
        )  # fmt: skip

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        """Follow recalls in a supervised background thread."""
        self._thread = threading.Thread(
            target=self._supervised, name="recallbot-tracker", daemon=True
        )
        self._thread.start()

    def _supervised(self) -> None:
        """``run`` until stopped; should it end any other way, log it and run it again."""
        restarts = 0
        while not self._stopping.is_set():
            try:
                self.run()
            except BaseException:  # even a SystemExit raised in a cycle must not end it
                _log.exception("the tracker loop ended unexpectedly; restarting it")
            else:
                if not self._stopping.is_set():
                    _log.error("the tracker loop returned unexpectedly; restarting it")
            restarts += 1
            self._stopping.wait(min(_MAX_BACKOFF_S, 0.5 * 2 ** min(restarts, 6)))

    @property
    def alive(self) -> bool:
        """Whether the loop is running (in the background thread, or a caller's own)."""
        return self._running > 0

    def health(self, stale_after_s: float = 300.0) -> dict[str, Any]:
        """What a readiness check says of the tracker: alive, and its last completed cycle
        recent (``alive`` alone is its liveness)."""
        age = None if self.last_cycle is None else time.monotonic() - self.last_cycle
        problem = None
        if not self.alive:
            problem = "the tracker loop is not running"
        elif age is not None and age > stale_after_s:
            problem = f"no tracker cycle completed for {age:.0f} s"
        return {
            "ok": problem is None,
            "problem": problem,
            "last_cycle_age_s": None if age is None else round(age, 3),
            "failed_cycles": self.failed_cycles,
        }

    def lag_s(self) -> float:
        """How overdue the most overdue check is, in seconds (0 when none is)."""
        due = self.store.recalls.next_due()
        return 0.0 if due is None else max(0.0, (self._clock() - due).total_seconds())

    def request_stop(self) -> None:
        """Ask ``run`` to return after the checks under way (safe from a signal handler)."""
        self._stopping.set()
        self._wakeup.set()

    def stop(self) -> None:
        """Stop following (what is due stays due in the store for the next start)."""
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._pool.shutdown(wait=True)

    def wake(self) -> None:
        """Look at the store now (a webhook arrived, a recall was submitted)."""
        self._wakeup.set()

    def run(self, only: str | None = None, until_done: bool = False) -> None:
        """Check whatever is due until stopped; or until ``only`` is answered; or, with
        ``until_done``, until no recall is in flight and no answer is owed.

        A cycle that raises (the store locked past its busy timeout, a full disk, a bug) is
        logged with its traceback and tried again after a growing pause: nothing in the store
        is lost, so the next cycle takes up what this one could not."""
        self._running += 1
        try:
            self._loop(only, until_done)
        finally:
            self._running -= 1

    def _loop(self, only: str | None, until_done: bool) -> None:
        while not self._stopping.is_set():
            try:
                self.cycle(only)
                finished = self._finished(only, until_done)
                wait = self._idle_for()
                self._failing = 0
            except Exception:
                self._failing += 1
                self.failed_cycles += 1
                wait = min(_MAX_BACKOFF_S, 0.25 * 2 ** min(self._failing, 8))
                _log.exception("tracker cycle failed; trying again in %.1f s", wait)
                finished = False
            if finished:
                return
            self._wakeup.wait(wait)
            self._wakeup.clear()

    def cycle(self, only: str | None = None) -> int:
        """One pass: the sweeps when due, every due check or settlement, every owed answer."""
        if time.monotonic() >= self._next_sweep:
            self.sweep()
            self._next_sweep = time.monotonic() + _SWEEP_EVERY_S
        handled = self.poll_due(only)
        self.last_cycle = time.monotonic()
        return handled

    def _finished(self, only: str | None, until_done: bool) -> bool:
        if only is not None:
            recall = self.store.recalls.get(only)
            return recall is None or recall.delivery.ended
        return until_done and self.store.recalls.outstanding() == 0

    def _idle_for(self) -> float:
        """Real seconds until the next check is due (short enough to notice other processes)."""
        due = self.store.recalls.next_due()
        if due is None:
            return self._idle_wait_s
        return min(self._idle_wait_s, max(0.0, (due - self._clock()).total_seconds()))

    def sweep(self) -> None:
        """Forget inbound event ids too old to be redelivered, and correct status messages that
        do not show their recall's final state (an edit that failed after the answer)."""
        self.store.inbound.forget(self._clock() - timedelta(days=7))
        for recall in self.store.recalls.status_behind(self._clock() - timedelta(days=2)):
            self._maybe_notify_status(recall, self._clock())

    def poll_due(self, only: str | None = None) -> int:
        """Check every recall that is due (bounded concurrency), then deliver what is owed."""
        now = self._clock()
        due = self.store.recalls.claim_due(
            now, self.policy.workers * 8, self.policy.check_lease, only
        )
        list(self._pool.map(self._check, due))
        self.deliver_owed(only)
        return len(due)

    # -- one recall ---------------------------------------------------------------------------

    def schedule(self) -> CheckSchedule:
        """The schedule to poll by: with webhooks, the safety net, unless most recent recalls
        were found finished by polling (webhooks are not arriving) and the fallback applies."""
        fallback = self.policy.fallback
        told = self._told_by_webhook
        if fallback is not None and len(told) >= 5 and told.count(False) * 2 >= len(told):
            return fallback
        return self.policy.schedule

    def _next_check(self, recall: TrackedRecall, now: datetime, pending: bool = False) -> datetime:
        age = (now - (recall.submitted_at or recall.created_at)).total_seconds()
        later = now + timedelta(seconds=self.schedule().next_gap(age, pending))
        return min(later, recall.deadline_at)  # the deadline itself is the last check

    def _check(self, recall: TrackedRecall) -> None:
        with logs.context(**recall.about()):
            self._check_one(recall)

    def _check_one(self, recall: TrackedRecall) -> None:
        now = self._clock()
        try:
            if recall.state is RecallState.SUBMITTING:
                self._settle_row(recall, now)
                return
            if now >= recall.deadline_at:
                self._expire(recall, now)
                return
            if recall.motive_id is None:  # pragma: no cover - only submitting rows lack one
                return
            try:
                details = self.client.get_recall(recall.motive_id)
            except MotiveNotFound as gone:
                self.store.recalls.mark_ended(recall.id, RecallState.FAILED, str(gone), now)
                return
            except MotiveError as failure:
                _log.warning("check of recall %s failed: %s", recall.id, failure)
                next_check = self._next_check(recall, now)
                self.store.recalls.record_check_failure(recall.id, str(failure), now, next_check)
                return
            pending = details.status is RecallStatus.PENDING
            next_check = self._next_check(recall, now, pending)
            updated = self.store.recalls.record_check(recall.id, details, now, next_check)
            later = "" if updated.state.finished else f"; next check {next_check:%H:%M:%S}Z"
            _log.info("checked: Motive says %s%s", details.status.value, later)
            if updated.state.finished and self.policy.fallback is not None:
                self._told_by_webhook.append(False)
                if self.schedule() is self.policy.fallback:
                    _log.warning("recalls are finishing without webhooks; polling by schedule")
            self._maybe_notify_status(updated, now)
        except Exception:  # one recall's trouble must not stop the others
            _log.exception("checking recall %s failed", recall.id)

    def _settle_row(self, recall: TrackedRecall, now: datetime) -> None:
        """A row its submitter did not settle in time: make sure its thread exists (the
        status message may never have been posted), then settle it with Motive."""
        if self._settle is None:
            return
        _log.warning("settling recall %s, left 'submitting' (%d tries so far)",
                     recall.id, recall.attempts)  # fmt: skip
        origin = recall.origin
        if origin is not None and origin.surface == "slack" and origin.status_ts is None:
            # Motive is only asked once the status message is recorded: it was never asked.
            if now >= recall.deadline_at:
                reason = "recallbot could not post its status message in time; Motive was not asked"
                self.store.recalls.mark_ended(recall.id, RecallState.EXPIRED, reason, now)
                return
            status_ts = self.notifier.announce(recall)
            if status_ts is not None:
                recall, ours = self.store.recalls.set_status_message(recall.id, status_ts)
                if not ours:  # its submitter recorded one meanwhile
                    self.notifier.withdraw(recall, status_ts)
        settled = self._settle(recall)
        if settled.state is not RecallState.SUBMITTING:
            self._maybe_notify_status(settled, now)

    def _expire(self, recall: TrackedRecall, now: datetime) -> None:
        reason = (
            f"Motive had not finished recall {recall.motive_id} after "
            f"{self.policy.deadline}; recallbot stopped following it."
        )
        with self.store.together():
            self.store.recalls.mark_ended(recall.id, RecallState.EXPIRED, reason, now)
            self.store.audit.add("recallbot", "expired", recall.id, motive_id=recall.motive_id)

    def _maybe_notify_status(self, recall: TrackedRecall, now: datetime) -> None:
        """Tell the requester the recall moved on, at most once per throttle period (a final
        state is never held back: the status message must not stay "requesting")."""
        if recall.state == recall.notified_state:
            return
        last = recall.notified_at
        throttled = last is not None and now - last < self.policy.status_throttle
        if throttled and not recall.state.finished:
            return  # the next check will tell it, if it is still news
        try:
            self.notifier.status_changed(recall)
        except DeliveryRefused as refused:
            if not refused.permanent:
                _log.warning("status update for recall %s failed: %s", recall.id, refused)
                return  # the next check or sweep tries again
            _log.warning("status message of recall %s left as it is: %s", recall.id, refused)
        except Exception:
            _log.exception("status update for recall %s failed", recall.id)
            return
        self.store.recalls.record_status_notified(recall.id, recall.state, now)

    # -- delivering ---------------------------------------------------------------------------

    def deliver_owed(self, only: str | None = None) -> None:
        """Deliver every finished recall whose answer is still owed."""
        now = self._clock()
        for recall in self.store.recalls.undelivered(now - self.policy.delivery_lease, now):
            if only is None or recall.id == only:
                self._deliver(recall)

    def _deliver(self, recall: TrackedRecall) -> None:
        """Claim, deliver, record: exactly once, or at worst once more after a crash."""
        delivered = self._delivering.deliver(recall)
        if delivered is not None:
            DELIVERIES.labels(delivered.state.value).inc()
            self._maybe_notify_status(delivered, self._clock())

    # -- webhooks -----------------------------------------------------------------------------

    def accept_webhook(self, details: RecallDetails) -> WebhookOutcome:
        """Record what a verified webhook says (once per recall and status) and wake up."""
        outcome = self.store.recalls.apply_webhook(details, self._clock())
        _log.info("webhook: Motive says %s (%s)", details.status.value, outcome,
                  extra={"motive_id": details.id})  # fmt: skip
        if outcome == "accepted":
            if details.status.finished:
                self._told_by_webhook.append(True)
            self.wake()
        return outcome
