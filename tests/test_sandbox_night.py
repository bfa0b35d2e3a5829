"""The sandbox at night: trucks parked overnight have no footage, so its alerts (the demo's
brake, ``--events-every``) happen on the road, whatever the hour the sandbox is run at."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.sandbox.clock import SandboxClock
from bot.sandbox.motive import MotiveSandbox

CHICAGO = ZoneInfo("America/Chicago")
NIGHT = datetime(2026, 12, 5, 1, 10, tzinfo=CHICAGO)  # trucks 42 and 1207 park 23:00-05:00
DAY = datetime(2026, 12, 4, 15, 0, tzinfo=CHICAGO)


def sandbox_at(moment: datetime) -> MotiveSandbox:
    return MotiveSandbox(clock=SandboxClock(start=moment), auto_webhooks=False)


def test_a_parked_truck_last_recorded_when_it_parked() -> None:
    rules = sandbox_at(NIGHT).rules
    assert rules.last_recorded(rules.vehicle_by("42", None)) == datetime(
        2026, 12, 4, 23, 0, tzinfo=CHICAGO
    )


def test_a_truck_on_the_road_records_now() -> None:
    rules = sandbox_at(DAY).rules
    recorded = rules.last_recorded(rules.vehicle_by("42", None))
    assert recorded is not None
    assert recorded - DAY < timedelta(minutes=1)  # now, as it runs


def test_random_events_at_night_are_on_vehicles_that_record() -> None:
    sandbox = sandbox_at(NIGHT)
    rules, seen = sandbox.rules, set[str]()
    for _ in range(40):
        event = sandbox.events.random_event()
        vehicle = rules.vehicle_by(None, str(event["vehicle_id"]))
        start = datetime.fromisoformat(event["start_time"])
        assert rules.windows(vehicle, start - timedelta(minutes=1), start), vehicle.number
        seen.add(vehicle.number)
    assert seen
    assert not seen & {"42", "1207"}, seen
