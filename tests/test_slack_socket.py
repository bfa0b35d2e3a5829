"""The whole flow over Socket Mode: the emulator's loopback WebSocket instead of HTTP."""

from pathlib import Path

from pydantic import SecretStr

from bot.ids import ActionId
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.slack import SlackSandbox, SlackSettings
from bot.sandbox.slack_view import button, text_of
from bot.slack.app import RecallbotApp
from tests.slack_world import SPEED, manifest_scopes, settings_for, wait_for

PHRASE = "truck 42 yesterday 3pm 2 min front only"


def test_the_whole_flow_over_socket_mode(tmp_path: Path) -> None:
    workspace = SlackSettings(scopes=manifest_scopes())
    with MotiveSandbox(speed=SPEED) as motive, SlackSandbox(workspace) as slack:
        settings = settings_for(
            motive, slack, tmp_path / "db", slack_app_token=SecretStr(slack.settings.app_token)
        )
        app = RecallbotApp.build(settings)
        app.start()
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
