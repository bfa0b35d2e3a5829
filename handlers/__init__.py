"""Thin Slack listeners, one module per surface: each acks, calls one core function, renders.

``register(app, deps)`` wires them all to a Bolt ``App``; the core they call (``SlackDesk``)
knows nothing of Bolt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_sdk.webhook import WebhookClient

from bot.blocks import Message
from bot.notify import SlackPoster
from bot.slack_desk import SlackDesk
from bot.store import Store


@dataclass(frozen=True)
class Deps:
    """What the listeners need."""

    desk: SlackDesk
    poster: SlackPoster
    store: Store


def reply(message: Message, **extra: Any) -> dict[str, Any]:
    """A message as the keyword arguments of ``ack``/``respond`` (ephemeral by default)."""
    return {"text": message.text, "blocks": message.blocks, "response_type": "ephemeral", **extra}


def send(response_url: str, message: Message, **extra: Any) -> None:
    """Answer through a response_url (what ``respond`` does, for code outside a listener)."""
    WebhookClient(response_url).send(**reply(message, **extra))


def register(app: App, deps: Deps) -> None:
    """Wire every listener."""
    from handlers import actions, commands, events, shortcuts, views

    for module in (events, commands, actions, shortcuts, views):
        module.register(app, deps)
