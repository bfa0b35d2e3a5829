"""Doctor's safety event checks (with alerts on): the event list reads, under the key recallbot
expects, and every listed event reads; then its time filter (``motive_event_filter``) and each
guessed field of an event (``motive_event_fields``).

The client leaves out an event it cannot read (one odd event must not stop the safety net), so
doctor compares what it read with the raw answer to see what was left out.
"""

from __future__ import annotations

from bot.doctor.check import Check, Outcome
from bot.doctor.motive_event_fields import event_field_checks
from bot.doctor.motive_event_filter import EVENT, since_check
from bot.doctor.motive_reads import (
    LOOK_BACK,
    SEND_BUNDLE,
    MotiveReads,
    blocking,
    failed,
    keys,
    listed,
    listed_elsewhere,
    other_list_key,
)
from bot.motive import MotiveError


def event_checks(reads: MotiveReads) -> list[Check]:
    """``motive.events`` and the checks of its filter and fields (skipped: alerts are off)."""
    if reads.settings.alerts_channel is None:
        return [
            Check(
                name="motive.events",
                outcome=Outcome.SKIPPED,
                summary="alerts are off (RECALLBOT_ALERTS_CHANNEL unset)",
            )
        ]
    shapes = reads.shapes().events
    since = reads.now - LOOK_BACK
    try:
        events = reads.client().safety_events(since)
    except MotiveError as exc:
        return [
            failed(
                "motive.events",
                f"GET {shapes.list_path}: {exc}",
                "check the key may read safety events; if the path differs, "
                "set MOTIVE_SHAPES events.list_path",
            )
        ]
    body = reads.body(shapes.list_path)
    found: list[Check] = []
    raw = listed(body, shapes.list_key, EVENT)
    other = None if events or raw else other_list_key(body, shapes.list_key)
    if other is not None:
        part = reads.fix({"events": {"list_key": other}})
        summary = "the safety events are listed under another key"
        found.append(listed_elsewhere("motive.events", summary, shapes.list_key, other, part))
        raw = listed(body, other, EVENT)
    if not found and len(events) < len(raw):
        found.append(
            blocking(
                name="motive.events",
                summary=f"{len(raw) - len(events)} of {len(raw)} listed safety events do "
                "not read (recallbot leaves them out)",
                expected="id, type and start_time (ISO 8601 with an offset)",
                seen=f"keys {keys(raw[0])}",
                fix=SEND_BUNDLE,
            )
        )
    if not found:
        found.append(
            Check(
                name="motive.events",
                outcome=Outcome.OK,
                summary=f"{len(events)} safety events since {since:%Y-%m-%d %H:%M} UTC read "
                f"from {shapes.list_path}",
            )
        )
    found.append(since_check(reads, raw, since))
    found += event_field_checks(reads, shapes, raw)
    return found
