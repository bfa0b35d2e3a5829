"""Doctor's check of the safety event list's time filter: Motive keeps the filter recallbot
sends (``MOTIVE_SHAPES`` ``events.since_param``), or doctor finds the one it keeps.

The safety net asks every few minutes for the events updated since its last read. A filter
Motive ignores still works, but each read brings the whole list; the filter's name is a guess
(motive-api.md: ``start_time``/``end_time`` or ``updated_after``). When the answer lists events
updated before the moment asked, doctor asks again (GET) with each other plausible name and
reports the first whose answer lists none, as the setting that fixes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from bot.doctor.check import Check, Outcome
from bot.doctor.motive_reads import SET_SHAPES, MotiveReads, listed
from bot.motive import MotiveError

EVENT = "driver_performance_event"
"""The wrapper of a listed safety event (``{"driver_performance_event": {...}}``)."""
SINCE_PARAMS = ("updated_after", "start_time")
"""The names Motive's event list plausibly filters by time with."""
_READS_AS = {
    "start_time": "by when an event started: an older event's later update, such as its "
    "clip, then comes by webhook only",
}
"""What a filter other than ``updated_after`` means for the safety net."""


def since_check(reads: MotiveReads, raw: list[Any], since: datetime) -> Check:
    """``motive.events.since``, from ``raw``: the events listed for ``since``."""
    shapes = reads.shapes().events
    param = shapes.since_param
    older = _older(raw, shapes.updated_key, since)
    if not older:
        return Check(
            name="motive.events.since",
            outcome=Outcome.OK,
            summary=f"the time filter {param}= is accepted"
            + (" and kept" if raw else " (no event to compare)"),
        )
    expected = f"only events updated after {since:%Y-%m-%d %H:%M} UTC"
    seen = f"{len(older)} updated before it (e.g. event {older[0]})"
    kept = _kept_instead(reads, since)
    if kept is None:
        return Check(
            name="motive.events.since",
            outcome=Outcome.DIFFERS,
            summary=f"Motive ignores the time filter {param}=",
            expected=expected,
            seen=seen,
            fix="set MOTIVE_SHAPES events.since_param to the filter Motive's API docs name "
            "(the safety net then reads less)",
        )
    means = _READS_AS.get(kept)
    return Check(
        name="motive.events.since",
        outcome=Outcome.DIFFERS,
        summary=f"Motive ignores the time filter {param}= but keeps {kept}="
        + (f" ({means})" if means else ""),
        expected=expected,
        seen=f"{seen}; with {kept}= none",
        fix=SET_SHAPES,
        shapes=reads.fix({"events": {"since_param": kept}}),
    )


def _kept_instead(reads: MotiveReads, since: datetime) -> str | None:
    """The first other plausible filter whose answer lists no event updated before ``since``."""
    shapes = reads.shapes().events
    for name in SINCE_PARAMS:
        if name == shapes.since_param:
            continue
        try:
            reads.client({"events": {"since_param": name}}).safety_events(since)
        except (MotiveError, ValidationError):
            continue  # Motive refuses this name: not the one it keeps
        raw = listed(reads.body(shapes.list_path), shapes.list_key, EVENT)
        if not _older(raw, shapes.updated_key, since):
            return name
    return None


def _older(raw: list[Any], updated_key: str, since: datetime) -> list[Any]:
    """The ids of the events updated before ``since``."""
    return [i.get("id") for i in raw if isinstance(i, dict) and _before(i.get(updated_key), since)]


def _before(value: Any, since: datetime) -> bool:
    if not isinstance(value, str):
        return False
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return moment.tzinfo is not None and moment < since
