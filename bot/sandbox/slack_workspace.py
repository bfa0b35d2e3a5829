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
    everyone = ("U0RECALLBOT", "U0DEMO", "U0LA", "U0NOTZ")  # a list each: members change
    return {
        "C0SAFETY": {"name": "safety", "members": list(everyone), "private": False},
        "C0INCIDENTS": {"name": "incidents", "members": list(everyone), "private": True},
        "C0RANDOM": {"name": "random", "members": ["U0DEMO"], "private": False},  # no bot
        "C0ALERTS": {"name": "safety-alerts", "members": list(everyone), "private": True},
    }


def _usergroups() -> dict[str, list[str]]:
    return {"S0SAFETYLEADS": ["U0DEMO"]}


# The scope each Web API method and each delivery to the app needs; methods not listed need none.
METHOD_SCOPES = {
    "users.info": "users:read",
    "usergroups.users.list": "usergroups:read",
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "chat.postEphemeral": "chat:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "files.info": "files:read",
}
# Methods on a channel whose scope depends on the channel: (public, private).
CHANNEL_SCOPES = {
    "conversations.info": ("channels:read", "groups:read"),
    "conversations.replies": ("channels:history", "groups:history"),
    "conversations.history": ("channels:history", "groups:history"),
}
COMMAND_SCOPE = "commands"  # slash commands and shortcuts
EVENT_SCOPES = {"app_mention": "app_mentions:read"}
KNOWN_SCOPES = frozenset({*METHOD_SCOPES.values(), *(s for both in CHANNEL_SCOPES.values()
                                                    for s in both),
                          COMMAND_SCOPE, *EVENT_SCOPES.values(), "files:write"})  # fmt: skip
"""Every scope the emulator knows: what a token granted every scope (``scopes=None``) holds."""


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
    """The emulated workspace: tokens, the bot, people, channels and user groups."""

    bot_token: str = "xoxb-sandbox"  # noqa: S105 - the emulator's public default
    app_token: str = "xapp-sandbox"  # noqa: S105
    signing_secret: str = "sandbox-signing-secret"  # noqa: S105 - the emulator's public default
    team_id: str = "T0SANDBOX"
    bot_user_id: str = "U0RECALLBOT"
    bot_id: str = "B0RECALLBOT"
    users: dict[str, dict[str, str]] = Field(default_factory=_users)
    channels: dict[str, dict[str, Any]] = Field(default_factory=_channels)
    usergroups: dict[str, list[str]] = Field(default_factory=_usergroups)
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
    """A message in a channel (the bot's, or a person's when ``user`` is set), and every later
    version of it."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None
    at: float
    edits: list[tuple[float, str, list[dict[str, Any]]]] = field(default_factory=list)
    user: str | None = None  # None: the bot posted it
    files: list[str] = field(default_factory=list)  # ids of the files the message shares

    def as_slack(self, bot_user_id: str, bot_id: str) -> dict[str, Any]:
        """The message as the Web API shows it."""
        shown: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text,
                                 "user": self.user or bot_user_id}  # fmt: skip
        if self.user is None:
            shown |= {"bot_id": bot_id, "blocks": self.blocks}
        if self.thread_ts:
            shown["thread_ts"] = self.thread_ts
        if self.files:
            shown["files"] = [{"id": f} for f in self.files]
        return shown


@dataclass
class Failure:
    """What a method answers instead of working, for the next ``count`` calls."""

    error: str
    status: int = 200
    retry_after: int | None = None
    count: int = 1
    after_processing: bool = False  # the call took effect, then the answer failed (a lost ack)
