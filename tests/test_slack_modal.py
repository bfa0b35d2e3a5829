"""The recall modal: opened by the message shortcut (prefilled from the message) or by Edit,
checked with Motive while open, field errors inline, requested on submit, answered in the thread
of the message it was opened on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.ids import ActionId, BlockId
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack_view import button, plain, text_of
from tests.slack_world import SlackWorld, slack_world, wait_for

CHICAGO = ZoneInfo("America/Chicago")
CST = timedelta(hours=-6)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as running:
        yield running


def yesterday_at(hour: int, minute: int) -> datetime:
    """Yesterday in Chicago at a CST wall time, as an aware instant (alerts write CST)."""
    day = datetime.now(CHICAGO).date() - timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - CST


def fields(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def shown(view: dict[str, Any]) -> str:
    """The modal's text as a person reads it (bold marks gone)."""
    return plain(text_of({"blocks": view["blocks"]}))


def checked_view(world: SlackWorld, view_id: str) -> dict[str, Any]:
    """The modal once the footage and quota check has been shown in it."""
    return dict(wait_for(lambda: "Footage:" in shown(world.slack.view(view_id))
                         and world.slack.view(view_id)))  # fmt: skip


def test_the_shortcut_on_an_alert_opens_a_prefilled_checked_modal_and_answers_in_its_thread(
    world: SlackWorld,
) -> None:
    at = yesterday_at(15, 1)
    alert = world.slack.say("C0SAFETY", "U0LA", f"Harsh braking - Vehicle 42 - "
                            f"{at.astimezone(UTC) + CST:%m/%d/%Y %I:%M %p} CST")  # fmt: skip
    assert (
        world.slack.post_interaction(world.url, world.slack.shortcut_on(alert)).status_code == 200
    )
    view_id = world.modal()
    view = world.slack.view(view_id)
    local = at.astimezone(CHICAGO)
    prefilled = fields(view)
    assert prefilled[BlockId.TARGET]["initial_option"]["value"] == "vehicle:42"
    assert prefilled[BlockId.DATE]["initial_date"] == local.date().isoformat()
    assert prefilled[BlockId.TIME]["initial_time"] == local.strftime("%H:%M")
    assert prefilled[BlockId.TIME]["timezone"] == "America/Chicago"
    for empty in (BlockId.DURATION, BlockId.KIND):
        assert "initial_option" not in prefilled[empty]
    assert "initial_options" not in prefilled[BlockId.CAMERAS]
    assert "From the message: vehicle 42, " in shown(view)
    assert "Still needed" not in shown(view)

    checked = checked_view(world, view_id)
    assert "available for the whole window" in shown(checked)
    assert "spends 1 of 600 regular minutes" in shown(checked)
    assert world.motive.creates() == 0, "opening and checking spend nothing"

    answer = world.submit(view_id, **{BlockId.DURATION: {"selected_option": {"value": "2"}}})
    assert answer.json()["response_action"] == "update"
    assert "Checking vehicle 42" in text_of(answer.json()["view"])
    done = wait_for(lambda: "Requested: recall" in shown(world.slack.view(view_id)))
    assert done
    (status,) = [m for m in world.slack.posted("C0SAFETY") if m.thread_ts == alert.ts][:1]
    assert "asked by <@U0DEMO>" in text_of(status)
    reply = wait_for(lambda: [m for m in world.slack.thread("C0SAFETY", alert.ts)
                              if "Footage ready" in text_of(m)])[0]  # fmt: skip
    assert reply.thread_ts == alert.ts
    recall = world.app.runtime.store.recalls.recent(1)[0]
    assert (recall.request.duration, recall.request.start_time) == (2, at)
    assert world.motive.creates() == 1


def test_the_shortcut_on_a_thread_reply_answers_in_that_thread(world: SlackWorld) -> None:
    root = world.slack.say("C0SAFETY", "U0LA", "Collision on I-35, everyone ok")
    at = yesterday_at(14, 20)
    said = f"it was truck 0077 at {(at.astimezone(UTC) + CST):%Y-%m-%d %H:%M} CST"
    reply = world.slack.say("C0SAFETY", "U0LA", said, thread_ts=root.ts)
    world.slack.post_interaction(world.url, world.slack.shortcut_on(reply))
    view_id = world.modal()
    checked_view(world, view_id)
    world.submit(view_id)
    wait_for(lambda: "Requested: recall" in shown(world.slack.view(view_id)))
    status = [m for m in world.slack.posted("C0SAFETY") if m.thread_ts is not None]
    assert [m.thread_ts for m in status] == [root.ts]
    assert world.app.runtime.store.recalls.recent(1)[0].request.vehicle_number == "0077"


@pytest.mark.parametrize(
    ("text", "target", "says"),
    [
        ("Speeding alert TX-4471 {md}, 3:01 PM CST", "vehicle:TX-4471", "Mon"),
        ("Driver distraction | vehicle 1207 | {iso} 15:01 CT", "vehicle:1207", "From the message"),
        ("asset TRL-0093 left open", "asset:TRL-0093", "Still needed: the day, the time"),
        ("can someone look at this?", None, "From the message: nothing I could use"),
    ],
)  # fmt: skip
def test_prefill_from_several_alert_formats(
    world: SlackWorld, text: str, target: str | None, says: str
) -> None:
    day = yesterday_at(15, 1).astimezone(CHICAGO)
    said = text.format(md=day.strftime("%b %d").replace(" 0", " "), iso=day.date().isoformat())
    world.slack.post_interaction(world.url, world.slack.shortcut_on(
        world.slack.say("C0SAFETY", "U0LA", said)))  # fmt: skip
    view = world.slack.view(world.modal())
    option = fields(view)[BlockId.TARGET].get("initial_option")
    assert (option or {}).get("value") == target
    if target and "Still needed" not in says:
        assert fields(view)[BlockId.TIME]["initial_time"] == day.strftime("%H:%M")
    assert says.replace("Mon", "") in shown(view)


def test_field_errors_are_answered_inline(world: SlackWorld) -> None:
    world.slack.post_interaction(world.url, world.slack.shortcut_on(
        world.slack.say("C0SAFETY", "U0LA", "truck 42 had a bad day")))  # fmt: skip
    view_id = world.modal()
    answer = world.submit(view_id, **{BlockId.KIND: {"selected_option": {"value": "timelapse"}}})
    body = answer.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {BlockId.DATE, BlockId.TIME, BlockId.DURATION}
    assert (
        "timelapse recall lasts 5, 10, 15, 30, 45, 60 minutes" in body["errors"][BlockId.DURATION]
    )
    assert world.motive.creates() == 0


def test_a_form_motive_would_refuse_comes_back_with_why(tmp_path: Path) -> None:
    with slack_world(tmp_path, SandboxSettings(quota_regular_minutes=0)) as world:
        world.slack.post_interaction(world.url, world.slack.shortcut_on(world.slack.say(
            "C0SAFETY", "U0LA", f"truck 42 {yesterday_at(15, 1):%Y-%m-%d %H:%M} UTC")))  # fmt: skip
        view_id = world.modal()
        world.submit(view_id)
        back = wait_for(lambda: "Not requested" in shown(world.slack.view(view_id))
                        and world.slack.view(view_id))  # fmt: skip
        assert "Not enough regular quota" in shown(back)
        assert back["submit"]["text"] == "Request"
        assert world.motive.creates() == 0


def test_edit_opens_the_same_modal_and_its_request_replaces_the_preview(world: SlackWorld) -> None:
    preview, payload = world.preview("truck 42 yesterday 3pm 2 min front only")
    edit = button(preview, ActionId.EDIT)
    assert edit is not None
    action = world.slack.action_payload(ActionId.EDIT, edit["value"], payload["response_url"])
    world.slack.post_interaction(world.url, action)
    view_id = world.modal()
    prefilled = fields(world.slack.view(view_id))
    assert prefilled[BlockId.DURATION]["initial_option"]["value"] == "2"
    assert [o["value"] for o in prefilled[BlockId.CAMERAS]["initial_options"]] == ["front_facing"]
    assert prefilled[BlockId.TIME]["initial_time"] == "15:00"
    checked_view(world, view_id)
    world.submit(view_id, **{BlockId.DURATION: {"selected_option": {"value": "3"}}})
    replaced = wait_for(lambda: [r for r in world.slack.responses_to(payload["response_url"])
                                 if "Requested: recall" in r["text"]])  # fmt: skip
    assert replaced[-1]["replace_original"] is True
    assert world.app.runtime.store.recalls.recent(1)[0].request.duration == 3
    late = world.press(preview, ActionId.SUBMIT, payload)
    assert "already used" in late["text"]
    assert world.motive.creates() == 1


def test_the_vehicle_select_searches_the_fleet(world: SlackWorld) -> None:
    world.slack.post_interaction(world.url, world.slack.shortcut_on(
        world.slack.say("C0SAFETY", "U0LA", "something happened")))  # fmt: skip
    view = world.slack.view(world.modal())
    for typed, first, includes in (("42", "vehicle:42", "vehicle:0042"), ("trl", "asset:TRL-0093",
                                   "asset:TRL-0094"), ("", None, "vehicle:Truck 300")):  # fmt: skip
        payload = world.slack.options_payload(view, BlockId.TARGET, ActionId.TARGET_SEARCH, typed)
        options = world.slack.post_interaction(world.url, payload).json()["options"]
        values = [o["value"] for o in options]
        assert includes in values
        if first:
            assert values[0] == first
    assert "Volvo VNL" in str(options)
