"""The recall form (the modal): fields in, a validated request or per-field errors out.

The same rules as the phrase language: allowed lengths per type, nothing in the future, wall
times that never happened or happened twice refused; errors are keyed by the field's block id so
Slack can show each one under its field. A form prefilled from a message fills only what the
message said; length, cameras and type may stay empty and then mean what the modal says (the
type's default length, every camera, regular).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.clock_placement import place
from bot.ids import BlockId
from bot.phrase.fields import SaidFields
from bot.recall import (
    ALLOWED_DURATIONS,
    DEFAULT_DURATION,
    CameraPosition,
    RecallRequest,
    RecallType,
)


class RecallForm(BaseModel):
    """The modal's fields."""

    model_config = ConfigDict(frozen=True)

    target_kind: Literal["vehicle", "asset"] = "vehicle"
    target: str | None = None
    day: date | None = None
    clock: time | None = None
    duration: int | None = None  # none picked: the type's default
    cameras: tuple[CameraPosition, ...] = ()  # none ticked: every camera
    recall_type: RecallType | None = None  # none picked: regular

    @property
    def complete(self) -> bool:
        """Whether the form names enough to check footage and quota before it is submitted."""
        return bool(self.target and self.day and self.clock)


class ModalContext(BaseModel):
    """What a modal must remember between opening and submitting (its private_metadata).

    It travels through Slack, so it is sealed: an HMAC over every field, keyed with a secret
    of recallbot's, and the person who opened it. A submission whose context was changed (a
    channel the submitter is not in, a URL to POST to, someone else's preview) or that comes
    from someone else is refused.
    """

    model_config = ConfigDict(frozen=True)

    channel_id: str
    team_id: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None  # the /recall preview the modal replaces (Edit)
    draft_id: str | None = None  # that preview's draft, used up when the modal requests
    zone: str = "UTC"
    user_id: str | None = None  # who opened it: the only one who may submit it
    seal: str = ""

    def sealed(self, key: bytes) -> ModalContext:
        """This context with its seal."""
        return self.model_copy(update={"seal": self._mac(key)})

    def opened_by(self, key: bytes, user: str) -> bool:
        """Whether the seal is intact and ``user`` opened the modal."""
        return (
            bool(self.seal)
            and hmac.compare_digest(self.seal, self._mac(key))
            and (self.user_id == user)
        )

    def _mac(self, key: bytes) -> str:
        body = self.model_dump_json(exclude={"seal"}).encode()
        return hmac.new(key, body, hashlib.sha256).hexdigest()


def form_from_fields(said: SaidFields, zone: tzinfo) -> RecallForm:
    """A form with what a message said, its time shown in the person's zone."""
    local = said.start.astimezone(zone) if said.start else None
    return RecallForm(
        target_kind="asset" if said.asset_name else "vehicle",
        target=said.vehicle_number or said.asset_name,
        day=local.date() if local else said.day,
        clock=local.time().replace(second=0, microsecond=0) if local else None,
        duration=said.duration,
        cameras=said.cameras or (),
        recall_type=said.recall_type,
    )


def form_from_request(request: RecallRequest, zone: tzinfo) -> RecallForm:
    """A form prefilled with a request (the Edit button)."""
    local = request.start_time.astimezone(zone)
    return RecallForm(
        target_kind="vehicle" if request.vehicle_number is not None else "asset",
        target=request.target,
        day=local.date(),
        clock=local.time().replace(second=0, microsecond=0),
        duration=request.duration,
        cameras=request.camera_positions or (),
        recall_type=request.recall_type,
    )


def _selected(state: dict[str, Any], block: str) -> Any:
    element: dict[str, Any] = next(iter(state.get(block, {}).values()), {})
    for key in ("value", "selected_date", "selected_time"):
        if element.get(key):
            return element[key]
    if element.get("selected_option"):
        return element["selected_option"]["value"]
    if "selected_options" in element:
        return [option["value"] for option in element["selected_options"] or []]
    return None


def form_from_state(values: dict[str, Any]) -> RecallForm:
    """The form as Slack's ``view.state.values`` holds it."""
    target = _selected(values, BlockId.TARGET)
    kind = "asset" if isinstance(target, str) and target.startswith("asset:") else "vehicle"
    if isinstance(target, str):
        target = target.removeprefix("asset:").removeprefix("vehicle:").strip() or None
    duration = _selected(values, BlockId.DURATION)
    return RecallForm(
        target_kind=kind,
        target=target,
        day=_selected(values, BlockId.DATE),
        clock=_selected(values, BlockId.TIME),
        duration=int(duration) if duration else None,
        cameras=tuple(_selected(values, BlockId.CAMERAS) or ()),
        recall_type=_selected(values, BlockId.KIND),
    )


def request_from_form(
    form: RecallForm, zone: tzinfo, now: datetime
) -> RecallRequest | dict[str, str]:
    """The request a form describes, or an error per field that is wrong."""
    errors: dict[str, str] = {}
    if not form.target:
        errors[BlockId.TARGET] = "Name the vehicle or asset, e.g. 42 or TRL-0093."
    if form.day is None:
        errors[BlockId.DATE] = "Pick the day."
    if form.clock is None:
        errors[BlockId.TIME] = "Pick the time the footage starts."
    recall_type = form.recall_type or RecallType.REGULAR
    allowed = ALLOWED_DURATIONS[recall_type]
    duration = form.duration or DEFAULT_DURATION[recall_type]
    if duration not in allowed:
        shown = ", ".join(str(m) for m in allowed)
        errors[BlockId.DURATION] = f"A {recall_type} recall lasts {shown} minutes: pick one."
    if errors or form.day is None or form.clock is None or duration is None:
        return errors
    placed = place(form.day, form.clock, zone)
    if isinstance(placed, str):
        return {BlockId.TIME: placed}
    if placed + timedelta(minutes=duration) > now:
        return {BlockId.TIME: "That window has not happened yet: footage must already be recorded."}
    target = {"vehicle_number" if form.target_kind == "vehicle" else "asset_name": form.target}
    try:
        return RecallRequest(
            **target, start_time=placed, duration=duration,
            recall_type=recall_type, camera_positions=form.cameras or None,
        )  # fmt: skip
    except ValidationError as exc:
        return {BlockId.TARGET: exc.errors()[0]["msg"]}
