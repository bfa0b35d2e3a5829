"""Where was it, and who was there: the Slack side of ``bot.places``.

"where was truck 42 yesterday 3pm" answers from the location history with a map link and
"Recall 2 min here", which opens the ordinary preview of two minutes centred on the moment.
"trucks at the Elm St yard yesterday 3pm 2 min" resolves the place (one geofence, else the
candidates or a did-you-mean, never a guess) and opens the several-vehicles preview of the
vehicles inside it then; more than RECALLBOT_MAX_TARGETS are listed to choose from, and the
choice goes through the same preview and Request. Nothing here spends quota.

The buttons' values travel through Slack, so each is a pydantic model read back with its
rules; they carry only what the person was shown, and every click is checked again (the
policy, the place's vehicles) as a new ask would be.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from bot.fleet import NoMatch
from bot.motive import MotiveError
from bot.phrase import ParsedPhrase
from bot.phrase.questions import HERE_MINUTES, PlacePhrase, WherePhrase, recall_here
from bot.phrase.zones import zone_label
from bot.places import Inside, WhereUnknown
from bot.plumbing.timefmt import utc_text
from bot.recall import CameraPosition, RecallType
from bot.slack import blocks
from bot.slack.blocks import Message
from bot.slack.blocks.places import (
    nobody_inside,
    place_chooser,
    place_heading,
    where_answer,
)
from bot.slack.several import preview_several
from bot.store import Origin

if TYPE_CHECKING:
    from bot.slack.desk import SlackDesk

_log = logging.getLogger("recallbot.slack")

T = TypeVar("T")

_STALE = "This button no longer reads as recallbot wrote it. Ask again with `/recall`."


class RecallHere(BaseModel):
    """ "Recall 2 min here"'s value: the vehicle and the moment of the where-was answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    vehicle: str = Field(min_length=1, max_length=100)
    at: AwareDatetime


class PlaceChoice(BaseModel):
    """ "Preview chosen"'s value: the place as typed, its moment, and the window asked for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    place: str = Field(min_length=1, max_length=200)
    at: AwareDatetime
    start_time: AwareDatetime
    duration: int = Field(ge=1, le=60)
    recall_type: RecallType
    camera_positions: tuple[CameraPosition, ...] | None


class _Option(BaseModel):
    value: str = Field(max_length=100)


class _Ticked(BaseModel):
    """One checkboxes element's state in a block_actions payload (other elements' states
    have no ``selected_options`` and are left out)."""

    model_config = ConfigDict(extra="ignore")

    selected_options: list[_Option] = []


class _State(BaseModel):
    """A block_actions payload's ``state``: block id, then action id, then the state."""

    model_config = ConfigDict(extra="ignore")

    values: dict[str, dict[str, _Ticked]] = {}


def ticked(state: Any, prefix: str) -> list[str]:
    """The values ticked in the checkboxes of blocks whose id starts with ``prefix``."""
    read = _State.model_validate(state or {})
    return [option.value for block, actions in read.values.items() if block.startswith(prefix)
            for element in actions.values() for option in element.selected_options]  # fmt: skip


def where_was(desk: SlackDesk, asked: WherePhrase, user: str, channel: str | None) -> Message:
    """Where the vehicle was then, with a map link and "Recall 2 min here"."""
    found = _checked(
        desk, user, channel, lambda: desk.runtime.places.where(asked.vehicle, asked.at)
    )
    if isinstance(found, Message):
        return found
    if isinstance(found, NoMatch):
        return blocks.refusal(found.message())
    if isinstance(found, WhereUnknown):
        return blocks.notice(f":grey_question: {found.message()} Nothing was spent.")
    here = RecallHere(vehicle=found.vehicle, at=found.at).model_dump_json()
    return where_answer(found, asked.local_at.tzinfo or desk.zones.zone(user), here,
                        asked.inferred)  # fmt: skip


def recall_here_preview(
    desk: SlackDesk, value: str, user: str, origin: Origin, response_url: str | None
) -> Message:
    """ "Recall 2 min here": the ordinary preview of two minutes centred on the moment."""
    try:
        here = RecallHere.model_validate_json(value)
    except ValidationError:
        return blocks.notice(_STALE)
    parsed = recall_here(here.vehicle, here.at, desk.zones.zone(user))
    phrase = f"vehicle {here.vehicle} {utc_text(here.at)} ± {HERE_MINUTES // 2} min"
    return desk.preview(phrase, parsed, user, origin, response_url)


def at_place(
    desk: SlackDesk, phrase: str, asked: PlacePhrase, user: str, origin: Origin,
    response_url: str | None,
) -> Message:  # fmt: skip
    """The vehicles inside the place then: the several-vehicles preview, or the list to
    choose from when they are more than one request takes."""
    found = _checked(
        desk, user, origin.channel_id, lambda: desk.runtime.places.inside(asked.place, asked.at)
    )
    if isinstance(found, Message):
        return found
    if not isinstance(found, Inside):
        return blocks.notice(f":grey_question: {found.message()} Nothing was spent.")
    visitors = found.occupancy.visitors
    zone = asked.window.local_start.tzinfo or desk.zones.zone(user)
    most = desk.runtime.settings.max_targets
    if not visitors:
        return nobody_inside(found, zone)
    if len(visitors) > most:
        window = asked.window
        choice = PlaceChoice(place=asked.place, at=asked.at, start_time=window.start_time,
                             duration=window.duration, recall_type=window.recall_type,
                             camera_positions=window.camera_positions)  # fmt: skip
        return place_chooser(found, zone, most, choice.model_dump_json())
    numbers = [visitor.vehicle for visitor in visitors]
    return _preview(desk, phrase, asked, found, numbers, user, origin, response_url)


def chosen_preview(
    desk: SlackDesk, value: str, picked: list[str], user: str, origin: Origin,
    response_url: str | None,
) -> Message:  # fmt: skip
    """ "Preview chosen": the several-vehicles preview of the vehicles ticked (only vehicles
    inside the place then, at most RECALLBOT_MAX_TARGETS)."""
    try:
        choice = PlaceChoice.model_validate_json(value)
    except ValidationError:
        return blocks.notice(_STALE)
    found = _checked(
        desk, user, origin.channel_id, lambda: desk.runtime.places.inside(choice.place, choice.at)
    )
    if isinstance(found, Message):
        return found
    if not isinstance(found, Inside):
        return blocks.notice(f":grey_question: {found.message()}")
    inside = {visitor.vehicle for visitor in found.occupancy.visitors}
    numbers = [number for number in dict.fromkeys(picked) if number in inside]
    most = desk.runtime.settings.max_targets
    if not numbers or len(numbers) > most:
        return blocks.notice(f"Tick from 1 to {most} vehicles, then press *Preview chosen*. "
                             "Nothing was spent.")  # fmt: skip
    zone = desk.zones.zone(user)
    start = choice.start_time
    window = ParsedPhrase(targets=(), start_time=start, duration=choice.duration,
                          recall_type=choice.recall_type, camera_positions=choice.camera_positions,
                          local_start=start.astimezone(zone), zone_label=zone_label(zone),
                          moment=choice.at)  # fmt: skip
    asked = PlacePhrase(choice.place, window)
    phrase = f"{', '.join(numbers)} at {choice.place} {utc_text(choice.at)}"
    return _preview(desk, phrase, asked, found, numbers, user, origin, response_url)


def _preview(
    desk: SlackDesk, phrase: str, asked: PlacePhrase, found: Inside, numbers: list[str],
    user: str, origin: Origin, response_url: str | None,
) -> Message:  # fmt: skip
    zone = asked.window.local_start.tzinfo or desk.zones.zone(user)
    parsed = asked.with_vehicles(numbers)
    visits = {v.vehicle: v.words(found.occupancy.at, zone) for v in found.occupancy.visitors}
    origin = origin.model_copy(update={"moment": parsed.moment})
    return preview_several(desk, phrase, parsed, user, origin, response_url,
                           place_heading(found, zone), visits)  # fmt: skip


def _checked(desk: SlackDesk, user: str, channel: str | None, ask: Callable[[], T]) -> T | Message:
    """``ask``'s answer, asked only when the access policy lets ``user`` ask in ``channel``
    (every click is checked again, as a new ask is); else the refusal, or what Motive said."""
    refused = desk.gate.use(user, channel)
    if refused is not None:
        return blocks.refusal(refused.message)
    try:
        return ask()
    except MotiveError as exc:
        return _motive_said(exc)


def _motive_said(exc: MotiveError) -> Message:
    _log.warning("places: Motive refused: %s", exc)
    return blocks.notice(f":warning: Motive would not say ({exc.motive_message or exc}). Nothing "
                         "was spent; try again shortly.")  # fmt: skip
