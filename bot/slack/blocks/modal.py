"""The recall modal: every field of a request, prefilled with what is known, the footage and
quota check once it returns, and the views shown while it is checked and once it is requested."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    RadioButtonsElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.form import ModalContext, RecallForm
from bot.ids import ActionId, BlockId, CallbackId
from bot.recall import ALLOWED_DURATIONS, CAMERA_ORDER, CAMERA_WORDS, RecallType
from bot.slack.blocks.base import Message, escape, note, section

TITLE = "Recall dashcam video"
MAX_OPTIONS = 100  # Slack's limit for an external select's answer
_ACTION = "value"
_KINDS = [
    Option(value=RecallType.REGULAR.value, label="Regular (1-3 min)"),
    Option(value=RecallType.TIMELAPSE.value, label="Time-lapse (5-60 min)"),
]


def target_option(kind: str, name: str, detail: str = "") -> Option:
    """One vehicle or asset as the select shows it (value ``vehicle:42`` / ``asset:TRL-0093``)."""
    label = f"{'Vehicle' if kind == 'vehicle' else 'Asset'} {name}"
    if detail:
        label += f" · {detail}"
    return Option(value=f"{kind}:{name}", label=label[:75])


def target_options(found: list[Option]) -> dict[str, Any]:
    """The answer to a block suggestion."""
    return {"options": [option.to_dict() for option in found[:MAX_OPTIONS]]}


def _target(form: RecallForm) -> InputBlock:
    initial = target_option(form.target_kind, form.target) if form.target else None
    element = ExternalDataSelectElement(
        action_id=ActionId.TARGET_SEARCH, placeholder="Type a fleet number or asset name",
        initial_option=initial, min_query_length=0,
    )  # fmt: skip
    return InputBlock(block_id=BlockId.TARGET, label="Vehicle or asset", element=element)


def _day(form: RecallForm) -> InputBlock:
    initial = form.day.isoformat() if form.day else None
    element = DatePickerElement(action_id=_ACTION, initial_date=initial)
    return InputBlock(block_id=BlockId.DATE, label="Day", element=element)


def _clock(form: RecallForm, zone: str) -> InputBlock:
    initial = form.clock.strftime("%H:%M") if form.clock else None
    element = TimePickerElement(action_id=_ACTION, initial_time=initial, timezone=zone)
    return InputBlock(block_id=BlockId.TIME, label=f"Start time ({zone})", element=element)


def _duration(form: RecallForm) -> InputBlock:
    minutes = sorted({m for kind in RecallType for m in ALLOWED_DURATIONS[kind]})
    options = [Option(value=str(m), label=f"{m} min") for m in minutes]
    initial = next((o for o in options if o.value == str(form.duration)), None)
    element = StaticSelectElement(action_id=_ACTION, options=options, initial_option=initial)
    label = "Length (none picked: 1 min; a time-lapse needs one)"
    return InputBlock(block_id=BlockId.DURATION, label=label, element=element, optional=True)


def _cameras(form: RecallForm) -> InputBlock:
    options = [Option(value=p.value, label=CAMERA_WORDS[p]) for p in CAMERA_ORDER]
    initial = [o for o in options if o.value in form.cameras] or None
    element = CheckboxesElement(action_id=_ACTION, options=options, initial_options=initial)
    label = "Cameras (none ticked: every camera)"
    return InputBlock(block_id=BlockId.CAMERAS, label=label, element=element, optional=True)


def _kind(form: RecallForm) -> InputBlock:
    initial = next((o for o in _KINDS if o.value == form.recall_type), None)
    element = RadioButtonsElement(action_id=_ACTION, options=_KINDS, initial_option=initial)
    label = "Type (none picked: regular)"
    return InputBlock(block_id=BlockId.KIND, label=label, element=element, optional=True)


def _check(form: RecallForm, check: list[str] | None) -> Block:
    if check:
        return section("\n".join(check), block_id=BlockId.CHECK)
    if form.complete:
        text = ":hourglass_flowing_sand: Checking footage and quota with Motive…"
    else:
        text = "Footage and quota are checked once the vehicle, day and time are filled in."
    return ContextBlock(elements=[MarkdownTextObject(text=text)], block_id=BlockId.CHECK)


def recall_modal(
    form: RecallForm,
    context: ModalContext,
    intro: list[str] | None = None,
    check: list[str] | None = None,
) -> dict[str, Any]:
    """The form: what it was filled from (``intro``), the fields, then the check's findings."""
    blocks: list[Block] = [note("\n".join(intro))] if intro else []
    blocks += [
        _target(form), _day(form), _clock(form, context.zone), _duration(form), _cameras(form),
        _kind(form), _check(form, check),
    ]  # fmt: skip
    return _view(blocks, context, submit="Request")


def checking_modal(context: ModalContext, summary: str) -> dict[str, Any]:
    """Shown from the moment the form is submitted until Motive has answered the checks."""
    text = f":hourglass_flowing_sand: Checking {escape(summary)} with Motive, then requesting it…"
    return _view([section(text)], context)


def result_modal(context: ModalContext, outcome: Message) -> dict[str, Any]:
    """What became of the request (requested, refused, a duplicate…)."""
    return _view([section(outcome.text)], context, close="Done")


def _view(
    blocks: list[Block], context: ModalContext, submit: str | None = None, close: str = "Cancel"
) -> dict[str, Any]:
    view = View(
        type="modal", callback_id=CallbackId.EDIT_MODAL, title=TITLE, submit=submit,
        close=close, blocks=blocks, private_metadata=context.model_dump_json(),
    )  # fmt: skip
    return view.to_dict()
