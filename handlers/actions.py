"""Buttons: Request, Edit, Cancel on a preview; Refresh links and Look now on an answer; link
buttons; an alert's Road-facing / Every camera / Edit / Look now."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.form import ModalContext
from bot.ids import ActionId, BlockId
from bot.slack import blocks
from bot.slack.blocks import Message
from bot.slack.places import chosen_preview, recall_here_preview, ticked
from bot.store import Origin
from handlers.deps import Deps, failed, open_form


def _channel(body: dict[str, Any]) -> str:
    return str((body.get("channel") or {}).get("id") or body["container"].get("channel_id"))


def register(app: App, deps: Deps) -> None:
    """Wire the buttons."""
    desk = deps.desk

    @app.action(ActionId.SUBMIT)
    def request(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()

        def tell(message: Message) -> None:
            deps.poster.respond(body["response_url"], message, replace_original=True)

        deps.requests.run(
            lambda: tell(desk.request(action["value"], body["user"]["id"])),
            failed(tell, "requesting it", "`/recall list` shows whether it was requested."),
        )

    @app.action(ActionId.CANCEL)
    def cancel(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        respond(**desk.cancel(action["value"], body["user"]["id"]).ephemeral(replace_original=True))

    def open_draft(body: dict[str, Any], draft_id: str, respond: Respond) -> None:
        """The modal, filled from a draft (a preview's, or an alert's event)."""
        user = body["user"]["id"]
        opened = deps.forms.from_draft(draft_id, user)
        if opened is None:
            gone = "This preview is no longer known, or was already used. Ask again."
            respond(**blocks.notice(gone).ephemeral(replace_original=False))
            return
        context = ModalContext(
            channel_id=_channel(body), team_id=(body.get("team") or {}).get("id"),
            thread_ts=opened.thread_ts, response_url=body.get("response_url"),
            draft_id=draft_id, zone=str(getattr(opened.zone, "key", "UTC")), user_id=user,
        )  # fmt: skip
        open_form(deps, body["trigger_id"], opened, deps.forms.seal(context), user)

    @app.action(ActionId.EDIT)
    def edit(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        open_draft(body, action["value"], respond)

    @app.action(ActionId.ALERT_ROAD)
    @app.action(ActionId.ALERT_ALL)
    def alert_recall(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        alerts = deps.alerts
        if alerts is None:
            return

        def tell(message: Message) -> None:  # to the clicker; the alert itself stays
            respond(**message.ephemeral(replace_original=False))

        every = action["action_id"] == ActionId.ALERT_ALL
        deps.requests.run(
            lambda: tell(alerts.click(action["value"], body["user"]["id"], every)),
            failed(tell, "requesting it", "`/recall list` shows whether it was requested."),
        )

    @app.action(ActionId.ALERT_EDIT)
    def alert_edit(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        if deps.alerts is None:
            return
        draft = deps.alerts.edit_draft(action["value"], body["user"]["id"])
        if isinstance(draft, Message):
            respond(**draft.ephemeral(replace_original=False))
            return
        open_draft(body, draft.id, respond)

    @app.action(ActionId.ALERT_LOOK)
    @app.action(ActionId.ANSWER_LOOK)
    def look_now(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        user, value = body["user"]["id"], action["value"]

        def tell(message: Message) -> None:  # to the clicker; the message itself stays
            respond(**message.ephemeral(replace_original=False))

        def look() -> Message:
            if action["action_id"] == ActionId.ANSWER_LOOK:
                return deps.looks.for_recall(value, user, _channel(body))
            if deps.alerts is None:
                return blocks.notice("Alerts are off here (RECALLBOT_ALERTS_CHANNEL).")
            ask = deps.alerts.look_ask(value)
            return ask if isinstance(ask, Message) else deps.looks.look(ask, user)

        deps.requests.run(lambda: tell(look()), failed(tell, "asking Motive for a picture"))

    @app.action(ActionId.REFRESH)
    def refresh(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        message_ts = (body.get("message") or {}).get("ts") or body["container"]["message_ts"]

        def tell(message: Message | None) -> None:
            if message is not None:
                respond(**message.ephemeral(replace_original=False))

        deps.checks.run(
            lambda: tell(desk.refresh(action["value"], body["user"]["id"], _channel(body),
                                      message_ts)),
            failed(tell, "refreshing the links",
                   "The old links still work until they expire; try again shortly."),
        )  # fmt: skip

    @app.action(ActionId.OPEN_LINK)
    @app.action(ActionId.PLACE_PICK)
    def acknowledged(ack: Ack) -> None:
        ack()  # a link opens in the browser; a tick is read when Preview chosen is pressed

    def origin_of(body: dict[str, Any]) -> Origin:
        return Origin(surface="slack", team_id=(body.get("team") or {}).get("id"),
                      channel_id=_channel(body), user_id=body["user"]["id"])  # fmt: skip

    @app.action(ActionId.RECALL_HERE)
    def recall_here(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()

        def tell(message: Message) -> None:  # a new preview; the where-was answer stays
            deps.poster.respond(body["response_url"], message, replace_original=False)

        deps.checks.run(
            lambda: tell(recall_here_preview(desk, action["value"], body["user"]["id"],
                                             origin_of(body), body.get("response_url"))),
            failed(tell, "checking it with Motive"),
        )  # fmt: skip

    @app.action(ActionId.PLACE_CHOSEN)
    def place_chosen(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        picked = ticked(body.get("state"), BlockId.PLACE_PICK)

        def tell(message: Message) -> None:
            deps.poster.respond(body["response_url"], message, replace_original=True)

        deps.checks.run(
            lambda: tell(chosen_preview(desk, action["value"], picked, body["user"]["id"],
                                        origin_of(body), body.get("response_url"))),
            failed(tell, "checking them with Motive"),
        )  # fmt: skip
