"""The recall modal: every field of a request, prefilled where it is known."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.form import ModalContext, RecallForm
from bot.ids import BlockId, CallbackId
from bot.recall import ALLOWED_DURATIONS, CAMERA_ORDER, CAMERA_WORDS, RecallType

_ACTION = "value"
_KINDS = [
    Option(value=RecallType.REGULAR.value, label="Regular (1-3 min)"),
    Option(value=RecallType.TIMELAPSE.value, label="Time-lapse (5-60 min)"),
]


def _target(form: RecallForm) -> InputBlock:
    shown = form.target
    if shown and form.target_kind == "asset":
        shown = f"asset:{shown}"
    element = PlainTextInputElement(
        action_id=_ACTION, initial_value=shown or None, placeholder="42, TX-4471, asset:TRL-0093"
    )
    return InputBlock(block_id=BlockId.TARGET, label="Vehicle (or asset:NAME)", element=element)


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
    return InputBlock(block_id=BlockId.DURATION, label="Length", element=element)


def _cameras(form: RecallForm) -> InputBlock:
    options = [Option(value=p.value, label=CAMERA_WORDS[p]) for p in CAMERA_ORDER]
    initial = [o for o in options if o.value in form.cameras] or None
    element = CheckboxesElement(action_id=_ACTION, options=options, initial_options=initial)
    label = "Cameras (none ticked: every camera)"
    return InputBlock(block_id=BlockId.CAMERAS, label=label, element=element, optional=True)


def _kind(form: RecallForm) -> InputBlock:
    initial = next(o for o in _KINDS if o.value == form.recall_type)
    element = RadioButtonsElement(action_id=_ACTION, options=_KINDS, initial_option=initial)
    return InputBlock(block_id=BlockId.KIND, label="Type", element=element)


def recall_modal(
    form: RecallForm, context: ModalContext, title: str = "Recall dashcam video"
) -> dict[str, Any]:
    """A modal to check and change a request before previewing it again."""
    blocks = [
        _target(form),
        _day(form),
        _clock(form, context.zone),
        _duration(form),
        _cameras(form),
        _kind(form),
    ]
    view = View(
        type="modal",
        callback_id=CallbackId.EDIT_MODAL,
        title=title[:24],
        submit="Preview",
        close="Cancel",
        blocks=blocks,
        private_metadata=context.model_dump_json(),
    )
    return view.to_dict()
