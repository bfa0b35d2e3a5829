"""The tracker: follows every unfinished recall until its answer is delivered, exactly once.

Each recall has a next-check time in the store. The tracker takes the due ones (leased, so two
trackers never check the same recall at once), checks them with bounded concurrency (the
client's rate limiter paces the calls), and reschedules them by ``CheckSchedule``. Motive's
webhook writes what it says into the same rows; either way, a finished recall is delivered by
one path: claim (recording an attempt id), deliver, record. A crash between delivering and
recording leaves a claim that goes stale and is delivered again: at worst once more, never lost.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from bot.crashpoints import checkpoint
from bot.motive import MotiveClient, MotiveError, MotiveNotFound, RecallDetails, RecallStatus
from bot.notifier import Notifier
from bot.schedule import CheckSchedule, TrackingPolicy
from bot.store import RecallState, Store, TrackedRecall, WebhookOutcome

_log = logging.getLogger("recallbot.tracker")


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Tracker:
    """Follows recalls from the store and hands their answers to a notifier."""

    def __init__(
        self,
        store: Store,
        client: MotiveClient,
        notifier: Notifier,
        policy: TrackingPolicy,
        *,
        reconcile: Callable[[TrackedRecall], None] | None = None,
        clock: Callable[[], datetime] = _utcnow,
        idle_wait_s: float = 5.0,
    ) -> None:
        self.store = store
        self.client = client
        self.notifier = notifier
        self.policy = policy
        self._reconcile = reconcile
        self._clock = clock
        self._idle_wait_s = idle_wait_s
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(policy.workers, thread_name_prefix="recallbot-check")
        # Who told us first about the latest finished recalls: True a webhook, False a poll.
        self._told_by_webhook: deque[bool] = deque(maxlen=10)

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        """Recover, then follow recalls in a background thread."""
        self._thread = threading.Thread(target=self.run, name="recallbot-tracker", daemon=True)
        self._thread.start()

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
        """Recover, then check whatever is due until stopped; or until ``only`` is answered;
        or, with ``until_done``, until no recall is in flight and no answer is owed."""
        self.recover()
        while not self._stopping.is_set():
            self.poll_due(only)
            if self._finished(only, until_done):
                return
            self._wakeup.wait(self._idle_for())
            self._wakeup.clear()

    def _finished(self, only: str | None, until_done: bool) -> bool:
        if only is not None:
            recall = self.store.get(only)
            return recall is None or recall.delivery == "delivered"
        return until_done and self.store.outstanding() == 0

    def _idle_for(self) -> float:
        """Real seconds until the next check is due (short enough to notice other processes)."""
        due = self.store.next_due()
        if due is None:
            return self._idle_wait_s
        return min(self._idle_wait_s, max(0.0, (due - self._clock()).total_seconds()))

    def recover(self) -> None:
        """After a start or a crash: settle orphaned submissions, deliver what is owed, and
        forget inbound event ids too old to be redelivered."""
        self.store.forget_events(self._clock() - timedelta(days=7))
        if self._reconcile is not None:
            before = self._clock() - self.policy.submit_grace
            for orphan in self.store.orphaned_submissions(before):
                _log.warning("reconciling recall %s left 'submitting' by a crash", orphan.id)
                self._reconcile(orphan)
        self.deliver_owed()

    def poll_due(self, only: str | None = None) -> int:
        """Check every recall that is due (bounded concurrency), then deliver what is owed."""
        now = self._clock()
        due = self.store.claim_due(now, self.policy.workers * 8, self.policy.check_lease, only)
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
        now = self._clock()
        try:
            if now >= recall.deadline_at:
                self._expire(recall, now)
                return
            if recall.motive_id is None:  # pragma: no cover - claimed rows always have one
                return
            try:
                details = self.client.get_recall(recall.motive_id)
            except MotiveNotFound as gone:
                self.store.mark_ended(recall.id, RecallState.FAILED, str(gone), now)
                return
            except MotiveError as failure:
                _log.warning("check of recall %s failed: %s", recall.id, failure)
                next_check = self._next_check(recall, now)
                self.store.record_check_failure(recall.id, str(failure), now, next_check)
                return
            pending = details.status is RecallStatus.PENDING
            updated = self.store.record_check(
                recall.id, details, now, self._next_check(recall, now, pending)
            )
            if updated.state.finished and self.policy.fallback is not None:
                self._told_by_webhook.append(False)
                if self.schedule() is self.policy.fallback:
                    _log.warning("recalls are finishing without webhooks; polling by schedule")
            self._maybe_notify_status(updated, now)
        except Exception:  # one recall's trouble must not stop the others
            _log.exception("checking recall %s failed", recall.id)

    def _expire(self, recall: TrackedRecall, now: datetime) -> None:
        reason = (
            f"Motive had not finished recall {recall.motive_id} after "
            f"{self.policy.deadline}; recallbot stopped following it."
        )
        self.store.mark_ended(recall.id, RecallState.EXPIRED, reason, now)
        self.store.audit("recallbot", "expired", recall.id, motive_id=recall.motive_id)

    def _maybe_notify_status(self, recall: TrackedRecall, now: datetime) -> None:
        """Tell the requester the recall moved on, at most once per throttle period."""
        if recall.state.finished or recall.state == recall.notified_state:
            return
        last = recall.notified_at
        if last is not None and now - last < self.policy.status_throttle:
            return  # the next check will tell it, if it is still news
        try:
            self.notifier.status_changed(recall)
        except Exception:
            _log.exception("status update for recall %s failed", recall.id)
            return
        self.store.record_status_notified(recall.id, recall.state, now)

    # -- delivering ---------------------------------------------------------------------------

    def deliver_owed(self, only: str | None = None) -> None:
        """Deliver every finished recall whose answer is still owed."""
        stale_before = self._clock() - self.policy.delivery_lease
        for recall in self.store.undelivered(stale_before):
            if only is None or recall.id == only:
                self._deliver(recall)

    def _deliver(self, recall: TrackedRecall) -> None:
        """Claim, deliver, record: exactly once, or at worst once more after a crash."""
        now = self._clock()
        attempt = secrets.token_hex(6)
        claimed = self.store.claim_delivery(
            recall.id, attempt, now, now - self.policy.delivery_lease
        )
        if claimed is None:
            return  # someone else delivered it, or is delivering it now
        try:
            self.notifier.deliver(claimed, attempt)
        except Exception:
            _log.exception("delivering recall %s failed; it will be retried", recall.id)
            self.store.audit("recallbot", "delivery_failed", recall.id, attempt=attempt)
            return
        checkpoint("after_deliver")
        self.store.record_delivery(recall.id, attempt, self._clock())
        origin = claimed.origin.model_dump() if claimed.origin else None
        self.store.audit(
            "recallbot", "delivered", recall.id, attempt=attempt, state=claimed.state, to=origin
        )

    # -- webhooks -----------------------------------------------------------------------------

    def accept_webhook(self, details: RecallDetails) -> WebhookOutcome:
        """Record what a verified webhook says (once per recall and status) and wake up."""
        outcome = self.store.apply_webhook(details, self._clock())
        if outcome == "accepted":
            if details.status.finished:
                self._told_by_webhook.append(True)
            self.wake()
        return outcome
