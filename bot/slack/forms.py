"""The recall modal's life: opened prefilled (from a message, or from a preview's Edit),
checked with Motive while it is open, and requested when it is submitted.

The modal is the confirmation: its fields are explicit, its top says what was filled from the
message and what is still needed, and the footage and quota check shows in it before it is
submitted. A submitted form is checked again and requested at once; the status message goes to
the thread of the message it was opened on, and the answer follows it there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from bot.fleet import TargetKind
from bot.form import (
    ModalContext,
    RecallForm,
    form_from_fields,
    form_from_request,
    request_from_form,
)
from bot.phrase.fields import SaidFields, read_fields
from bot.plumbing.timefmt import day_text, local_text
from bot.policy import Refusal
from bot.recall import RecallRequest
from bot.slack import blocks
from bot.slack.blocks.base import escape
from bot.slack.blocks.modal import checking_modal, recall_modal, result_modal
from bot.slack.blocks.preview import check_lines, problem_texts
from bot.slack.blocks.words import camera_list_words, target_words
from bot.slack.desk import SlackDesk
from bot.slack.notify import zone_of
from bot.store import Origin

MAX_MATCHES = 50


@dataclass(frozen=True)
class OpenForm:
    """A form about to be shown: its fields, the person's zone, and what it was filled from."""

    form: RecallForm
    zone: tzinfo
    intro: tuple[str, ...] = ()
    thread_ts: str | None = None  # where a preview's request was to be answered (Edit)


def _intro(said: SaidFields, form: RecallForm, zone: tzinfo) -> tuple[str, ...]:
    """What the message gave, what is still needed, and what it said that could not be used."""
    taken: list[str] = []
    if form.target:
        taken.append(f"{form.target_kind} {form.target}")
    if said.start is not None:
        shown = local_text(said.start)
        if said.start.utcoffset() != said.start.astimezone(zone).utcoffset():
            shown += f" ({local_text(said.start.astimezone(zone))} your time)"
        taken.append(shown)
    elif said.day is not None:
        taken.append(day_text(said.day))
    if said.duration:
        taken.append(f"{said.duration} min")
    if said.cameras:
        taken.append(camera_list_words(said.cameras))
    if said.recall_type:
        taken.append(str(said.recall_type))
    lines = [f"*From the message:* {', '.join(taken) if taken else 'nothing I could use'}."]
    needed = [name for name, known in (("the vehicle", form.target), ("the day", form.day),
                                       ("the time", form.clock)) if not known]  # fmt: skip
    if needed:
        lines.append(f"*Still needed:* {', '.join(needed)}.")
    lines += [f":warning: {escape(why)}" for why in said.unusable]
    return tuple(lines)


@dataclass
class FormDesk:
    """What the modal does; Slack's views are opened and updated through the desk's poster."""

    desk: SlackDesk
    key: bytes  # seals each modal's context (see ``ModalContext``)

    def seal(self, context: ModalContext) -> ModalContext:
        """The context, sealed for the round trip through Slack."""
        return context.sealed(self.key)

    def context_of(self, private_metadata: str, user: str) -> ModalContext | None:
        """A submitted modal's context, if its seal holds and ``user`` opened it (the
        refusal is audited)."""
        try:
            context = ModalContext.model_validate_json(private_metadata)
        except ValueError:
            context = None
        if context is None or not context.opened_by(self.key, user):
            self.desk.runtime.store.audit.add(user, "refused", reason="modal_context_not_sealed")
            return None
        return context

    def from_message(self, text: str, user: str, written: datetime) -> OpenForm:
        """The form with what a message says, read as of when it was posted, in the clicking
        person's zone."""
        zone = self.desk.zones.zone(user)
        said = read_fields(text, zone, written)
        form = form_from_fields(said, zone)
        return OpenForm(form, zone, _intro(said, form, zone))

    def from_draft(self, draft_id: str, user: str) -> OpenForm | None:
        """The form with a preview's request (Edit); None when the preview is gone or used."""
        draft = self.desk.runtime.store.drafts.get(draft_id)
        if draft is None or draft.requested_by != user or draft.used_at is not None:
            return None
        zone = self.desk.zones.zone(user)
        return OpenForm(form_from_request(draft.request, zone), zone, thread_ts=draft.thread_ts)

    def show(self, trigger_id: str, opened: OpenForm, context: ModalContext) -> tuple[str, str]:
        """Open the modal (within the trigger's 3 seconds); its id and version."""
        return self.desk.poster.open_view(
            trigger_id, recall_modal(opened.form, context, list(opened.intro))
        )

    def show_check(
        self, view: tuple[str, str], opened: OpenForm, context: ModalContext, user: str,
        found: list[str] | None = None,
    ) -> None:  # fmt: skip
        """Check an open form and show what was found (unless the person changed it since)."""
        if found is None:
            found = self.check(opened.form, opened.zone, user, context.channel_id)
        checked = recall_modal(opened.form, context, list(opened.intro), found)
        self.desk.poster.update_view(view[0], checked, view[1])

    def check(self, form: RecallForm, zone: tzinfo, user: str, channel: str) -> list[str]:
        """What the footage and quota check says of a form (nothing is spent or kept)."""
        request = request_from_form(form, zone, self.desk.clock())
        if isinstance(request, dict):
            return [f":warning: {escape(error)}" for error in request.values()]
        origin = Origin(surface="slack", channel_id=channel, user_id=user)
        checked = self.desk.check(request, user, origin, f"(form) {request.target}", keep=False)
        if isinstance(checked, Refusal):
            return [f":no_entry: {checked.message}"]
        return check_lines(checked[0]) + problem_texts(checked[0], zone)

    def targets(self, typed: str) -> list[tuple[TargetKind, str, str]]:
        """Vehicles and assets for the modal's select, best first."""
        return self.desk.runtime.service.fleet.search(typed, MAX_MATCHES)

    def checking(self, context: ModalContext, request: RecallRequest) -> dict[str, Any]:
        """The view shown while a submitted form is checked and requested."""
        start = request.start_time.astimezone(self.zone(context))
        return checking_modal(context, f"{target_words(request)} at {local_text(start)}")

    def submit(
        self, form: RecallForm, request: RecallRequest, user: str, context: ModalContext,
        view_id: str,
    ) -> None:  # fmt: skip
        """Check the submitted request again, then request it, or show in the modal why not."""
        desk = self.desk
        origin = Origin(surface="slack", team_id=context.team_id, channel_id=context.channel_id,
                        thread_ts=context.thread_ts, user_id=user)  # fmt: skip
        checked = desk.check(request, user, origin, f"(form) {request.target}")
        if isinstance(checked, Refusal):
            desk.poster.update_view(view_id, result_modal(context, blocks.refusal(checked.message)))
            return
        found, draft = checked
        if draft is None:
            shown = check_lines(found) + problem_texts(found, self.zone(context))
            intro = ["*Not requested:* change what the check below says, then Request again."]
            desk.poster.update_view(view_id, recall_modal(form, context, intro, shown))
            return
        outcome = desk.request(draft.id, user)
        desk.poster.update_view(view_id, result_modal(context, outcome))
        if context.draft_id is not None:  # the /recall preview this form replaced
            desk.runtime.store.drafts.use(context.draft_id, user, desk.clock())
        if context.response_url is not None:
            desk.poster.respond(context.response_url, outcome, replace_original=True)

    def zone(self, context: ModalContext) -> tzinfo:
        """The zone the form's times are in (kept in the modal's metadata)."""
        return zone_of(context.zone, self.desk.zones.default)
