"""``/recall``: help, status, list, quota, or a phrase to preview (or request at once)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot import blocks
from bot.ids import Command
from bot.phrase import PhraseError
from bot.store import Origin
from handlers import Deps, reply


def register(app: App, deps: Deps) -> None:
    """Wire /recall."""
    desk = deps.desk

    @app.command(Command.RECALL)
    def recall(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        text = (command.get("text") or "").strip()
        user = command["user_id"]
        word, _, rest = text.partition(" ")
        subcommand = word.lower()
        if subcommand in ("", "help"):
            ack(**reply(blocks.help_message()))
            return
        if subcommand in ("status", "list", "quota"):
            ack()
            if subcommand == "status":
                respond(**reply(desk.status(rest, user)))
            elif subcommand == "list":
                respond(**reply(desk.recent(user)))
            else:
                respond(**reply(desk.quota()))
            return
        parsed = desk.read(text, user)
        if isinstance(parsed, PhraseError):
            ack(**reply(desk.refused_phrase(text, parsed, user)))
            return
        ack(**reply(blocks.checking(text)))  # the Motive checks run after Slack has its answer
        origin = Origin(surface="slack", team_id=command.get("team_id"),
                        channel_id=command["channel_id"], user_id=user)  # fmt: skip
        preview = desk.preview(text, parsed, user, origin, command.get("response_url"))
        respond(**reply(preview, replace_original=True))
