"""The tracker: polling, webhooks, both at once, expiry, and failures along the way."""

import threading
from datetime import timedelta
from pathlib import Path

from bot.sandbox.faults import Fault
from bot.sandbox.motive_rules import SandboxSettings
from bot.store import Delivery, RecallState
from bot.tracking.notifier import DeliveryRefused
from tests.conftest import eventually, fleet_time, recall_of
from tests.tracker_world import World, world


def run_for(w: World, seconds: float, step: float = 30.0) -> None:
    """Move time on in steps, letting the tracker do whatever falls due."""
    elapsed = 0.0
    while elapsed < seconds:
        w.advance(step)
        elapsed += step
        w.tracker.poll_due()


def test_a_recall_completes_by_polling_and_is_delivered_once(tmp_path: Path) -> None:
    with world(tmp_path) as w:
        recall = w.ask(recall_of(w.sandbox))
        assert recall.state is RecallState.PENDING
        run_for(w, 20 * 60)
        final = w.store.recalls.get(recall.id)
        assert final is not None
        assert final.state is RecallState.SUCCESS
        assert final.delivery is Delivery.DELIVERED
        assert [d[:2] for d in w.notifier.deliveries] == [(recall.id, "success")]
        assert (recall.id, "processing") in w.notifier.statuses
        assert final.cameras
        assert all(c.download_url for c in final.cameras)
        assert 2 <= w.gets() <= 8, "dense checks only while an answer is likely"
        actions = [e.action for e in w.store.audit.entries()]
        assert actions == ["requested", "submitted", "delivered"]


def test_checks_follow_the_schedule_not_a_fixed_interval(tmp_path: Path) -> None:
    with world(tmp_path) as w:
        recall = w.ask(recall_of(w.sandbox))
        w.tracker.poll_due()
        assert w.gets() == 0, "nothing is checked before the first check is due"
        run_for(w, 179, step=179)
        assert w.gets() == 0
        run_for(w, 2, step=2)
        assert w.gets() == 1
        run_for(w, 240, step=10)
        assert w.gets() == 1, "quiet until answers become likely at ~9 minutes"
        assert w.store.recalls.get(recall.id).next_check_at is not None  # type: ignore[union-attr]


def test_a_recall_completes_by_webhook_without_any_poll(tmp_path: Path) -> None:
    with world(tmp_path, webhooks=True) as w:
        recall = w.ask(recall_of(w.sandbox))
        w.advance(20 * 60)
        eventually(lambda: w.store.recalls.get(recall.id).state is RecallState.SUCCESS)  # type: ignore[union-attr]
        w.tracker.poll_due()
        assert [d[:2] for d in w.notifier.deliveries] == [(recall.id, "success")]
        assert w.gets() == 0, "the signed webhook carries the answer"
        eventually(lambda: w.sandbox.webhooks.deliveries[int(recall.motive_id or 0)].delivered)


def test_a_webhook_racing_the_poller_still_delivers_once(tmp_path: Path) -> None:
    for _ in range(10):
        with world(tmp_path / str(_), webhooks=True) as w:
            recall = w.ask(recall_of(w.sandbox))
            w.sandbox.clock.advance(20 * 60)  # due for polling and webhook at the same time
            pollers = [threading.Thread(target=w.tracker.poll_due) for _ in range(3)]
            for poller in pollers:
                poller.start()
            for poller in pollers:
                poller.join()
            eventually(lambda r=recall.id: w.store.recalls.get(r).state is RecallState.SUCCESS)  # type: ignore[union-attr,misc]
            w.tracker.poll_due()
            assert len(w.notifier.deliveries) == 1


def test_a_lost_webhook_is_caught_by_the_safety_net(tmp_path: Path) -> None:
    with world(tmp_path, webhooks=True) as w:
        w.sandbox.faults.arm(Fault(kind="lose_webhook"))
        recall = w.ask(recall_of(w.sandbox))
        run_for(w, 50 * 60, step=60)
        assert w.notifier.deliveries == [], "Motive retries webhooks: polling waits an hour"
        run_for(w, 15 * 60, step=60)
        assert [d[0] for d in w.notifier.deliveries] == [recall.id]
        assert w.gets() == 1


def test_when_webhooks_stop_arriving_polling_returns_to_the_full_schedule(
    tmp_path: Path,
) -> None:
    with world(tmp_path, webhooks=True) as w:
        w.sandbox.settings.webhook_secret = "not-what-recallbot-expects"  # every webhook: 403
        for hour in range(6):
            w.ask(recall_of(w.sandbox, start_time=fleet_time(w.sandbox, 1, 10 + hour)))
        assert w.tracker.schedule() is w.tracker.policy.schedule
        run_for(w, 65 * 60, step=60)
        assert len(w.notifier.deliveries) == 6, "the safety net found them all"
        assert w.tracker.schedule() is w.tracker.policy.fallback
        # audited at a bounded rate (see test_refusals), and the sandbox sends its webhooks from
        # a thread of its own, which falls behind the clock under load
        eventually(lambda: any(e.action == "webhook_refused" for e in w.store.audit.entries()),
                   timeout=30)  # fmt: skip


def test_a_recall_that_never_finishes_expires_with_a_message(tmp_path: Path) -> None:
    settings = SandboxSettings(pending_seconds=10**7, processing_seconds=10**7)
    with world(tmp_path, settings) as w:
        recall = w.ask(recall_of(w.sandbox))
        run_for(w, 25 * 3600, step=1800)
        final = w.store.recalls.get(recall.id)
        assert final is not None
        assert final.state is RecallState.EXPIRED
        assert "stopped following" in (final.last_error or "")
        assert [d[:2] for d in w.notifier.deliveries] == [(recall.id, "expired")]
        assert "expired" in [e.action for e in w.store.audit.entries()]
        assert w.gets() < 60, "a day of checks, spaced out"


def test_motive_trouble_during_a_check_is_retried_later(tmp_path: Path) -> None:
    with world(tmp_path) as w:
        recall = w.ask(recall_of(w.sandbox))
        w.sandbox.faults.arm(Fault(kind="error", status=503, count=20))
        run_for(w, 4 * 60)
        troubled = w.store.recalls.get(recall.id)
        assert troubled is not None
        assert troubled.state is RecallState.PENDING
        assert "503" in (troubled.last_error or "")
        w.sandbox.faults.clear()
        run_for(w, 20 * 60)
        assert w.store.recalls.get(recall.id).state is RecallState.SUCCESS  # type: ignore[union-attr]
        assert len(w.notifier.deliveries) == 1


def test_a_failed_delivery_is_retried_after_a_back_off_kept_in_the_store(tmp_path: Path) -> None:
    with world(tmp_path) as w:
        w.notifier.fail_next = 1
        recall = w.ask(recall_of(w.sandbox))
        run_for(w, 9 * 60, step=60)  # recall 5000001 finishes at 9 minutes; delivery fails
        waiting = w.store.recalls.must(recall.id)
        assert (waiting.delivery, waiting.delivery_tries) == (Delivery.NONE, 1)
        assert waiting.delivery_note == "RuntimeError: Slack is down"
        assert waiting.delivery_next_at == w.sandbox.clock.now() + timedelta(seconds=10)
        run_for(w, 5, step=5)
        assert w.notifier.deliveries == [], "not before its next try is due"
        run_for(w, 5, step=5)
        assert [d[0] for d in w.notifier.deliveries] == [recall.id]
        assert w.store.recalls.must(recall.id).delivery is Delivery.DELIVERED


def test_transient_refusals_are_retried_with_growing_waits_then_delivered_once(
    tmp_path: Path,
) -> None:
    with world(tmp_path) as w:
        w.notifier.refusals = [DeliveryRefused("Slack refused (internal_error): Slack failed")] * 4
        recall = w.ask(recall_of(w.sandbox))
        run_for(w, 9 * 60, step=60)
        waits = []
        while w.store.recalls.must(recall.id).delivery is not Delivery.DELIVERED:
            pending = w.store.recalls.must(recall.id)
            assert pending.delivery_next_at is not None
            waits.append((pending.delivery_next_at - w.sandbox.clock.now()).total_seconds())
            run_for(w, waits[-1], step=waits[-1])
        assert waits == [10, 20, 40, 80], "each wait twice the last"
        assert len(w.notifier.tries) == 5
        assert [d[0] for d in w.notifier.deliveries] == [recall.id]
        assert w.notifier.told == []
        actions = [e.action for e in w.store.audit.entries()]
        assert actions == ["requested", "submitted", "delivered"], "retries are not audited"


def test_an_answer_refused_for_good_ends_after_three_tries_audited_once(tmp_path: Path) -> None:
    with world(tmp_path) as w:
        reason = "Slack refused (is_archived): the channel was archived"
        w.notifier.refusals = [DeliveryRefused(reason, permanent=True)] * 10
        recall = w.ask(recall_of(w.sandbox))
        run_for(w, 30 * 60, step=10)
        ended = w.store.recalls.must(recall.id)
        assert ended.delivery is Delivery.UNDELIVERABLE
        assert (ended.delivery_tries, ended.delivery_note) == (3, reason)
        assert len(w.notifier.tries) == 3, "no try after the answer ended"
        assert w.notifier.told == [(recall.id, reason)]
        given_up = [e for e in w.store.audit.entries() if e.action == "undeliverable"]
        assert [(e.recall_id, e.detail["reason"], e.detail["tries"]) for e in given_up] == [
            (recall.id, reason, 3)
        ]
        assert w.store.recalls.outstanding() == 0


def test_a_status_message_refused_for_good_is_left_not_edited_again(tmp_path: Path) -> None:
    with world(tmp_path) as w:
        w.notifier.refuse_status = DeliveryRefused("Slack refused (is_archived)", permanent=True)
        w.ask(recall_of(w.sandbox))
        run_for(w, 20 * 60, step=5)
        assert [s for _, s in w.notifier.statuses] == ["processing", "success"]


def test_status_updates_are_throttled(tmp_path: Path) -> None:
    with world(tmp_path) as w:
        w.ask(recall_of(w.sandbox))
        run_for(w, 20 * 60, step=5)
        assert [s for _, s in w.notifier.statuses] == ["processing", "success"]


def test_the_same_request_twice_makes_one_recall_and_one_answer(tmp_path: Path) -> None:
    with world(tmp_path) as w:
        first = w.service.submit(recall_of(w.sandbox), "U1")
        second = w.service.submit(recall_of(w.sandbox), "U2")
        assert first.new
        assert not second.new
        assert second.recall.id == first.recall.id
        run_for(w, 20 * 60)
        assert w.sandbox.creates() == 1
        assert len(w.notifier.deliveries) == 1
        assert "duplicate" in [e.action for e in w.store.audit.entries()]
