"""Buttons: Request, Edit, Cancel on a preview; Refresh links on an answer; link buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import blocks
from bot.blocks import Message
from bot.blocks.modal import recall_modal
from bot.form import ModalContext
from bot.ids import ActionId
from handlers import Deps, failed, reply


def _channel(body: dict[str, Any]) -> str:
    return str((body.get("channel") or {}).get("id") or body["container"].get("channel_id"))


def register(app: App, deps: Deps) -> None:
    """Wire the buttons."""
    desk = deps.desk

    @app.action(ActionId.SUBMIT)
    def request(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()

        def tell(message: Message) -> None:
            respond(**reply(message, replace_original=True))

        deps.requests.run(
            lambda: tell(desk.request(action["value"], body["user"]["id"])),
            failed(tell, "requesting it", "`/recall list` shows whether it was requested."),
        )

    @app.action(ActionId.CANCEL)
    def cancel(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        respond(**reply(desk.cancel(action["value"], body["user"]["id"]), replace_original=True))

    @app.action(ActionId.EDIT)
    def edit(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        user = body["user"]["id"]
        found = desk.edit_form(action["value"], user)
        if found is None:
            respond(**reply(blocks.notice("This preview is no longer known. Ask again.")))
            return
        form, zone = found
        context = ModalContext(
            channel_id=_channel(body), team_id=(body.get("team") or {}).get("id"),
            response_url=body.get("response_url"), zone=str(getattr(zone, "key", "UTC")),
        )  # fmt: skip
        client.views_open(trigger_id=body["trigger_id"], view=recall_modal(form, context))

    @app.action(ActionId.REFRESH)
    def refresh(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        message_ts = (body.get("message") or {}).get("ts") or body["container"]["message_ts"]

        def tell(message: Message | None) -> None:
            if message is not None:
                respond(**reply(message, replace_original=False))

        deps.checks.run(
            lambda: tell(desk.refresh(action["value"], body["user"]["id"], _channel(body),
                                      message_ts)),
            failed(tell, "refreshing the links",
                   "The old links still work until they expire; try again shortly."),
        )  # fmt: skip

    @app.action(ActionId.OPEN_LINK)
    def link_opened(ack: Ack) -> None:
        ack()  # a link button opens its URL in the browser; Slack still expects an ack
