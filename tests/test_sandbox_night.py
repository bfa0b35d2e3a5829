"""The sandbox at night: trucks 42 and 1207 park 23:00-05:00 (no footage), but a safety event
proves a truck was on the road, so its alert has footage whatever the hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.plumbing.timefmt import iso_utc
from bot.sandbox.clock import SandboxClock
from bot.sandbox.motive import MotiveSandbox

CHICAGO = ZoneInfo("America/Chicago")
NIGHT = datetime(2026, 12, 5, 1, 10, tzinfo=CHICAGO)


def test_a_parked_truck_has_no_footage_at_night() -> None:
    rules = MotiveSandbox(clock=SandboxClock(start=NIGHT), auto_webhooks=False).rules
    truck = rules.vehicle_by("42", None)
    assert rules.windows(truck, NIGHT - timedelta(minutes=30), NIGHT) == []
    assert rules.windows(truck)[-1][1] == datetime(2026, 12, 4, 23, 0, tzinfo=CHICAGO)


def test_a_safety_event_at_night_has_footage_an_hour_either_side() -> None:
    sandbox = MotiveSandbox(clock=SandboxClock(start=NIGHT), auto_webhooks=False)
    rules, brake = sandbox.rules, NIGHT - timedelta(minutes=20)
    sandbox.events.raise_event({"vehicle_number": "42", "type": "hard_brake",
                                "start_time": iso_utc(brake),
                                "end_time": iso_utc(brake + timedelta(seconds=3))})  # fmt: skip
    truck, other = rules.vehicle_by("42", None), rules.vehicle_by("1207", None)
    ((start, end),) = rules.windows(truck, NIGHT - timedelta(minutes=90))  # from 23:40
    assert start == brake - timedelta(hours=1)
    assert end - NIGHT < timedelta(seconds=5)  # clipped to now: no footage from the future
    assert rules.windows(other, NIGHT - timedelta(minutes=30), NIGHT) == [], "only the one truck"


def test_random_events_at_night_have_footage() -> None:
    sandbox = MotiveSandbox(clock=SandboxClock(start=NIGHT.astimezone(UTC)), auto_webhooks=False)
    for _ in range(20):
        event = sandbox.events.random_event()
        vehicle = sandbox.rules.vehicle_by(None, str(event["vehicle_id"]))
        start = datetime.fromisoformat(event["start_time"])
        window = (start - timedelta(minutes=1), start + timedelta(seconds=30))
        assert sandbox.rules.windows(vehicle, *window) == [window]
