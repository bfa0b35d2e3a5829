"""The emulated workspace: its people, channels and user groups, the app's scopes, and what
the emulator records (calls, posted messages, failures to inject)."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field


def _users() -> dict[str, dict[str, str]]:
    return {
        "U0DEMO": {"name": "dana", "tz": "America/Chicago"},
        "U0LA": {"name": "lee", "tz": "America/Los_Angeles"},
        "U0NOTZ": {"name": "sam", "tz": ""},
    }


def _channels() -> dict[str, dict[str, Any]]:
    return {
        "C0SAFETY": {"name": "safety", "members": ["U0RECALLBOT", "U0DEMO", "U0LA", "U0NOTZ"]},
        "C0RANDOM": {"name": "random", "members": ["U0DEMO"]},  # the bot was never invited
    }


# The scope each Web API method and each delivery to the app needs; methods not listed need none.
METHOD_SCOPES = {
    "users.info": "users:read",
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
}
COMMAND_SCOPE = "commands"  # slash commands and shortcuts
EVENT_SCOPES = {"app_mention": "app_mentions:read"}


def signature_headers(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack signs a request with: HMAC-SHA256 of ``v0:<timestamp>:<body>``."""
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + signature.hexdigest()}


class MissingScope(Exception):
    """Slack would not deliver this to an app that lacks ``scope``."""

    def __init__(self, scope: str) -> None:
        super().__init__(f"the app was not granted {scope}")
        self.scope = scope


class SlackSettings(BaseModel):
    """The emulated workspace: tokens, the bot, people and channels."""

    bot_token: str = "xoxb-sandbox"  # noqa: S105 - the emulator's public default
    app_token: str = "xapp-sandbox"  # noqa: S105
    signing_secret: str = "sandbox-signing-secret"  # noqa: S105 - the emulator's public default
    team_id: str = "T0SANDBOX"
    bot_user_id: str = "U0RECALLBOT"
    bot_id: str = "B0RECALLBOT"
    users: dict[str, dict[str, str]] = Field(default_factory=_users)
    channels: dict[str, dict[str, Any]] = Field(default_factory=_channels)
    scopes: frozenset[str] | None = None  # the bot token's scopes; None grants every scope


@dataclass
class Call:
    """One Web API call as it arrived."""

    method: str
    args: dict[str, Any]
    at: float
    error: str | None = None


@dataclass
class Posted:
    """A message the bot posted, and every later version of it."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None
    at: float
    edits: list[tuple[float, str, list[dict[str, Any]]]] = field(default_factory=list)


@dataclass
class Failure:
    """What a method answers instead of working, for the next ``count`` calls."""

    error: str
    status: int = 200
    retry_after: int | None = None
    count: int = 1
