"""Where was it, and who was there (issue 23), end to end: the real Bolt app over HTTP with
signed requests, the Slack emulator and the Motive sandbox, whose vehicles 42, 1207 and 0077
stand in the Elm St yard yesterday afternoon. Nothing is spent until Request is pressed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.ids import ActionId, BlockId
from bot.sandbox.slack_view import blocks_of, button, text_of
from tests.slack_world import SlackWorld, slack_world, wait_for

YARD = ["0077", "1207", "42"]


def ticking(
    world: SlackWorld, message: dict[str, Any], payload: dict[str, str], vehicles: list[str]
) -> dict[str, Any]:
    """Tick ``vehicles`` in a place's chooser and press Preview chosen (the ticks travel in the
    payload's state, as Slack sends them)."""
    picks = BlockId.PLACE_PICK
    chooser = [b for b in blocks_of(message) if b.get("block_id", "").startswith(picks)]
    values = {
        block["block_id"]: {ActionId.PLACE_PICK.value: {"type": "checkboxes", "selected_options": [
            option for option in block["elements"][0]["options"] if option["value"] in vehicles
        ]}} for block in chooser
    }  # fmt: skip
    found = button(message, ActionId.PLACE_CHOSEN)
    assert found is not None
    before = len(world.slack.responses_to(payload["response_url"]))
    action = world.slack.action_payload(ActionId.PLACE_CHOSEN, found["value"],
                                        payload["response_url"])  # fmt: skip
    action["state"] = {"values": values}
    assert world.slack.post_interaction(world.url, action).status_code == 200
    return dict(wait_for(lambda: world.slack.responses_to(payload["response_url"])[before:])[-1])


def test_where_was_answers_with_the_place_a_map_and_recall_2_min_here(tmp_path: Path) -> None:
    with slack_world(tmp_path, upload="off") as world:
        answer, payload = world.preview("where was truck 42 yesterday 3pm")
        shown = text_of(answer)
        assert "Vehicle 42" in shown
        assert "*Where:* Elm St yard (geofence)" in shown
        assert "*Moving:* not moving" in shown
        assert "Nothing was spent" in shown
        map_link = button(answer, ActionId.OPEN_LINK)
        assert map_link is not None
        assert map_link["url"].startswith("https://www.openstreetmap.org/?mlat=")
        assert world.motive.creates() == 0

        preview = world.press(answer, ActionId.RECALL_HERE, payload)
        shown = text_of(preview)
        assert "vehicle 42" in shown
        assert "2:59 PM" in shown
        assert "3:01 PM" in shown
        assert "centred on 3:00 PM" in shown
        assert "Elm St yard" in shown, "the preview's line on where it was"
        done = world.press(preview, ActionId.SUBMIT, payload)
        assert "Requested" in done["text"]
        wait_for(lambda: world.motive.creates() == 1)


def test_where_was_from_a_mention_in_a_thread(tmp_path: Path) -> None:
    with slack_world(tmp_path, upload="off") as world:
        world.mention("where was truck 42 yesterday 3pm")
        shown = text_of(world.ephemeral())
        assert "Elm St yard" in shown
        assert button(world.ephemeral(), ActionId.RECALL_HERE) is not None


def test_where_an_unknown_vehicle_is_said_plainly(tmp_path: Path) -> None:
    with slack_world(tmp_path, upload="off") as world:
        answer, _ = world.preview("where was truck 9999 yesterday 3pm")
        assert "9999" in text_of(answer)
        assert button(answer, ActionId.RECALL_HERE) is None


def test_the_trucks_in_a_place_open_one_preview_with_their_visits(tmp_path: Path) -> None:
    with slack_world(tmp_path, upload="off") as world:
        preview, payload = world.preview("trucks at the Elm St yard yesterday 3pm 2 min")
        shown = text_of(preview)
        assert "3 targets" in shown
        assert "Inside *Elm St yard*" in shown
        assert "3 vehicles (Motive's geofence visits)" in shown
        for number in YARD:
            assert f"vehicle {number}* (inside from" in shown
        submit = button(preview, ActionId.SUBMIT)
        assert submit is not None
        assert submit["text"]["text"] == "Request 3"
        assert world.motive.creates() == 0
        done = world.press(preview, ActionId.SUBMIT, payload)
        assert "Requested 3 recalls" in done["text"]
        wait_for(lambda: world.motive.creates() == 3)
        store = world.app.runtime.store
        assert sorted(r.request.target for r in store.recalls.recent(5)) == YARD
        assert {r.request.duration for r in store.recalls.recent(5)} == {2}


def test_more_vehicles_than_one_request_takes_are_listed_to_choose(tmp_path: Path) -> None:
    with slack_world(tmp_path, upload="off", max_targets=2) as world:
        chooser, payload = world.preview("vehicles at elm yard yesterday 3pm")
        shown = text_of(chooser)
        assert "at most 2" in shown
        assert "“elm yard” is the geofence “Elm St yard”" in shown, "what was resolved"
        options = [o["value"] for b in blocks_of(chooser) for e in b.get("elements", [])
                   if e.get("type") == "checkboxes" for o in e["options"]]  # fmt: skip
        assert options == YARD
        too_many = ticking(world, chooser, payload, YARD)
        assert "Tick from 1 to 2 vehicles" in text_of(too_many)

        preview = ticking(world, chooser, payload, ["42", "1207"])
        shown = text_of(preview)
        assert "2 targets" in shown
        assert "*vehicle 42* (inside from" in shown
        assert "*vehicle 0077*" not in shown, "not ticked: not in the preview"
        done = world.press(preview, ActionId.SUBMIT, payload)
        assert "Requested 2 recalls" in done["text"]
        wait_for(lambda: world.motive.creates() == 2)
        store = world.app.runtime.store
        assert sorted(r.request.target for r in store.recalls.recent(5)) == ["1207", "42"]


def test_an_unknown_place_gets_a_did_you_mean_and_an_ambiguous_one_both_names(
    tmp_path: Path,
) -> None:
    with slack_world(tmp_path, upload="off") as world:
        unknown, _ = world.preview("trucks at Elm Street yrd yesterday 3pm")
        assert "Did you mean “Elm St yard”?" in text_of(unknown)
        assert button(unknown, ActionId.SUBMIT) is None
        both, _ = world.preview("trucks at acme dock yesterday 3pm")
        assert "could be “Acme Dock 4” or “Acme Dock 5”" in text_of(both)
        assert button(both, ActionId.SUBMIT) is None
        assert world.motive.creates() == 0
