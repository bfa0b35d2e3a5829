"""An incident thread's first message: Motive's safety event in words, with its buttons."""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.alerts import AlertWindow, SafetyEvent
from bot.ids import ActionId, BlockId
from bot.plumbing.timefmt import local_text, utc_text
from bot.slack.blocks.base import Message, escape, message, note, section
from bot.slack.blocks.look import look_button

_KMH_PER_MPH = 1.609344


def marker(event_id: str) -> str:
    """How the message names its event (the poster finds a message it lost by this)."""
    return f"Motive event {escape(event_id)}"


def _speed(event: SafetyEvent) -> str | None:
    speeds = [s for s in (event.start_speed_kmh, event.end_speed_kmh) if s is not None]
    if not speeds:
        return None
    kmh = " → ".join(f"{s:.0f}" for s in speeds)
    mph = " → ".join(f"{s / _KMH_PER_MPH:.0f}" for s in speeds)
    return f"{kmh} km/h ({mph} mph)"


def _place(event: SafetyEvent) -> str | None:
    where = escape(event.location) if event.location else None
    if event.lat is not None and event.lon is not None:
        at = f"{event.lat:.5f}, {event.lon:.5f}"
        return f"{where} ({at})" if where else at
    return where


def alert_message(
    event: SafetyEvent,
    vehicle: str | None,
    zone: tzinfo,
    window: AlertWindow,
    show_driver: bool,
    status: str | None = None,
) -> Message:
    """The event, the vehicle, the time here and in UTC, the place, the speed (and the driver
    only when allowed), with the buttons that request the footage around it (none when the
    vehicle is unknown). ``status``: what was done automatically, or why not."""
    local = event.start_time.astimezone(zone)
    named = f"vehicle *{escape(vehicle)}*" if vehicle else "an unknown vehicle"
    lines = [f":rotating_light: *{escape(event.words)}* · {named}",
             f"*When:* {local_text(local)} ({utc_text(event.start_time)})"]  # fmt: skip
    place, speed = _place(event), _speed(event)
    if place:
        lines.append(f"*Where:* {place}")
    if speed:
        lines.append(f"*Speed:* {speed}")
    if show_driver and event.driver_name:
        lines.append(f"*Driver:* {escape(event.driver_name)}")
    if event.severity:
        lines.append(f"*Severity:* {escape(event.severity)}")
    blocks: list[Block] = [section("\n".join(lines))]
    if status:
        blocks.append(section(status))
    if vehicle:
        minutes = f"{window.minutes} min"
        blocks.append(ActionsBlock(block_id=BlockId.ALERT_ACTIONS, elements=[
            ButtonElement(text=f"Road-facing, {minutes}", action_id=ActionId.ALERT_ROAD,
                          value=event.id, style="primary"),
            ButtonElement(text=f"Every camera, {minutes}", action_id=ActionId.ALERT_ALL,
                          value=event.id),
            ButtonElement(text="Edit…", action_id=ActionId.ALERT_EDIT, value=event.id),
            look_button(ActionId.ALERT_LOOK, event.id),
        ]))  # fmt: skip
    else:
        ids = f" (Motive id {escape(event.vehicle_id)})" if event.vehicle_id else ""
        blocks.append(section(f"The vehicle{ids} is not in the fleet, so no footage can be "
                              "requested from here."))  # fmt: skip
    context = [marker(event.id), f"the buttons ask for {window.words()} its start"]
    if event.coaching_status:
        context.append(f"coaching: {escape(event.coaching_status.replace('_', ' '))}")
    blocks.append(note(" · ".join(context)))
    summary = f"{event.words}, {'vehicle ' + vehicle if vehicle else 'unknown vehicle'}"
    return message(f"{escape(summary)}, {local_text(local)}", blocks)
