"""The Edit modal, the message shortcut, and the whole flow over Socket Mode."""

from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.app import RecallbotApp
from bot.ids import ActionId, BlockId
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.slack import SlackSandbox, SlackSettings
from bot.sandbox.slack_view import button, text_of
from tests.slack_world import SPEED, manifest_scopes, settings_for, slack_world, wait_for

PHRASE = "truck 42 yesterday 3pm 2 min front only"


def state(view: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The view's fields as Slack reports them on submit, starting from the prefilled values."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block["element"]
        kind = element["type"]
        if kind == "plain_text_input":
            current = {"type": kind, "value": element.get("initial_value")}
        elif kind == "datepicker":
            current = {"type": kind, "selected_date": element.get("initial_date")}
        elif kind == "timepicker":
            current = {"type": kind, "selected_time": element.get("initial_time")}
        elif kind == "checkboxes":
            current = {"type": kind, "selected_options": element.get("initial_options", [])}
        else:
            current = {"type": kind, "selected_option": element.get("initial_option")}
        current.update(changes.get(block["block_id"], {}))
        values[block["block_id"]] = {element["action_id"]: current}
    return values


def opened_view(slack: SlackSandbox) -> dict[str, Any]:
    call = wait_for(lambda: slack.calls_of("views.open"))[-1]
    return dict(call.args["view"])


def test_edit_opens_a_prefilled_modal_and_its_answer_is_a_new_preview(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        preview, payload = world.preview(PHRASE)
        edit = button(preview, ActionId.EDIT)
        assert edit is not None
        action = world.slack.action_payload(ActionId.EDIT, edit["value"], payload["response_url"])
        assert world.slack.post_interaction(world.url, action).status_code == 200
        view = opened_view(world.slack)
        fields = {b["block_id"]: b["element"] for b in view["blocks"]}
        assert fields[BlockId.TARGET]["initial_value"] == "42"
        assert fields[BlockId.DURATION]["initial_option"]["value"] == "2"
        assert [o["value"] for o in fields[BlockId.CAMERAS]["initial_options"]] == ["front_facing"]
        assert fields[BlockId.TIME]["initial_time"] == "15:00"
        assert fields[BlockId.TIME]["timezone"] == "America/Chicago"

        before = len(world.slack.responses_to(payload["response_url"]))
        changed = state(view, **{BlockId.DURATION: {"selected_option": {"value": "3"}}})
        answer = world.slack.post_interaction(world.url, world.slack.view_payload(view, changed))
        assert answer.status_code == 200
        assert answer.text in ("", "null")
        fresh = wait_for(lambda: world.slack.responses_to(payload["response_url"])[before:])[-1]
        assert "regular · 3 min" in text_of(fresh)
        assert button(fresh, ActionId.SUBMIT) is not None


def test_the_modal_answers_field_errors_inline(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        preview, payload = world.preview(PHRASE)
        edit = button(preview, ActionId.EDIT)
        assert edit is not None
        world.slack.post_interaction(
            world.url,
            world.slack.action_payload(ActionId.EDIT, edit["value"], payload["response_url"]),
        )
        view = opened_view(world.slack)
        wrong = state(
            view,
            **{
                BlockId.TARGET: {"value": ""},
                BlockId.DURATION: {"selected_option": {"value": "10"}},
            },
        )
        answer = world.slack.post_interaction(world.url, world.slack.view_payload(view, wrong))
        body = answer.json()
        assert body["response_action"] == "errors"
        assert set(body["errors"]) == {BlockId.TARGET, BlockId.DURATION}
        assert "regular recall lasts 1, 2, 3" in body["errors"][BlockId.DURATION]


def test_the_message_shortcut_opens_the_modal_prefilled_from_the_message(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        message = {
            "type": "message",
            "user": "U0LA",
            "ts": "1795900000.000100",
            "text": "Harsh braking - Vehicle 42 - 11/23/2026 03:01 PM CST",
        }
        shortcut = world.slack.shortcut_payload(message)
        assert world.slack.post_interaction(world.url, shortcut).status_code == 200
        view = opened_view(world.slack)
        fields = {b["block_id"]: b["element"] for b in view["blocks"]}
        assert fields[BlockId.TARGET]["initial_value"] == "42"
        assert fields[BlockId.DATE]["initial_date"] == "2026-11-23"
        assert fields[BlockId.TIME]["initial_time"] == "15:01"
        assert '"thread_ts":"1795900000.000100"' in view["private_metadata"]


def test_the_whole_flow_over_socket_mode(tmp_path: Path) -> None:
    workspace = SlackSettings(scopes=manifest_scopes())
    with MotiveSandbox(speed=SPEED) as motive, SlackSandbox(workspace) as slack:
        settings = settings_for(
            motive, slack, tmp_path / "db", slack_app_token=SecretStr(slack.settings.app_token)
        )
        app = RecallbotApp.build(settings)
        app.tracker.start()
        socket = app.socket_mode()
        socket.connect()  # type: ignore[no-untyped-call]
        try:
            wait_for(slack.socket_connected)
            payload = slack.command_payload(PHRASE)
            acked = slack.send_envelope("slash_commands", payload)
            assert "Checking" in acked["text"]
            preview = wait_for(lambda: slack.responses_to(payload["response_url"]))[-1]
            submit = button(preview, ActionId.SUBMIT)
            assert submit is not None
            click = slack.action_payload(ActionId.SUBMIT, submit["value"], payload["response_url"])
            slack.send_envelope("interactive", click)
            reply = wait_for(lambda: [m for m in slack.posted("C0SAFETY") if m.thread_ts])[0]
            assert "Footage ready for vehicle 42" in text_of(reply)
            assert motive.creates() == 1
        finally:
            socket.close()  # type: ignore[no-untyped-call]
            app.close()
