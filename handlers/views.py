"""The recall modal: vehicles and assets for its select, and its submission (field errors
inline, or checked again and requested, with the outcome shown in the modal)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.form import form_from_state, request_from_form
from bot.ids import ActionId, BlockId, CallbackId
from bot.slack.blocks import Message
from bot.slack.blocks.modal import result_modal, target_option, target_options
from handlers.deps import Deps, failed

_UNSEALED = "This form could not be verified as the one you opened. Close it and open it again."


def register(app: App, deps: Deps) -> None:
    """Wire the modal."""
    forms = deps.forms

    @app.options(ActionId.TARGET_SEARCH)
    def targets(ack: Ack, payload: dict[str, Any]) -> None:
        found = forms.targets(payload.get("value") or "")
        ack(**target_options([target_option(kind, name, detail) for kind, name, detail in found]))

    @app.view(CallbackId.EDIT_MODAL)
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body["user"]["id"]
        context = forms.context_of(view.get("private_metadata") or "", user)
        if context is None:
            ack(response_action="errors", errors={BlockId.TARGET: _UNSEALED})
            return
        form = form_from_state(view["state"]["values"])
        request = request_from_form(form, forms.zone(context), deps.desk.clock())
        if isinstance(request, dict):
            ack(response_action="errors", errors=request)
            return
        ack(response_action="update", view=forms.checking(context, request))

        def tell(message: Message) -> None:
            deps.poster.update_view(view["id"], result_modal(context, message))

        deps.requests.run(
            lambda: forms.submit(form, request, user, context, view["id"]),
            failed(tell, "requesting it", "`/recall list` shows whether it was requested."),
        )
