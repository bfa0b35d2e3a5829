"""What recallbot adds around every Slack listener: the log context (who, where), the ack's
latency for ``/metrics``, and one answer for a listener that fails.

A listener's exception is logged with its traceback and the person is told that something went
wrong and that nothing was spent: listeners only ack and hand off, so no Motive call can have
been made by then (work after the ack has its own failure answers, see ``handlers.deps``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.context.respond import Respond

from bot.plumbing import logs
from bot.plumbing.metrics import ACK_SECONDS, bounded, timed
from bot.slack import blocks
from bot.slack.notify import SlackPoster

_log = logging.getLogger("recallbot.slack")

FAILED = ":warning: Something went wrong on recallbot's side. Nothing was spent; try again."
# The kinds of request recallbot listens to (handlers/): the ack histogram's series are these
# and "other", whatever type a request says it is.
ACK_KINDS = frozenset({"command", "block_actions", "block_suggestion", "view_submission",
                       "message_action", "event:app_mention", "event:app_home_opened"})  # fmt: skip


def kind_of(body: dict[str, Any]) -> str:
    """What a request is, as one short label: a command, an action, a view, an event, ..."""
    if "command" in body:
        return "command"
    if body.get("type") == "event_callback":
        return f"event:{(body.get('event') or {}).get('type', 'unknown')}"
    return str(body.get("type") or "unknown")


def who_and_where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The user and channel a request comes from, wherever Slack put them."""
    event = body.get("event") or {}
    user = body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user")
    channel = (
        body.get("channel_id") or (body.get("channel") or {}).get("id") or event.get("channel")
    )
    return user, channel


def observe(bolt: App, poster: SlackPoster) -> None:
    """Install the middleware and the error handler on ``bolt``."""

    @bolt.use
    def context_and_timing(body: dict[str, Any], next: Callable[[], BoltResponse]) -> Any:
        user, channel = who_and_where(body)
        kind = bounded(kind_of(body), ACK_KINDS)
        with logs.context(user=user, channel=channel), timed(ACK_SECONDS, kind=kind):
            return next()

    @bolt.error
    def failed(error: Exception, body: dict[str, Any], respond: Respond | None) -> None:
        user, channel = who_and_where(body)
        with logs.context(user=user, channel=channel):
            _log.error("%s listener failed", kind_of(body), exc_info=error)
            try:
                if respond is not None:
                    respond(**blocks.notice(FAILED).ephemeral())
                elif user and channel:
                    poster.ephemeral(channel, user, blocks.notice(FAILED))
            except Exception:  # the log has the first failure; this one is secondary
                _log.warning("could not tell %s that their request failed", user, exc_info=True)
