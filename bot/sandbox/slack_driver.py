"""The driver half of the Slack emulator: what Slack sends to an app, correctly signed.

Slash commands, block actions, message shortcuts, view submissions, block suggestions and event
callbacks, posted to the app's HTTP endpoint with ``X-Slack-Signature`` (HMAC-SHA256 over
``v0:<timestamp>:<body>``); over Socket Mode the same payloads travel as envelopes. A payload is
only built for an app holding the scope Slack would require to deliver it.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.ids import CallbackId
from bot.sandbox.slack_workspace import (
    COMMAND_SCOPE,
    EVENT_SCOPES,
    MissingScope,
    Posted,
    SlackSettings,
    signature_headers,
)


class SlackDriver:
    """Builds and sends what Slack sends to an app (mixed into ``SlackSandbox``)."""

    settings: SlackSettings
    response_url: Callable[[], str]  # the emulator's: a new response_url
    _granted: Callable[[str], bool]  # the emulator's: whether the app holds a scope

    triggers: dict[str, float]  # the emulator's: trigger_id -> when it was handed out

    def _trigger(self) -> str:
        """A trigger_id, good for opening one view within Slack's 3 seconds."""
        trigger = f"trig.{uuid.uuid4().hex}"
        self.triggers[trigger] = time.monotonic()
        return trigger

    def _deliverable(self, scope: str) -> None:
        if not self._granted(scope):
            raise MissingScope(scope)

    def signed(
        self, body: bytes, timestamp: int | None = None, secret: str | None = None
    ) -> dict[str, str]:
        """Headers that make ``body`` a request from Slack."""
        return signature_headers(body, secret or self.settings.signing_secret, timestamp)

    def command_payload(
        self, text: str, user: str = "U0DEMO", channel: str = "C0SAFETY", command: str = "/recall"
    ) -> dict[str, str]:
        """The fields of a slash command."""
        self._deliverable(COMMAND_SCOPE)
        return {
            "token": "legacy",
            "team_id": self.settings.team_id,
            "team_domain": "sandbox",
            "channel_id": channel,
            "channel_name": self.settings.channels.get(channel, {}).get("name", ""),
            "user_id": user,
            "user_name": self.settings.users.get(user, {}).get("name", user),
            "command": command,
            "text": text,
            "api_app_id": "A0SANDBOX",
            "response_url": self.response_url(),
            "trigger_id": self._trigger(),
        }

    def action_payload(
        self,
        action_id: str,
        value: str,
        response_url: str,
        user: str = "U0DEMO",
        channel: str = "C0SAFETY",
        message_ts: str = "",
        ephemeral: bool = True,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A button press (``block_actions``)."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "team_id": self.settings.team_id},
            "api_app_id": "A0SANDBOX",
            "token": "legacy",
            "trigger_id": self._trigger(),
            "team": {"id": self.settings.team_id, "domain": "sandbox"},
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "channel": {"id": channel},
            "response_url": response_url,
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "b",
                    "value": value,
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if message is not None:
            payload["message"] = message
        return payload

    def event_payload(self, event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
        """An Events API callback."""
        if event.get("type") in EVENT_SCOPES:
            self._deliverable(EVENT_SCOPES[event["type"]])
        return {
            "token": "legacy",
            "team_id": self.settings.team_id,
            "api_app_id": "A0SANDBOX",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "team_id": self.settings.team_id,
                    "user_id": self.settings.bot_user_id,
                    "is_bot": True,
                }
            ],
        }

    def shortcut_payload(
        self, message: dict[str, Any], user: str = "U0DEMO", channel: str = "C0SAFETY"
    ) -> dict[str, Any]:
        """A message shortcut ("Recall dashcam video") on ``message``."""
        self._deliverable(COMMAND_SCOPE)
        return {
            "type": "message_action",
            "callback_id": CallbackId.FROM_MESSAGE,
            "trigger_id": self._trigger(),
            "response_url": self.response_url(),
            "team": {"id": self.settings.team_id, "domain": "sandbox"},
            "channel": {"id": channel},
            "user": {"id": user},
            "message": message,
        }

    def shortcut_on(self, message: Posted, user: str = "U0DEMO") -> dict[str, Any]:
        """The message shortcut on a message of the workspace."""
        shown = message.as_slack(self.settings.bot_user_id, self.settings.bot_id)
        return self.shortcut_payload(shown, user, message.channel)

    def options_payload(
        self, view: dict[str, Any], block_id: str, action_id: str, typed: str, user: str = "U0DEMO"
    ) -> dict[str, Any]:
        """Typing in a modal's external select: Slack asks the app for options."""
        return {
            "type": "block_suggestion",
            "user": {"id": user, "team_id": self.settings.team_id},
            "team": {"id": self.settings.team_id, "domain": "sandbox"},
            "api_app_id": "A0SANDBOX",
            "block_id": block_id,
            "action_id": action_id,
            "value": typed,
            "container": {"type": "view", "view_id": view["id"]},
            "view": view,
        }

    def view_payload(
        self, view: dict[str, Any], values: dict[str, Any], user: str = "U0DEMO"
    ) -> dict[str, Any]:
        """Submitting a modal the app opened, with the fields set to ``values``."""
        return {
            "type": "view_submission",
            "team": {"id": self.settings.team_id},
            "user": {"id": user},
            "api_app_id": "A0SANDBOX",
            "trigger_id": self._trigger(),
            "view": {**view, "state": {"values": values}},
        }

    def post_form(self, app_url: str, fields: dict[str, Any], **sign: Any) -> httpx.Response:
        """POST form fields (slash commands) or a ``payload`` (interactions), signed."""
        body = urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **self.signed(body, **sign)}
        return httpx.post(app_url, content=body, headers=headers, timeout=10)

    def post_interaction(
        self, app_url: str, payload: dict[str, Any], **sign: Any
    ) -> httpx.Response:
        """POST an interaction payload, signed."""
        return self.post_form(app_url, {"payload": json.dumps(payload)}, **sign)

    def post_event(self, app_url: str, payload: dict[str, Any], **sign: Any) -> httpx.Response:
        """POST an event callback (JSON), signed."""
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", **self.signed(body, **sign)}
        return httpx.post(app_url, content=body, headers=headers, timeout=10)
