"""Issue 14: Motive's safety events become incident threads, with the recall one click away.

End to end: the Motive sandbox raises an event and delivers it, signed, to the app's webhook
endpoint; recallbot posts it in #safety-alerts; a click requests the footage centred on the
event through the same path as /recall, answered in the alert's thread."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bot.ids import ActionId, BlockId
from bot.motive import webhook_signature
from bot.sandbox.faults import Fault, FaultKind
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack_view import button
from tests.alert_world import ALERTS, alert_for, alert_messages, alert_world, click, raise_event
from tests.slack_world import SlackWorld, wait_for

NO_CLIP_YET = SandboxSettings(event_media_after_s=-1)  # Motive never transcodes its own clip


def _thread(world: SlackWorld, ts: str) -> list[str]:
    return [m.text for m in world.slack.thread(ALERTS, ts) if m.ts != ts and not m.files]


def test_an_event_becomes_a_message_and_a_click_answers_in_its_thread(tmp_path: Path) -> None:
    with alert_world(tmp_path, NO_CLIP_YET) as world:
        event = raise_event(world)
        alert = alert_for(world, event["id"])
        text = str(alert.blocks)
        assert "Hard braking" in text
        assert "vehicle *42*" in text
        assert "Joliet, IL" in text
        assert "88 → 42 km/h (55 → 26 mph)" in text
        assert "UTC" in text
        assert "Dana" not in text, "never the driver's name unless RECALLBOT_ALERT_SHOW_DRIVER"
        url = click(world, alert, ActionId.ALERT_ROAD)
        answer = wait_for(lambda: world.slack.responses_to(url))[-1]
        assert "Requested" in answer["text"]
        assert answer.get("replace_original") is False, "the alert itself stays"
        wait_for(lambda: any("Ready" in t or "footage" in t.lower()
                             for t in _thread(world, alert.ts)), 60)  # fmt: skip
        (recall,) = world.motive.rules.recalls.values()
        start = world.motive.events.events[event["id"]]["start_time"]
        centre = recall.start + timedelta(minutes=1)
        assert centre.strftime("%Y-%m-%dT%H:%M:%SZ") == start, "centred on the event"
        assert recall.minutes == 2
        assert [c.value for c in recall.positions] == ["front_facing"]
        stored = world.app.runtime.store.recalls.recent(1)[0]
        assert stored.origin is not None
        assert stored.origin.thread_ts == alert.ts
        assert stored.origin.channel_id == ALERTS
        assert len(alert_messages(world)) == 1


def test_a_redelivery_or_replay_posts_nothing_new_and_an_update_edits(tmp_path: Path) -> None:
    with alert_world(tmp_path, NO_CLIP_YET) as world:
        event = raise_event(world)
        alert = alert_for(world, event["id"])
        secret = world.motive.settings.webhook_secret
        url = world.motive.settings.webhook_url or ""

        def deliver(body: dict[str, object]) -> str:
            raw = json.dumps(body).encode()
            answer = httpx.post(url, content=raw, headers={
                "X-KT-Webhook-Signature": webhook_signature(secret, raw)})  # fmt: skip
            assert answer.status_code == 200, answer.text
            return str(answer.json()["outcome"])

        created = {"action": "driver_performance_event_created", **event}
        assert deliver(created) == "duplicate"
        assert deliver(created) == "duplicate", "a replay"
        updated = {**created, "action": "driver_performance_event_updated",
                   "coaching_status": "coached"}  # fmt: skip
        assert deliver(updated) == "updated"
        wait_for(lambda: "coached" in str(alert.blocks))
        assert len(alert.edits) == 1
        assert len(alert_messages(world)) == 1, "edited, never posted twice"
        assert deliver(updated) == "duplicate"


def test_motive_own_clip_arrives_later_and_goes_into_the_thread(tmp_path: Path) -> None:
    with alert_world(tmp_path, SandboxSettings(event_media_after_s=30)) as world:
        event = raise_event(world)
        alert = alert_for(world, event["id"])
        files = wait_for(lambda: world.slack.shared_files(ALERTS, alert.ts), 60)
        names = {f.name for f in files}
        assert f"event-{event['id']}-front_facing.jpg" in names
        assert f"event-{event['id']}-front_facing.mp4" in names
        assert not any("driver_facing" in n for n in names), "driver-facing stays a link"
        assert button({"blocks": alert.blocks}, ActionId.ALERT_ALL) is not None, "still offered"
        assert len(alert_messages(world)) == 1


def test_an_unknown_vehicle_is_posted_with_what_is_known_and_no_button(tmp_path: Path) -> None:
    with alert_world(tmp_path, NO_CLIP_YET) as world:
        event = raise_event(world, vehicle_number=None, vehicle_id=999999)
        alert = alert_for(world, event["id"])
        assert "an unknown vehicle" in str(alert.blocks)
        assert "999999" in str(alert.blocks)
        assert button({"blocks": alert.blocks}, ActionId.ALERT_ROAD) is None


def test_the_number_is_found_by_id_when_the_event_carries_none(tmp_path: Path) -> None:
    sandbox = SandboxSettings(event_media_after_s=-1, event_vehicle_number=False)
    with alert_world(tmp_path, sandbox) as world:
        alert = alert_for(world, raise_event(world, vehicle_number="1207")["id"])
        assert "vehicle *1207*" in str(alert.blocks)


def test_types_not_chosen_are_not_posted_and_the_driver_only_when_allowed(
    tmp_path: Path,
) -> None:
    with alert_world(tmp_path, NO_CLIP_YET, alert_show_driver=True) as world:
        raise_event(world, type="seat_belt_violation")
        shown = raise_event(world, type="crash")
        alert = alert_for(world, shown["id"])
        assert "Collision" in str(alert.blocks)
        assert "Dana Reyes" in str(alert.blocks)
        assert len(alert_messages(world)) == 1


def test_automatic_requests_stop_at_the_daily_budget(tmp_path: Path) -> None:
    with alert_world(tmp_path, NO_CLIP_YET, auto_recall=frozenset({"crash"}),
                     auto_budget_minutes=3) as world:  # fmt: skip
        first = alert_for(world, raise_event(world, type="crash")["id"])
        wait_for(lambda: "requested automatically" in str(first.blocks), 30)
        wait_for(lambda: _thread(world, first.ts), 30)
        (recall,) = world.app.runtime.store.recalls.recent(5)
        assert recall.requested_by == "recallbot"
        second = alert_for(world, raise_event(world, minutes_ago=20, type="crash")["id"])
        wait_for(lambda: "budget" in str(second.blocks), 30)
        assert button({"blocks": second.blocks}, ActionId.ALERT_ROAD) is not None
        assert len(world.motive.rules.recalls) == 1, "the second would pass the budget"
        actions = [e.action for e in world.app.runtime.store.audit.entries()]
        assert "refused" in actions


def test_a_lost_webhook_becomes_a_thread_through_the_safety_net(tmp_path: Path) -> None:
    lost = SandboxSettings(event_media_after_s=-1)
    with alert_world(tmp_path, lost, alert_net_every_s=5.0) as world:
        world.motive.faults.arm(Fault(kind=FaultKind.LOSE_WEBHOOK))
        event = raise_event(world)
        assert alert_for(world, event["id"], timeout=30)
        assert len(alert_messages(world)) == 1


def test_a_click_follows_the_access_policy_and_is_audited(tmp_path: Path) -> None:
    with alert_world(tmp_path, NO_CLIP_YET, requesters=frozenset({"U0LA"})) as world:
        alert = alert_for(world, raise_event(world)["id"])
        url = click(world, alert, ActionId.ALERT_ALL)  # U0DEMO is not a requester
        answer = wait_for(lambda: world.slack.responses_to(url))[-1]
        assert "RECALLBOT_REQUESTERS" in answer["text"], answer["text"]
        assert world.motive.creates() == 0
        assert _thread(world, alert.ts) == [], "nothing posted in the thread"
        refused = [e for e in world.app.runtime.store.audit.entries() if e.action == "refused"]
        assert any(e.actor == "U0DEMO" for e in refused)


def test_edit_opens_the_modal_prefilled_with_the_event(tmp_path: Path) -> None:
    with alert_world(tmp_path, NO_CLIP_YET) as world:
        event = raise_event(world)
        alert = alert_for(world, event["id"])
        click(world, alert, ActionId.ALERT_EDIT)
        view = world.slack.view(world.modal())
        inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
        assert inputs[BlockId.TARGET]["initial_option"]["value"] == "vehicle:42"
        start = world.motive.events.events[event["id"]]["start_time"]
        centred = datetime.fromisoformat(start) - timedelta(minutes=1)
        local = centred.astimezone(ZoneInfo("America/Chicago"))  # dana's zone in the emulator
        assert inputs[BlockId.TIME]["initial_time"] == local.strftime("%H:%M")
