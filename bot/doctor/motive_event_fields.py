"""Doctor's checks of a safety event's guessed fields: the vehicle, driver, clip, coaching
status, update time and severity are each seen where recallbot reads them, seen under another
key (reported with the setting that reads it), or not seen.

Only an event Motive listed can show them, so with no event in the last 24 hours the fields
are skipped (and doctor says to run again after one). A field is "under another key" only
when the value there looks like the field's (a vehicle has a number, a driver a name, a clip
its videos); a missing field without a look-alike is reported as read as unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.doctor.check import Check, Outcome
from bot.doctor.motive_reads import SET_SHAPES, MotiveReads, keys
from bot.motive import EventShapes


def event_field_checks(reads: MotiveReads, shapes: EventShapes, raw: list[Any]) -> list[Check]:
    """``motive.events.fields`` (what was seen), then a check per field not seen."""
    if not raw:
        return [
            Check(
                name="motive.events.fields",
                outcome=Outcome.SKIPPED,
                summary="no safety event in the last 24 h to read the guessed fields of (run "
                "doctor again after one)",
            )
        ]
    items = [i for i in raw if isinstance(i, dict)]
    looks: dict[str, Callable[[Any], bool]] = {
        "vehicle_key": lambda v: isinstance(v, dict) and "number" in v,
        "driver_key": lambda v: isinstance(v, dict) and bool({"first_name", "last_name"} & set(v)),
        "media_key": lambda v: isinstance(v, dict) and shapes.videos_key in v,
    }
    fields = {
        "vehicle_key": shapes.vehicle_key,
        "driver_key": shapes.driver_key,
        "media_key": shapes.media_key,
        "coaching_key": shapes.coaching_key,
        "updated_key": shapes.updated_key,
    }
    seen, found = [], []
    for field, key in fields.items():
        if any(key in item for item in items):
            seen.append(key)
            continue
        look = looks.get(field)
        other = next((k for item in items for k, v in item.items() if look and look(v)), None)
        if other is not None:
            found.append(
                Check(
                    name=f"motive.events.{field}",
                    outcome=Outcome.DIFFERS,
                    summary=f"safety events carry {field.removesuffix('_key')} under another key",
                    expected=repr(key),
                    seen=repr(other),
                    fix=SET_SHAPES,
                    shapes=reads.fix({"events": {field: other}}),
                )
            )
        else:
            found.append(_not_seen(field, key, items[0]))
    severity = ".".join(shapes.severity_path)
    if any(_dig(item, shapes.severity_path) is not None for item in items):
        seen.append(severity)
    else:
        found.append(
            Check(
                name="motive.events.severity_path",
                outcome=Outcome.DIFFERS,
                summary=f"no safety event carries {severity}",
                expected=severity,
                seen=f"keys {keys(items[0])}",
                fix="if another path holds it, set MOTIVE_SHAPES events.severity_path to it",
            )
        )
    ok = Check(
        name="motive.events.fields",
        outcome=Outcome.OK,
        summary=f"guessed event fields seen in {len(items)} events: " + (", ".join(seen) or "none"),
    )
    return [ok, *found]


def _not_seen(field: str, key: str, example: dict[str, Any]) -> Check:
    """A field no event carries, with the keys an event does carry."""
    return Check(
        name=f"motive.events.{field}",
        outcome=Outcome.DIFFERS,
        summary=f"no safety event carries {key!r}; recallbot reads it as unknown",
        expected=repr(key),
        seen=f"keys {keys(example)}",
        fix=f"if another key holds it, set MOTIVE_SHAPES events.{field} to it",
    )


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data
