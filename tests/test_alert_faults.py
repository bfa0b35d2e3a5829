"""Issue 20: alerts and footage under faults — the budget never overspent, Motive's
redeliveries never step back or repeat a clip, a trickling clip host stalls nothing else (an
alert's clip or a recall's footage), and Motive's own clip fails as recall footage does.

Each test runs the real app (Bolt, the webhook endpoint, the loops) between the Motive sandbox
and the Slack emulator, which inject the faults on the wire."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from bot.ids import ActionId
from bot.motive import webhook_signature
from bot.sandbox.faults import Fault, FaultKind
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack import SlackSandbox, SlackSettings
from tests.alert_world import ALERTS, alert_for, alert_messages, alert_world, raise_event
from tests.slack_world import (
    SlackWorld,
    manifest_scopes,
    running_app,
    settings_for,
    slack_world,
    wait_for,
)

NO_CLIP_YET = SandboxSettings(event_media_after_s=-1)
CLIP_AT_ONCE = SandboxSettings(event_media_after_s=0)


def _said_in_thread(world: SlackWorld, ts: str) -> list[str]:
    return [m.text for m in world.slack.thread(ALERTS, ts) if m.ts != ts and not m.files]


def _auto_minutes(world: SlackWorld) -> int:
    """Minutes Motive was asked for by recallbot's automatic requests."""
    return sum(r.minutes for r in world.motive.rules.recalls.values())


def test_events_piling_up_while_alerts_cannot_be_posted_stay_within_the_budget(
    tmp_path: Path,
) -> None:
    with alert_world(tmp_path, NO_CLIP_YET, auto_recall=frozenset({"hard_brake"}),
                     auto_budget_minutes=4) as world:  # fmt: skip
        world.app.alerting.loop.retry_s = 0.1  # type: ignore[union-attr]
        world.slack.remove_bot(ALERTS)  # the bot not yet invited to the alerts channel
        events = [raise_event(world, minutes_ago=30 + i) for i in range(6)]
        store = world.app.runtime.store
        wait_for(lambda: all((row := store.alerts.get(str(e["id"]))) and row.post_tries >= 1
                             for e in events), 30)  # fmt: skip
        assert alert_messages(world) == []
        world.slack.invite_bot(ALERTS)
        wait_for(lambda: len(alert_messages(world)) == 6, 60)
        wait_for(lambda: all((row := store.alerts.get(str(e["id"]))) and row.auto in (
            "requested", "over_budget") for e in events), 30)  # fmt: skip
        assert _auto_minutes(world) == 4, "two 2-minute requests: the budget, not more"
        outcomes = sorted(str(store.alerts.get(str(e["id"])).auto) for e in events)  # type: ignore[union-attr]
        assert outcomes == ["over_budget"] * 4 + ["requested"] * 2
        assert len(alert_messages(world)) == 6, "each alert posted once"


def test_the_budget_holds_across_a_restart_of_the_app(tmp_path: Path) -> None:
    workspace = SlackSettings(scopes=manifest_scopes())
    with MotiveSandbox(NO_CLIP_YET, speed=60) as motive, SlackSandbox(workspace) as slack:
        settings = settings_for(
            motive, slack, tmp_path / "recallbot.db", alerts_channel=ALERTS,
            alert_net_every_s=3600.0, auto_recall=frozenset({"hard_brake"}),
            auto_budget_minutes=2,
            motive_webhook_secret=SecretStr(motive.settings.webhook_secret),
        )  # fmt: skip
        for minutes_ago, said in ((40, "requested automatically"), (20, "budget")):
            with running_app(settings) as (app, served):  # the second: a new process's loops
                motive.settings.webhook_url = f"{served.url}/motive/webhook"
                world = SlackWorld(slack, f"{served.url}/slack/events", motive, app, served,
                                   settings)  # fmt: skip
                alert = alert_for(world, raise_event(world, minutes_ago=minutes_ago)["id"])
                wait_for(lambda alert=alert, said=said: said in str(alert.blocks), 30)
        assert motive.creates() == 1, "today's 2 minutes were spent before the restart"


def _deliver(world: SlackWorld, body: dict[str, Any]) -> str:
    secret = world.motive.settings.webhook_secret
    raw = json.dumps(body).encode()
    signed = {"X-KT-Webhook-Signature": webhook_signature(secret, raw)}
    answer = httpx.post(world.motive.settings.webhook_url or "", content=raw, headers=signed)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["outcome"])


def test_an_older_delivery_after_a_newer_one_changes_nothing(tmp_path: Path) -> None:
    with alert_world(tmp_path, SandboxSettings(event_media_after_s=20)) as world:
        event = raise_event(world)
        alert = alert_for(world, event["id"])
        files = wait_for(lambda: world.slack.shared_files(ALERTS, alert.ts), 60)
        shown, edits = str(alert.blocks), len(alert.edits)
        first = world.motive.events.versions[event["id"]][0]  # as first sent: no clip yet
        assert first["camera_media"]["downloadable_videos"]["front_facing_plain_url"] is None
        assert _deliver(world, {"action": "driver_performance_event_created", **first}) == (
            "duplicate"
        ), "a retried …_created arriving after the …_updated is older"
        row = world.app.runtime.store.alerts.get(str(event["id"]))
        assert row is not None
        assert row.event.media is not None, "Motive's clip is kept"
        assert row.media_digest == row.media_wanted
        assert str(alert.blocks) == shown, "never stepped back"
        assert len(alert.edits) == edits
        assert world.slack.shared_files(ALERTS, alert.ts) == files


def test_a_redelivery_with_freshly_signed_links_shares_the_clip_once(tmp_path: Path) -> None:
    with alert_world(tmp_path, CLIP_AT_ONCE) as world:
        event = raise_event(world)
        alert = alert_for(world, event["id"])
        files = wait_for(lambda: world.slack.shared_files(ALERTS, alert.ts), 60)
        store = world.app.runtime.store
        for _ in range(3):  # the same version, its links signed anew each time
            sent = httpx.post(f"{world.motive.url}/_sandbox/safety_events/{event['id']}/redeliver",
                              json={"version": "latest"}).json()  # fmt: skip
            url = sent["camera_media"]["downloadable_videos"]["front_facing_plain_url"]
            wait_for(lambda url=url: (row := store.alerts.get(str(event["id"]))) is not None
                     and row.event.media is not None
                     and url in row.event.media.videos.values(), 30)  # fmt: skip
        row = store.alerts.get(str(event["id"]))
        assert row is not None
        assert row.deliveries >= 4
        assert world.slack.shared_files(ALERTS, alert.ts) == files, "the clip went up once"
        assert len(alert.edits) == 0, "nothing new to show"


def test_a_trickling_clip_host_holds_up_no_alert_and_readiness_names_it(tmp_path: Path) -> None:
    with alert_world(tmp_path, CLIP_AT_ONCE, download_deadline_s=4.0, stall_after_s=1.0) as world:
        world.motive.faults.arm(Fault(kind=FaultKind.TRICKLE, path="/media/events/", delay=1.0,
                                      count=2))  # fmt: skip
        first = raise_event(world, minutes_ago=40)
        alert = alert_for(world, first["id"])
        ready = f"{world.served.url}/readyz"
        stuck = wait_for(lambda: (r := httpx.get(ready)).status_code == 503 and r.json(), 10)
        assert "alert-clips" in json.dumps(stuck["alerts"]), stuck
        second = raise_event(world, minutes_ago=20)
        assert alert_for(world, second["id"], timeout=5), "posted while the clip trickles"
        store = world.app.runtime.store
        wait_for(lambda: (row := store.alerts.get(str(first["id"]))) and row.media_tries == 1, 15)
        assert world.slack.shared_files(ALERTS, alert.ts) == []
        wait_for(lambda: httpx.get(ready).status_code == 200, 10)


def test_motive_own_clip_that_keeps_failing_backs_off_then_says_so_once(tmp_path: Path) -> None:
    with alert_world(tmp_path, CLIP_AT_ONCE) as world:
        world.app.footage.desk.retry_after_s = 0.3
        world.motive.faults.arm(Fault(kind=FaultKind.ERROR, path="/media/events/", status=503,
                                      count=1000))  # fmt: skip
        event = raise_event(world)
        alert = alert_for(world, event["id"])
        said = wait_for(lambda: [t for t in _said_in_thread(world, alert.ts)
                                 if "couldn't add Motive's own clip" in t], 60)  # fmt: skip
        assert "safety/events" in said[0], "a link to the event in Motive's dashboard"
        store = world.app.runtime.store  # said first, then recorded: wait for the record
        row = wait_for(lambda: (found := store.alerts.get(str(event["id"]))) is not None
                       and found.media_note and found, 30)  # fmt: skip
        assert row.media_note, "ended, with why"
        failed = wait_for(lambda: [e for e in store.audit.entries()
                                   if e.action == "alert_media_failed"], 10)  # fmt: skip
        assert len(failed) == 1
        world.motive.faults.clear()
        assert len([t for t in _said_in_thread(world, alert.ts) if "couldn't" in t]) == 1
        assert store.alerts.owed_media(row.received_at) == [], "never tried again"


def test_a_trickling_recall_clip_gives_its_worker_back_at_the_deadline(tmp_path: Path) -> None:
    with slack_world(tmp_path, media_workers=1, download_deadline_s=3.0,
                     stall_after_s=1.0) as world:  # fmt: skip
        world.app.footage.desk.retry_after_s = 0.2
        world.motive.faults.arm(Fault(kind=FaultKind.TRICKLE, path="/media/", delay=1.0))
        store = world.app.runtime.store
        preview, payload = world.preview("truck 42 yesterday 3pm front")
        world.press(preview, ActionId.SUBMIT, payload)
        ready = f"{world.served.url}/readyz"
        stuck = wait_for(lambda: (r := httpx.get(ready)).status_code == 503 and r.json(), 60)
        assert "the footage of recall" in stuck["footage"]["problem"], stuck
        assert httpx.get(f"{world.served.url}/healthz").status_code == 200, "alive all along"
        recall = wait_for(lambda: next((r for r in store.recalls.recent(1) if r.media == "done"),
                                       None), 60)  # fmt: skip
        assert recall.media_tries == 1, "the trickle ended one attempt, the next shared it"
        assert recall.origin is not None
        assert world.slack.shared_files("C0SAFETY", recall.origin.thread_ts)
        wait_for(lambda: httpx.get(ready).status_code == 200, 10)


def test_an_alert_slack_made_before_failing_to_say_so_is_not_posted_twice(
    tmp_path: Path,
) -> None:
    with alert_world(tmp_path, NO_CLIP_YET) as world:
        world.app.alerting.loop.retry_s = 0.1  # type: ignore[union-attr]
        # Slack makes the message, then its answer fails (and the SDK's own retries too).
        world.slack.fail("chat.postMessage", "internal_error", status=500, count=3,
                         after_processing=True)  # fmt: skip
        event = raise_event(world)
        store = world.app.runtime.store
        wait_for(lambda: (row := store.alerts.get(str(event["id"]))) is not None
                 and row.message_ts is not None, 30)  # fmt: skip
        assert len(alert_messages(world)) == 1, "found again, never posted twice"


def test_an_automatic_request_whose_status_message_slack_fails_is_requested_later(
    tmp_path: Path,
) -> None:
    with alert_world(tmp_path, NO_CLIP_YET, auto_recall=frozenset({"hard_brake"}),
                     auto_budget_minutes=4) as world:  # fmt: skip
        world.app.alerting.loop.retry_s = 0.1  # type: ignore[union-attr]
        slack = world.slack
        # The alert goes out; the automatic request's status message (the next post) meets
        # Slack's 500 twice: nobody will press Request again, so recallbot tries again.
        slack.before_next("chat.postMessage", lambda: slack.before_next(
            "chat.postMessage", lambda: slack.fail("chat.postMessage", "internal_error",
                                                   status=500, count=2)))  # fmt: skip
        event = raise_event(world)
        store = world.app.runtime.store
        row = wait_for(lambda: (r := store.alerts.get(str(event["id"]))) is not None
                       and r.auto not in (None, "due") and r, 30)  # fmt: skip
        assert row.auto == "requested", "a failure that passes refuses nothing"
        assert _auto_minutes(world) == 2, "requested once"
        said = "requested automatically"
        wait_for(lambda: said in str(alert_for(world, event["id"]).blocks), 10)
        failed = [c for c in slack.calls if c.error == "internal_error"]
        assert len(failed) == 2, "both failures met the status message"


def test_motive_busy_while_footage_refreshes_a_link_spends_no_try(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        world.app.footage.desk.retry_after_s = 0.2
        world.motive.faults.arm(Fault(kind=FaultKind.EXPIRE_MID_DOWNLOAD, path="/media/"))
        preview, payload = world.preview("truck 42 yesterday 3pm front")
        world.press(preview, ActionId.SUBMIT, payload)
        store = world.app.runtime.store
        wait_for(lambda: (r := store.recalls.recent(1)) and r[0].delivery == "delivered", 60)
        # Every refresh of the expired link meets a 429 storm for a while.
        world.motive.faults.arm(Fault(kind=FaultKind.RATE_LIMIT, method="GET",
                                      path="/video_recall_requests/", count=12))  # fmt: skip
        recall = wait_for(lambda: next((r for r in store.recalls.recent(1)
                                        if r.media in ("done", "failed")), None), 90)  # fmt: skip
        assert recall.media == "done", recall.media_note
        assert recall.media_tries <= 1, "Motive's 429s spent no try"
