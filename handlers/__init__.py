"""Thin Slack listeners, one module per surface: each acks, calls one core function, renders.

``register(app, deps)`` wires them all to a Bolt ``App``; the core they call (``SlackDesk``)
knows nothing of Bolt. Anything slower than reading the store runs after the ack, on
``deps.checks`` (previews, lookups) or ``deps.requests`` (Request), never on Bolt's own few
listener threads (see ``bot.plumbing.background``).
"""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, events, shortcuts, views
from handlers.deps import Deps

__all__ = ["Deps", "register"]


def register(app: App, deps: Deps) -> None:
    """Wire every listener."""
    for module in (events, commands, actions, shortcuts, views):
        module.register(app, deps)
