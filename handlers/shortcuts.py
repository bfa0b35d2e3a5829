"""The message shortcut "Recall dashcam video": a modal prefilled from the message, answered in
the message's thread."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App

from bot.form import ModalContext
from bot.ids import CallbackId
from bot.slack import blocks
from handlers.deps import Deps, open_form


def register(app: App, deps: Deps) -> None:
    """Wire the shortcut."""

    @app.shortcut(CallbackId.FROM_MESSAGE)
    def from_message(ack: Ack, shortcut: dict[str, Any]) -> None:
        ack()
        user, channel = shortcut["user"]["id"], shortcut["channel"]["id"]
        refused = deps.desk.gate.use(user, channel)
        if refused is not None:
            deps.poster.respond(shortcut["response_url"], blocks.refusal(refused.message), False)
            return
        message = shortcut["message"]
        written = datetime.fromtimestamp(float(message["ts"]), UTC)  # "today" means that day
        opened = deps.forms.from_message(message.get("text", ""), user, written)
        context = ModalContext(
            channel_id=channel, team_id=(shortcut.get("team") or {}).get("id"),
            thread_ts=message.get("thread_ts") or message["ts"],
            zone=str(getattr(opened.zone, "key", "UTC")), user_id=user,
        )  # fmt: skip
        open_form(deps, shortcut["trigger_id"], opened, deps.forms.seal(context), user)
