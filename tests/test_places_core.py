"""Places, the core: geofences matched by name as people type them, where a vehicle was, and
the vehicles inside a place, against the sandbox over HTTP with the real client; and the
Motive calls each question costs, counted from the sandbox's request log."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.fleet import Fleet, NoMatch
from bot.motive import MotiveClient
from bot.places import (
    PlaceAmbiguous,
    PlaceMatch,
    Places,
    PlaceUnknown,
    Whereabouts,
    WhereUnknown,
)
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_world import Leg
from tests.conftest import client_for, fleet_time

ZONE = ZoneInfo("America/Chicago")


@pytest.fixture
def places(sandbox: MotiveSandbox, client: MotiveClient) -> Places:
    return Places(client, Fleet(client), ZONE)


def calls(sandbox: MotiveSandbox, prefix: str) -> int:
    """Requests the sandbox answered whose path starts with ``prefix``."""
    return sum(1 for _, path, _ in sandbox.requests if path.startswith(prefix))


def legs_of(sandbox: MotiveSandbox, number: str, days_ago: int) -> list[Leg]:
    vehicle = sandbox.rules.vehicles[number]
    return sandbox.look.world.day(vehicle, fleet_time(sandbox, days_ago, 12).date())


def middle(leg: Leg) -> datetime:
    return leg.start + (leg.end - leg.start) / 2


# -- names --------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Elm St yard", "the Elm St yard", "elm yard", "ELM STREET YARD"])
def test_a_place_is_found_as_people_type_it(places: Places, typed: str) -> None:
    found = places.resolve(typed)
    assert isinstance(found, PlaceMatch)
    assert found.place.name == "Elm St yard"


def test_a_partial_name_is_said_a_whole_name_is_not(places: Places) -> None:
    whole = places.resolve("elm st yard")
    assert isinstance(whole, PlaceMatch)
    assert whole.note is None
    loose = places.resolve("elm yard")
    assert isinstance(loose, PlaceMatch)
    assert loose.note == "“elm yard” is the geofence “Elm St yard”."


@pytest.mark.parametrize(
    ("typed", "both"),
    [
        ("elm st", ("Elm St fuel stop", "Elm St yard")),
        ("acme dock", ("Acme Dock 4", "Acme Dock 5")),
    ],
)
def test_two_places_that_fit_are_an_ambiguity_never_a_guess(
    places: Places, typed: str, both: tuple[str, str]
) -> None:
    found = places.resolve(typed)
    assert isinstance(found, PlaceAmbiguous)
    assert tuple(place.name for place in found.places) == both
    assert found.message() == f"“{typed}” could be “{both[0]}” or “{both[1]}”. Say which one."


def test_a_near_miss_gets_a_did_you_mean_and_nonsense_gets_none(places: Places) -> None:
    near = places.resolve("Elm Street yrd")
    assert isinstance(near, PlaceUnknown)
    assert near.suggestions == ("Elm St yard",)
    assert "Did you mean “Elm St yard”?" in near.message()
    far = places.resolve("Gotham docks")
    assert isinstance(far, PlaceUnknown)
    assert far.suggestions == ()


def test_geofences_are_listed_once_within_the_cache_life(
    sandbox: MotiveSandbox, places: Places
) -> None:
    for typed in ("elm yard", "north depot", "acme dock 4"):
        assert isinstance(places.resolve(typed), PlaceMatch)
    assert calls(sandbox, "/geofences") == 1


# -- where was it ---------------------------------------------------------------------------


def test_where_a_vehicle_stood_names_its_geofence(sandbox: MotiveSandbox, places: Places) -> None:
    stop = next(leg for leg in legs_of(sandbox, "42", 1)[2:] if leg.to is None)
    found = places.where("42", middle(stop))
    assert isinstance(found, Whereabouts)
    assert found.place == stop.place.name
    assert not found.moving
    assert found.engine_on is True
    assert found.words() == f"at {stop.place.name}, stopped (engine on)"


def test_where_a_vehicle_drove_says_speed_heading_and_motives_place_name(
    sandbox: MotiveSandbox, places: Places
) -> None:
    drive = max((leg for leg in legs_of(sandbox, "42", 1) if leg.to is not None),
                key=lambda leg: leg.end - leg.start)  # fmt: skip
    found = places.where("42", middle(drive))
    assert isinstance(found, Whereabouts)
    assert found.geofence is None
    assert found.moving
    assert found.kph is not None
    assert 30 < found.kph < 70
    assert found.heading in ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
    assert found.place == found.description
    assert "mi" in found.place
    assert found.words().startswith(f"near {found.place}, moving {found.heading} at ")
    assert found.map_url == (
        f"https://www.openstreetmap.org/?mlat={found.lat:.6f}&mlon={found.lon:.6f}"
        f"#map=17/{found.lat:.6f}/{found.lon:.6f}"
    )
    assert abs(found.seen_at - middle(drive)) <= timedelta(minutes=1)


def test_where_an_unknown_vehicle_is_no_match_and_a_future_moment_unknown(
    sandbox: MotiveSandbox, places: Places
) -> None:
    assert isinstance(places.where("9999", fleet_time(sandbox, 1, 15)), NoMatch)
    later = places.where("42", sandbox.clock.now() + timedelta(hours=5))
    assert isinstance(later, WhereUnknown)
    assert "no location for vehicle 42" in later.message()


def test_a_window_parked_overnight_with_the_engine_off_is_said(
    sandbox: MotiveSandbox, places: Places
) -> None:
    night = places.at_window("42", fleet_time(sandbox, 1, 2), fleet_time(sandbox, 1, 2, 2))
    assert not isinstance(night, NoMatch)
    assert night.parked_engine_off
    assert night.words() == (
        "At the window's start it was at Elm St yard, stopped (engine off). It stood parked "
        "with the engine off for the whole window: footage is unlikely."
    )
    afternoon = places.at_window("42", fleet_time(sandbox, 1, 15), fleet_time(sandbox, 1, 15, 2))
    assert not isinstance(afternoon, NoMatch)
    assert not afternoon.parked_engine_off


def test_one_history_call_per_vehicle_and_none_again_within_the_cache_life(
    sandbox: MotiveSandbox, places: Places
) -> None:
    places.where("42", fleet_time(sandbox, 1, 15))
    assert calls(sandbox, "/v3/vehicle_locations/") == 1
    places.where("42", fleet_time(sandbox, 1, 9))
    places.at_window("42", fleet_time(sandbox, 1, 14), fleet_time(sandbox, 1, 14, 2))
    assert calls(sandbox, "/v3/vehicle_locations/") == 1, "the day is kept"
    places.where("1207", fleet_time(sandbox, 1, 15))
    assert calls(sandbox, "/v3/vehicle_locations/") == 2


def test_a_moment_near_midnight_asks_for_the_day_beside_it_in_the_same_call(
    sandbox: MotiveSandbox, places: Places
) -> None:
    places.where("42", fleet_time(sandbox, 1, 0, 30))
    assert calls(sandbox, "/v3/vehicle_locations/") == 1
    assert places.history.days_for(fleet_time(sandbox, 1, 0, 30), fleet_time(sandbox, 1, 0, 30)) \
        == [fleet_time(sandbox, 2, 12).date(), fleet_time(sandbox, 1, 12).date()]  # fmt: skip


# -- by place -------------------------------------------------------------------------------


@pytest.fixture
def elm_yard(places: Places) -> PlaceMatch:
    found = places.resolve("Elm St yard")
    assert isinstance(found, PlaceMatch)
    return found


def expected_at(sandbox: MotiveSandbox, name: str, at: datetime) -> dict[str, datetime]:
    """Who the sandbox's world has inside ``name`` at ``at``, and since when."""
    world = sandbox.look.world
    place = next(p for p in world.places if p.name == name)
    vehicles = list(sandbox.rules.vehicles.values())
    return {v.number: entered for v, entered, left in
            world.visits(place, vehicles, at - timedelta(days=2), at + timedelta(seconds=1))
            if entered <= at < left}  # fmt: skip


def test_the_vehicles_inside_a_place_come_from_motives_visits(
    sandbox: MotiveSandbox, places: Places, elm_yard: PlaceMatch
) -> None:
    at = fleet_time(sandbox, 1, 15)
    inside = places.vehicles_at(elm_yard.place, at)
    assert inside.source == "geofence_events"
    expected = expected_at(sandbox, "Elm St yard", at)
    assert {v.vehicle: v.entered for v in inside.visitors} == expected
    assert [v.vehicle for v in inside.visitors] == ["0077", "1207", "42"]
    assert all(v.left is None or v.left >= at for v in inside.visitors)
    assert calls(sandbox, "/geofence_events") == 1
    assert calls(sandbox, "/v3/vehicle_locations/") == 0


def test_where_motive_cannot_list_visits_the_history_answers_the_same(
    sandbox: MotiveSandbox, elm_yard: PlaceMatch
) -> None:
    with client_for(sandbox, shapes={"geofence_events_path": "/geofence_visits"}) as client:
        places = Places(client, Fleet(client), ZONE)
        at = fleet_time(sandbox, 1, 15)
        inside = places.vehicles_at(elm_yard.place, at)
        again = places.vehicles_at(elm_yard.place, at + timedelta(minutes=2))
    assert inside.source == "location_history"
    assert [v.vehicle for v in inside.visitors] == ["0077", "1207", "42"]
    expected = expected_at(sandbox, "Elm St yard", at)
    for visitor in inside.visitors:
        assert visitor.entered is not None
        assert abs(visitor.entered - expected[visitor.vehicle]) <= timedelta(minutes=1)
    assert [v.vehicle for v in again.visitors] == ["0077", "1207", "42"]
    vehicles = len(sandbox.rules.vehicles)
    assert calls(sandbox, "/v3/vehicle_locations/") == vehicles, "one per vehicle, none again"
