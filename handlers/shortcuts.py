"""The message shortcut "Recall dashcam video": a modal prefilled from the message."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.modal import recall_modal
from bot.form import ModalContext, RecallForm, form_from_request
from bot.ids import CallbackId
from bot.phrase import ParsedPhrase
from handlers import Deps


def register(app: App, deps: Deps) -> None:
    """Wire the shortcut."""
    desk = deps.desk

    @app.shortcut(CallbackId.FROM_MESSAGE)
    def from_message(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        user = shortcut["user"]["id"]
        message = shortcut["message"]
        written = datetime.fromtimestamp(float(message["ts"]), UTC)  # "today" means that day
        zone = desk.zones.zone(user)
        parsed = desk.read(message.get("text", ""), user, now=written)
        form = (
            form_from_request(parsed.request, zone)
            if isinstance(parsed, ParsedPhrase)
            else RecallForm()
        )
        context = ModalContext(
            channel_id=shortcut["channel"]["id"], team_id=(shortcut.get("team") or {}).get("id"),
            thread_ts=message.get("thread_ts") or message["ts"],
            zone=str(getattr(zone, "key", "UTC")),
        )  # fmt: skip
        client.views_open(trigger_id=shortcut["trigger_id"], view=recall_modal(form, context))
