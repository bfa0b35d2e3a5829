"""Issue 9, observations 1-5: each reproduced against real processes, each now answered.

A repeat request, a store locked past its busy timeout, a prompt restart after a crashed
create, a settling resend that meets 429s, 5xxs or a refusal, and a SIGKILL around a Request
click: every one ends with one Motive recall and one answer in the right thread.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.ids import ActionId
from bot.sandbox.motive import MotiveSandbox
from bot.store import Delivery, RecallState, Store
from tests.app_world import app_world
from tests.conftest import arm
from tests.processes import Recallbot
from tests.slack_world import slack_world, wait_for

PHRASE = "truck 42 yesterday 3pm 2 min front"


# -- 1. a repeat request after the dedup window ------------------------------------------------


def test_a_repeat_request_after_the_dedup_window_adopts_motives_recall(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    bot.env["RECALLBOT_DEDUP_WINDOW"] = "0"
    bot.run("request", "--detach", PHRASE)
    bot.run("track", "--until-done")
    again = bot.run("request", "--detach", PHRASE)
    assert "requested: recall" in again.stdout
    bot.run("track", "--until-done")  # exits 0: no IntegrityError, nothing left submitting
    assert fast_sandbox.creates() == 1, "Motive's duplicate answer was adopted, not retried"
    store = Store(bot.db, read_only=True)
    first, second = sorted(store.recalls.recent(10), key=lambda r: r.created_at)
    store.close()
    assert first.motive_id == second.motive_id
    assert {first.delivery, second.delivery} == {Delivery.DELIVERED}
    assert second.state is RecallState.SUCCESS
    assert bot.deliveries() == 2, "the repeat got its own answer"


def test_a_repeat_request_in_slack_is_answered_in_its_own_thread_and_the_tracker_lives_on(
    tmp_path: Path,
) -> None:
    with slack_world(tmp_path, dedup_window_s=0) as world:
        for _ in range(2):
            preview, payload = world.preview(PHRASE)
            said = world.press(preview, ActionId.SUBMIT, payload)
            assert "Requested" in said["text"]
            wait_for(lambda: all(r.delivery == "delivered"
                                 for r in world.app.runtime.store.recalls.recent(10)))  # fmt: skip
        preview, payload = world.preview("truck 1207 yesterday 4pm")
        world.press(preview, ActionId.SUBMIT, payload)
        wait_for(lambda: len([m for m in world.answered() if not m.files]) == 3)
        statuses = [m for m in world.slack.posted("C0SAFETY") if m.thread_ts is None]
        assert len(statuses) == 3
        for status in statuses:
            replies = [
                m
                for m in world.slack.thread("C0SAFETY", status.ts)
                if m.ts != status.ts and not m.files
            ]  # the footage follows the answer
            assert len(replies) == 1, "one answer in each thread"
        assert world.motive.creates() == 2
        assert world.app.tracker.alive


# -- 2. a store locked past its busy timeout ---------------------------------------------------


def _hold_write_lock(db: Path, seconds: float) -> threading.Thread:
    """Another process's write lock (a backup, a sqlite3 shell) held for ``seconds``."""
    started = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        started.set()
        threading.Event().wait(seconds)
        other.execute("ROLLBACK")
        other.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    started.wait(5)
    return thread


def test_a_store_locked_past_its_busy_timeout_stops_nothing_for_good(tmp_path: Path) -> None:
    env = {"RECALLBOT_DB_BUSY_TIMEOUT": "0.2"}
    with app_world(tmp_path, env) as world:
        preview, payload = world.preview(PHRASE)
        assert "Requested" in world.press(preview, ActionId.SUBMIT, payload)["text"]
        holder = _hold_write_lock(world.db, 3.0)  # Motive finishes the recall meanwhile
        health = wait_for(lambda: _ready(world.app.url, 503), 5)
        assert "locked" in (health["store"]["problem"] or "")
        assert httpx.get(f"{world.app.url}/healthz", timeout=2).status_code == 200, "alive"
        holder.join()
        wait_for(lambda: _ready(world.app.url, 200), 10)
        (recall,) = world.settled()
        assert recall.state is RecallState.SUCCESS
        assert "database is locked" in world.app.log_path.read_text(), "it did meet the lock"
        preview, payload = world.preview("truck 1207 yesterday 4pm")
        world.press(preview, ActionId.SUBMIT, payload)
        assert len(world.settled()) == 2, "a later recall is answered too"


def _ready(url: str, status: int) -> dict[str, Any] | None:
    try:
        answer = httpx.get(f"{url}/readyz", timeout=2)
    except httpx.TransportError:
        return None
    return dict(answer.json()) if answer.status_code == status else None


# -- 3. a prompt restart after a crashed create -------------------------------------------------


def test_a_row_left_submitting_is_settled_by_a_tracker_started_at_once(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    bot.env["RECALLBOT_SUBMIT_GRACE"] = "1"  # the orphan is younger than this at the restart
    bot.killed_at("after_accept", "request", "--detach", PHRASE)
    bot.run("track", "--until-done")
    assert bot.recall().state is RecallState.SUCCESS
    assert bot.recall().delivery is Delivery.DELIVERED
    assert fast_sandbox.creates() == 1


# -- 4. a settling resend that settles nothing -------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "rate_limit", "count": 30},
        {"kind": "error", "status": 503, "count": 30},
        {"kind": "error", "status": 400, "count": 2, "message": "Something odd"},
    ],
    ids=["429-storm", "5xx", "a-400-not-duplicate"],
)
def test_settling_a_crashed_create_waits_for_a_definite_answer(
    fast_sandbox: MotiveSandbox, tmp_path: Path, fault: dict[str, Any]
) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    bot.killed_at("after_accept", "request", "--detach", PHRASE)
    arm(fast_sandbox, method="POST", path="/video_recall_requests", **fault)
    bot.run("track", "--until-done")
    recall = bot.recall()
    assert recall.state is RecallState.SUCCESS, recall.last_error
    assert recall.delivery is Delivery.DELIVERED
    assert fast_sandbox.creates() == 1
    store = Store(bot.db, read_only=True)
    actions = [entry.action for entry in store.audit.entries()]
    store.close()
    assert "create_deferred" in actions
    assert "refused" not in actions


# -- 5. SIGKILL around a Request click ---------------------------------------------------------


@pytest.mark.parametrize("step", ["after_row", "after_status_post", "after_status"])
def test_a_request_killed_mid_click_is_answered_once_after_a_restart(
    tmp_path: Path, step: str
) -> None:
    with app_world(tmp_path, {"RECALLBOT_SUBMIT_GRACE": "1"}) as world:
        world.restart(env={"RECALLBOT_PAUSE_AT": step})
        preview, payload = world.preview(PHRASE)
        button = preview  # pressed once; the process freezes at the step and is killed there
        world.slack.post_interaction(world.url, world.slack.action_payload(
            ActionId.SUBMIT, _value(button), payload["response_url"], user="U0DEMO",
            channel="C0SAFETY"))  # fmt: skip
        world.paused_at(step)
        world.restart()
        (recall,) = world.settled()
        assert recall.state is RecallState.SUCCESS
        assert world.motive.creates() == 1
        (status,) = world.status_messages()
        assert len(world.replies(status)) == 1, "one answer, in the status message's thread"
        again = world.press(preview, ActionId.SUBMIT, payload)
        assert "already used" in again["text"]
        assert world.motive.creates() == 1


def _value(message: dict[str, Any]) -> str:
    from bot.sandbox.slack_view import button

    found = button(message, ActionId.SUBMIT)
    assert found is not None
    return str(found["value"])
