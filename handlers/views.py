"""The recall modal's submission: field errors inline, or a fresh preview for the person."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.blocks import Message
from bot.form import ModalContext, form_from_state, request_from_form
from bot.ids import CallbackId
from bot.notify import zone_of
from bot.store import Origin
from handlers import Deps, failed, send


def register(app: App, deps: Deps) -> None:
    """Wire the modal."""
    desk = deps.desk

    @app.view(CallbackId.EDIT_MODAL)
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body["user"]["id"]
        context = ModalContext.model_validate_json(view["private_metadata"])
        zone = zone_of(context.zone, desk.zones.default) if context.zone else desk.zones.zone(user)
        request = request_from_form(form_from_state(view["state"]["values"]), zone, desk.clock())
        if isinstance(request, dict):
            ack(response_action="errors", errors=request)
            return
        ack()  # the preview's Motive checks run after the modal closes
        origin = Origin(surface="slack", team_id=context.team_id, channel_id=context.channel_id,
                        thread_ts=context.thread_ts, user_id=user)  # fmt: skip

        def tell(message: Message) -> None:
            if context.response_url:
                send(context.response_url, message, replace_original=True)
            else:
                deps.poster.ephemeral(
                    context.channel_id, user, message, thread_ts=context.thread_ts
                )

        deps.checks.run(
            lambda: tell(desk.preview_request(request, zone, user, origin, context.response_url)),
            failed(tell, "checking it with Motive"),
        )
