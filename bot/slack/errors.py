"""What a refusal from Slack means for recallbot: give up on this channel, wait for an admin,
or simply try again later.

Every loop that posts (answers, status edits, footage, alerts) used to retry whatever Slack
said, forever and with a traceback each time, so a channel that was archived or that the bot
was removed from made a retry storm that no amount of waiting could end. ``classify`` reads a
slack_sdk exception into a ``SlackRefusal``:

- ``CHANNEL``: permanent for this channel or this payload (the channel is gone or archived,
  the bot is not in it, the thread is gone, the message is refused as it is). Trying again
  cannot help: the caller ends the work in its terminal state after a few tries.
- ``WORKSPACE``: the token or the app's setup (revoked, deactivated, a scope missing). Nothing
  recallbot does can fix it, but an admin can, and then everything owed should go out: the
  caller keeps the work, backs off to a long cap, and readiness says what to fix.
- ``TRANSIENT``: rate limits, Slack's own failures, the network. Try again with back-off.

The codes and their meanings are Slack's documented errors of ``chat.postMessage``,
``chat.update`` and the external upload (``files.getUploadURLExternal`` and
``files.completeUploadExternal``). A known refusal is logged as one line (its code and what it
means), never with a traceback; a code Slack may add later is retried and logged with its
traceback, so a person notices it and files it here.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError


class Reach(StrEnum):
    """How far a refusal reaches: what trying again can hope for."""

    CHANNEL = "channel"  # this channel, thread or payload, for good
    WORKSPACE = "workspace"  # every call, until an admin fixes the token or the app
    TRANSIENT = "transient"  # this moment only


_CHANNEL = {
    "channel_not_found": "the channel no longer exists, or the bot cannot see it",
    "invalid_channel": "the channel no longer exists, or the bot cannot see it",
    "is_archived": "the channel was archived",
    "not_in_channel": "the bot is not a member of the channel",
    "no_permission": "the bot is not allowed in the channel (invite it again)",
    "posting_to_channel_denied": "the bot may not post in the channel",
    "access_denied": "Slack denies the bot access to the channel",
    "restricted_action": "a workspace setting stops the bot posting in the channel",
    "restricted_action_read_only_channel": "the channel is read-only",
    "restricted_action_thread_only_channel": "the channel takes thread replies only",
    "restricted_action_non_threadable_channel": "the channel takes no thread replies",
    "cannot_reply_to_message": "the message asked from cannot take replies",
    "thread_not_found": "the thread that asked was deleted",
    "message_not_found": "the message was deleted",
    "cant_update_message": "the message can no longer be edited",
    "edit_window_closed": "the message can no longer be edited",
    "ekm_access_denied": "administrators have suspended posting (Enterprise Key Management)",
    "team_access_not_granted": "the app is not granted access to the channel's workspace",
    "user_not_found": "the person is no longer in the workspace",
    "user_disabled": "the person's account was deactivated",
    "msg_too_long": "the message is too long for Slack",
    "no_text": "the message has no text",
    "invalid_blocks": "Slack refuses the message's blocks",
    "invalid_blocks_format": "Slack refuses the message's blocks",
    "too_many_attachments": "the message has too many attachments",
    "invalid_arguments": "Slack refuses the message as it is",
}
_WORKSPACE = {
    "invalid_auth": "Slack does not accept the bot token (SLACK_BOT_TOKEN)",
    "not_authed": "no bot token was sent (SLACK_BOT_TOKEN)",
    "token_revoked": "the bot token was revoked: reinstall the app",
    "token_expired": "the bot token expired: reinstall the app",
    "account_inactive": "the app's bot user or workspace was deactivated",
    "missing_scope": "the app lacks a scope it needs: add it from manifest.yml and reinstall",
    "not_allowed_token_type": "the token is not a bot token (xoxb-...)",
    "two_factor_setup_required": "the workspace requires two-factor setup",
    "enterprise_is_restricted": "the Enterprise organization restricts the method",
    "accesslimited": "Slack limits the method on this network",
    "method_deprecated": "Slack has retired a method recallbot calls",
    "deprecated_endpoint": "Slack has retired a method recallbot calls",
}
_TRANSIENT = {
    "ratelimited": "Slack rate-limited the bot",
    "rate_limited": "Slack rate-limited the bot",
    "internal_error": "Slack failed on its side",
    "fatal_error": "Slack failed on its side",
    "service_unavailable": "Slack is temporarily unavailable",
    "request_timeout": "the request reached Slack truncated",
    "team_added_to_org": "the workspace is moving into an Enterprise organization",
    "org_login_required": "the workspace is moving into an Enterprise organization",
    "file_not_found": "Slack lost the uploaded file before sharing it",
    "file_update_failed": "Slack failed to finish the upload",
}
KNOWN: dict[str, tuple[Reach, str]] = {
    **{code: (Reach.CHANNEL, said) for code, said in _CHANNEL.items()},
    **{code: (Reach.WORKSPACE, said) for code, said in _WORKSPACE.items()},
    **{code: (Reach.TRANSIENT, said) for code, said in _TRANSIENT.items()},
}
"""Every Slack error code recallbot understands: how far it reaches, and what it means."""

UNREACHABLE = "unreachable"
"""The code of a refusal that never reached Slack's API (the network, a timeout)."""


@dataclass(frozen=True)
class SlackRefusal:
    """What one Slack failure means: its code, its reach, and a sentence for people."""

    code: str
    reach: Reach
    meaning: str
    known: bool = True  # False: a code not in ``KNOWN`` (retried; logged with its traceback)

    @property
    def permanent(self) -> bool:
        """Whether trying this channel or payload again cannot help."""
        return self.reach is Reach.CHANNEL

    @property
    def line(self) -> str:
        """One log line: the code and what it means."""
        return f"Slack refused ({self.code}): {self.meaning}"


def _api_refusal(exc: SlackApiError) -> SlackRefusal:
    response: Any = exc.response
    code = str(response.get("error") or "") if response is not None else ""
    if code in KNOWN:
        reach, meaning = KNOWN[code]
        return SlackRefusal(code, reach, meaning)
    status = int(getattr(response, "status_code", 0) or 0)
    if status == 429:
        return SlackRefusal("ratelimited", Reach.TRANSIENT, _TRANSIENT["ratelimited"])
    if status >= 500:
        return SlackRefusal(f"http_{status}", Reach.TRANSIENT, f"Slack answered HTTP {status}")
    return SlackRefusal(code or f"http_{status}", Reach.TRANSIENT,
                        "an error recallbot does not know", known=False)  # fmt: skip


def classify(exc: BaseException) -> SlackRefusal | None:
    """What a failure of a Slack call means; None when it is not Slack's or the network's (a
    bug: the caller keeps its traceback)."""
    if isinstance(exc, SlackApiError):
        return _api_refusal(exc)
    if isinstance(exc, SlackClientError | OSError):  # timeouts and DNS are OSErrors too
        reason = str(getattr(exc, "reason", "") or exc) or type(exc).__name__
        return SlackRefusal(UNREACHABLE, Reach.TRANSIENT, f"Slack could not be reached ({reason})")
    return None


def slack_cause(exc: BaseException) -> SlackApiError | SlackClientError | None:
    """The Slack failure ``exc`` is, or was raised from (a policy lookup wraps Slack's
    refusal in its own error); None when Slack had no part in it."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SlackApiError | SlackClientError):
            return seen
        seen = seen.__cause__
    return None


class WorkspaceStanding:
    """The latest workspace-wide refusal (a revoked token, a missing scope), for readiness and
    for one log line per cause rather than one per call: cleared by the next call Slack
    accepts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._refusal: SlackRefusal | None = None
        self._since: float | None = None

    def refused(self, refusal: SlackRefusal) -> bool:
        """Note a refusal; True when it is workspace-wide and news (log it then)."""
        if refusal.reach is not Reach.WORKSPACE:
            return False
        with self._lock:
            news = self._refusal is None or self._refusal.code != refusal.code
            if news:
                self._refusal, self._since = refusal, time.monotonic()
        return news

    def accepted(self) -> None:
        """Slack accepted a call: whatever was wrong was fixed."""
        with self._lock:
            self._refusal = self._since = None

    @property
    def refusal(self) -> SlackRefusal | None:
        """The workspace-wide refusal standing now, if any."""
        return self._refusal

    def health(self) -> dict[str, Any]:
        """A loop's check for ``bot.tracking.health``: alive always (a restart would not fix a
        token), ``stalled`` saying what an admin must fix while Slack refuses the setup."""
        with self._lock:
            refusal, since = self._refusal, self._since
        if refusal is None or since is None:
            return {"ok": True, "problem": None}
        age = time.monotonic() - since
        return {"ok": True, "problem": None, "code": refusal.code,
                "stalled": f"{refusal.line}, for {age:.0f} s; an admin must fix it"}  # fmt: skip
