"""Where a vehicle was, and which vehicles were inside a place: the answers of "where was truck
42 yesterday 3pm" and of "trucks at the Elm St yard yesterday 3pm" (pure builders).

Nothing here spends quota, and each answer says so; the buttons lead to the ordinary preview.
"""

from __future__ import annotations

from datetime import timedelta, tzinfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, CheckboxesElement, Option

from bot.ids import ActionId, BlockId
from bot.phrase import Inference
from bot.places import Inside, Whereabouts
from bot.plumbing.timefmt import clock_text, local_text, utc_text
from bot.slack.blocks.base import Message, escape, message, note, section

PICKS_PER_BLOCK = 10
"""Slack's most options in one checkboxes element: a longer list is split over blocks."""


def _notes(inferred: tuple[Inference, ...], *more: str) -> list[Block]:
    said = [*(i.message for i in inferred), *more]
    return [note("\n".join(f"• {escape(text)}" for text in said))] if said else []


def where_answer(
    found: Whereabouts, zone: tzinfo, here: str, inferred: tuple[Inference, ...] = ()
) -> Message:
    """The place (geofence, else Motive's place name, else coordinates), the speed and
    heading, a map link, and "Recall 2 min here" (``here``: its button's value)."""
    at, seen = found.at.astimezone(zone), found.seen_at.astimezone(zone)
    kind = "geofence" if found.geofence else "near" if found.description else "coordinates"
    if found.moving:
        motion = f"moving, heading {found.heading} at {found.kph:.0f} km/h"
    else:
        engine = {True: ", engine on", False: ", engine off", None: ""}[found.engine_on]
        motion = f"not moving{engine}"
    lines = [
        f":round_pushpin: *Vehicle {escape(found.vehicle)}* at {local_text(at)} "
        f"({utc_text(found.at)})",
        f"*Where:* {escape(found.place)} ({kind})",
        f"*Moving:* {motion}",
        f"*Seen:* {clock_text(seen)} (the location nearest that moment)",
    ]
    start, end = at - timedelta(minutes=1), at + timedelta(minutes=1)
    buttons = [
        ButtonElement(text="Map", url=found.map_url, action_id=ActionId.OPEN_LINK),
        ButtonElement(text="Recall 2 min here", action_id=ActionId.RECALL_HERE, value=here,
                      style="primary"),
    ]  # fmt: skip
    blocks: list[Block] = [
        section("\n".join(lines)),
        ActionsBlock(elements=buttons, block_id=BlockId.WHERE_ACTIONS),
        *_notes(inferred, f"Nothing was spent. “Recall 2 min here” previews {clock_text(start)} "
                f"to {clock_text(end)}, centred on that moment."),
    ]  # fmt: skip
    return message(f"Vehicle {found.vehicle} at {local_text(at)}: {found.words()}", blocks)


def place_heading(inside: Inside, zone: tzinfo) -> str:
    """What was resolved, and how it is known: "Inside Elm St yard at 3:00 PM CST: 3
    vehicles (Motive's geofence visits)"."""
    occupancy = inside.occupancy
    how = ("Motive's geofence visits" if occupancy.source == "geofence_events"
           else "each vehicle's location history")  # fmt: skip
    count = len(occupancy.visitors)
    vehicles = f"{count} vehicle{'s' if count != 1 else ''}"
    line = (f":round_pushpin: Inside *{escape(occupancy.place.name)}* at "
            f"{local_text(occupancy.at.astimezone(zone))}: {vehicles} ({how})")  # fmt: skip
    return line + (f"\n{escape(inside.match.note)}" if inside.match.note else "")


def nobody_inside(inside: Inside, zone: tzinfo) -> Message:
    """No vehicle was inside the place then: nothing to preview."""
    text = place_heading(inside, zone) + ". Nothing to recall; try another time."
    return message(f"No vehicle inside {inside.occupancy.place.name}", [section(text)])


def place_chooser(inside: Inside, zone: tzinfo, most: int, chosen: str) -> Message:
    """More vehicles than one request takes: every one listed, to tick up to ``most``
    (checkboxes, ten to a block), then "Preview chosen" (``chosen``: its button's value)."""
    visitors = inside.occupancy.visitors
    head = (f"{place_heading(inside, zone)}. One request takes at most {most} "
            "(RECALLBOT_MAX_TARGETS): tick the ones to recall, then *Preview chosen*.")  # fmt: skip
    blocks: list[Block] = [section(head)]
    for n in range(0, len(visitors), PICKS_PER_BLOCK):
        at = inside.occupancy.at
        options = [Option(value=v.vehicle, text=f"{v.vehicle} — {v.words(at, zone)}"[:75])
                   for v in visitors[n : n + PICKS_PER_BLOCK]]  # fmt: skip
        picks = CheckboxesElement(action_id=ActionId.PLACE_PICK, options=options)
        blocks.append(ActionsBlock(elements=[picks], block_id=f"{BlockId.PLACE_PICK}{n // 10}"))
    preview = ButtonElement(text="Preview chosen", action_id=ActionId.PLACE_CHOSEN, value=chosen,
                            style="primary")  # fmt: skip
    blocks.append(ActionsBlock(elements=[preview], block_id=BlockId.PREVIEW_ACTIONS))
    blocks.append(note("Nothing was spent."))
    name = inside.occupancy.place.name
    return message(f"{len(visitors)} vehicles inside {name}: choose up to {most}", blocks)
