"""manifest.yml creates the app recallbot's listeners expect, and Slack would accept it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.ids import ActionId, CallbackId, Command
from bot.sandbox.slack import MissingScope, SlackSandbox, SlackSettings
from tests.slack_world import manifest, slack_world, wait_for

SCHEMA = Path(__file__).resolve().parent.parent.parent / "shared/slack/manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def app_manifest() -> dict[str, Any]:
    return manifest()


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    if not SCHEMA.is_file():  # CI always has it; a newcomer's lone clone does not
        pytest.skip(f"Slack's manifest schema is not beside the clone ({SCHEMA})")
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_the_manifest_is_valid_against_slacks_schema(
    app_manifest: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    assert [e.message for e in validator.iter_errors(app_manifest)] == []


def test_the_schema_catches_a_broken_manifest(
    app_manifest: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    """Guards the test above: the validator really reads our shapes."""
    features = {**app_manifest["features"], "shortcuts": [{"name": "x" * 25}]}
    messages = [e.message for e in validator.iter_errors({**app_manifest, "features": features})]
    assert any("is too long" in m for m in messages)
    assert any("'callback_id' is a required property" in m for m in messages)


def test_the_manifest_names_what_the_handlers_listen_for(app_manifest: dict[str, Any]) -> None:
    features = app_manifest["features"]
    (command,) = features["slash_commands"]
    assert command["command"] == Command.RECALL
    assert "truck 42" in command["usage_hint"]
    (shortcut,) = features["shortcuts"]
    assert (shortcut["name"], shortcut["type"]) == ("Recall dashcam video", "message")
    assert shortcut["callback_id"] == CallbackId.FROM_MESSAGE
    settings = app_manifest["settings"]
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened", "app_mention"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True


def test_the_manifest_scopes_are_exactly_the_ones_a_recall_uses(
    app_manifest: dict[str, Any], tmp_path: Path
) -> None:
    """The emulated workspace grants only the manifest's scopes and notes each one used. With a
    policy naming a user group and keeping links out of public channels: mentions in a public
    and a private thread, a command, a preview, a request, its answer and its footage need every
    scope and no other."""
    granted = set(app_manifest["oauth_config"]["scopes"]["bot"])
    assert set(app_manifest["oauth_config"]["scopes"]) == {"bot"}
    policy = {"requesters": frozenset({"S0SAFETYLEADS"}), "links_in_public": False}
    with slack_world(tmp_path, **policy) as world:
        for count, channel in enumerate(("C0SAFETY", "C0INCIDENTS"), start=1):
            root = world.slack.say(channel, "U0LA", "Truck 42 hit a pole at 9:05am")
            world.mention("2 min", root, channel)
            world.ephemeral(count)
        preview, payload = world.preview("truck 42 yesterday 3pm 2 min", channel="C0INCIDENTS")
        world.press(preview, ActionId.SUBMIT, payload)
        world.answered("C0INCIDENTS")
        store = world.app.runtime.store
        wait_for(lambda: store.recalls.recent(1)[0].media == "done", 60)  # the footage, uploaded
        assert [c.error for c in world.slack.calls if c.error] == []
        assert world.slack.scopes_used == granted


def test_slack_refuses_what_an_app_was_not_granted() -> None:
    with SlackSandbox(SlackSettings(scopes=frozenset({"chat:write"}))) as slack:
        with pytest.raises(MissingScope, match="commands"):
            slack.command_payload("help")
        answer = slack_call(slack, "users.info", user="U0DEMO")
        assert answer == {**answer, "ok": False, "error": "missing_scope", "needed": "users:read"}


def slack_call(slack: SlackSandbox, method: str, **args: str) -> dict[str, Any]:
    import httpx

    headers = {"Authorization": f"Bearer {slack.settings.bot_token}"}
    reply: dict[str, Any] = httpx.post(slack.api_url + method, data=args, headers=headers).json()
    return reply
