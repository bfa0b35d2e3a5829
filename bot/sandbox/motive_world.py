"""The sandbox's world: the company's geofences, and where each vehicle is at every moment.

Each vehicle has a home (a yard or depot) and, every local day, a round of stops drawn from
the other places, deterministically from the world's seed, the vehicle and the day. It idles
at home before and after the round, drives in straight lines between places at road speed,
and waits at each stop with the engine on. Outside its cameras' recording hours (``Recording``,
the same that makes the footage timelines) it is parked at home with the engine off, so
location history, geofence visits, footage timelines and the clips (whose frames name the
vehicle and the second) all tell one story.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.plumbing.timefmt import iso_utc
from bot.sandbox.motive_fleet import SandboxVehicle

_EARTH_M = 6_371_000.0
_DRIVE_KPH = 48.0  # a city average; the speed shown while driving varies around it
_PARKED_EVERY = timedelta(minutes=15)  # breadcrumbs of a vehicle standing still are sparse


@dataclass(frozen=True)
class Place:
    """A geofence: a polygon (``points``), or a circle (``centre`` and ``radius_m``)."""

    id: int
    name: str
    category: str
    address: str
    centre: tuple[float, float]
    points: tuple[tuple[float, float], ...] = ()
    radius_m: float | None = None

    def as_json(self) -> dict[str, object]:
        """The geofence as ``GET /geofences`` shows it (the field names are guesses)."""
        shape: dict[str, object] = (
            {"shape": "circle", "center": {"lat": self.centre[0], "lon": self.centre[1]},
             "radius": self.radius_m}
            if self.radius_m is not None
            else {"shape": "polygon", "points": [{"lat": a, "lon": b} for a, b in self.points]}
        )  # fmt: skip
        return {"id": self.id, "name": self.name, "category": self.category,
                "address": self.address} | shape  # fmt: skip


def _square(lat: float, lon: float, half_m: float) -> tuple[tuple[float, float], ...]:
    dlat = half_m / 111_320
    dlon = half_m / (111_320 * math.cos(math.radians(lat)))
    return ((lat - dlat, lon - dlon), (lat - dlat, lon + dlon), (lat + dlat, lon + dlon),
            (lat + dlat, lon - dlon))  # fmt: skip


PLACES: tuple[Place, ...] = (
    Place(801, "Elm St yard", "yard", "1400 W Elm St, Chicago, IL", (41.9031, -87.6617),
          _square(41.9031, -87.6617, 150)),
    Place(802, "North Depot", "depot", "6600 N Lincoln Ave, Lincolnwood, IL", (42.0003, -87.7076),
          radius_m=250),
    Place(803, "Acme Dock 4", "customer", "2300 S Halsted St, Chicago, IL", (41.8507, -87.6466),
          _square(41.8507, -87.6466, 40)),
    Place(804, "Acme Dock 5", "customer", "2300 S Halsted St, Chicago, IL", (41.8507, -87.6456),
          _square(41.8507, -87.6456, 40)),
    Place(805, "Elm St fuel stop", "fuel", "1900 W Elm Ave, Chicago, IL", (41.9210, -87.6775),
          radius_m=90),
    Place(806, "South Yard", "yard", "7600 S Western Ave, Chicago, IL", (41.7560, -87.6830),
          _square(41.7560, -87.6830, 200)),
)  # fmt: skip
"""The company's geofences (Acme's two docks and the two "Elm St" places share words, so a
name typed loosely can be ambiguous)."""

HOMES: dict[str, int] = {"42": 801, "1207": 801, "0077": 801, "TX-4471": 802, "Truck 300": 802,
                         "7": 806, "0042": 806}  # fmt: skip
"""Where the demo vehicles park: three at the Elm St yard, so "the trucks at the Elm St yard
yesterday 3pm" (back from their morning rounds) finds three."""

_TOWNS = (("Chicago, IL", 41.8781, -87.6298), ("Evanston, IL", 42.0451, -87.6877),
          ("Cicero, IL", 41.8456, -87.7539), ("Oak Lawn, IL", 41.7109, -87.7581),
          ("Skokie, IL", 42.0324, -87.7416))  # fmt: skip


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_M * math.asin(math.sqrt(h))


def _bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    y = math.sin(lon2 - lon1) * math.cos(lat2)
    x = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    return round(math.degrees(math.atan2(y, x)) % 360, 1)


def description(at: tuple[float, float]) -> str:
    """Motive's kind of place name: '2.1 mi NW of Chicago, IL' (the nearest town)."""
    name, lat, lon = min(_TOWNS, key=lambda town: distance_m(at, (town[1], town[2])))
    miles = distance_m(at, (lat, lon)) / 1609.344
    if miles < 0.3:
        return name
    points = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
    return f"{miles:.1f} mi {points[round(_bearing((lat, lon), at) / 45) % 8]} of {name}"


@dataclass(frozen=True)
class Leg:
    """A stretch of a vehicle's day: standing at ``place`` (``to`` None), or driving."""

    start: datetime
    end: datetime
    place: Place
    to: Place | None = None
    engine_on: bool = True


@dataclass(frozen=True)
class Fix:
    """Where a vehicle is at one moment."""

    at: datetime
    lat: float
    lon: float
    kph: float
    bearing: float
    engine_on: bool
    place: Place | None  # the geofence it stands in (None while driving)

    def as_json(self) -> dict[str, object]:
        """One breadcrumb as ``GET /v3/vehicle_locations/{id}`` lists it (names: guesses)."""
        return {"located_at": iso_utc(self.at), "lat": round(self.lat, 6),
                "lon": round(self.lon, 6), "bearing": self.bearing, "kph": round(self.kph, 1),
                "description": description((self.lat, self.lon)),
                "engine_state": "on" if self.engine_on else "off"}  # fmt: skip


class World:
    """Geofences and every vehicle's whereabouts, as pure functions of the seed and time."""

    def __init__(self, seed: int, zone: ZoneInfo, places: tuple[Place, ...] = PLACES) -> None:
        self.seed = seed
        self.zone = zone
        self.places = places

    def home(self, vehicle: SandboxVehicle) -> Place:
        """Where a vehicle parks (``HOMES``; else a yard or the depot by its id)."""
        homes = [p for p in self.places if p.category in ("yard", "depot")]
        wanted = HOMES.get(vehicle.number)
        return next((p for p in homes if p.id == wanted), homes[vehicle.id % len(homes)])

    def day(self, vehicle: SandboxVehicle, day: date) -> list[Leg]:
        """A vehicle's legs on one local day, from midnight to midnight."""
        zone = self.zone
        midnight = datetime.combine(day, time(0), zone)
        first_hour, last_hour = vehicle.recording.daily
        wakes = midnight + timedelta(hours=first_hour)
        sleeps = midnight + timedelta(hours=last_hour)
        home = self.home(vehicle)
        draw = random.Random(f"{self.seed}:{vehicle.id}:{day.isoformat()}")  # noqa: S311
        stops = draw.sample([p for p in self.places if p is not home], 3)
        legs = [Leg(midnight, wakes, home, engine_on=False)] if first_hour else []
        now = wakes
        leaving = midnight + timedelta(hours=max(first_hour, 6), minutes=draw.randrange(0, 60))
        legs.append(Leg(now, leaving, home))
        now, here = leaving, home
        for stop in (*stops, home):
            hours = distance_m(here.centre, stop.centre) / 1000 / _DRIVE_KPH
            drive = timedelta(seconds=max(60, round(hours * 3600)))
            legs.append(Leg(now, now + drive, here, to=stop))
            now += drive
            if stop is home:
                break
            wait = timedelta(minutes=draw.randrange(40, 110))
            legs.append(Leg(now, now + wait, stop))
            now, here = now + wait, stop
        legs.append(Leg(now, sleeps, home))
        if last_hour < 24:
            legs.append(Leg(sleeps, midnight + timedelta(days=1), home, engine_on=False))
        return legs

    def legs(self, vehicle: SandboxVehicle, start: datetime, end: datetime) -> list[Leg]:
        """Every leg that overlaps [start, end) (whole legs, in order)."""
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        found: list[Leg] = []
        while datetime.combine(day, time(0), self.zone) < end:
            found += [leg for leg in self.day(vehicle, day) if leg.end > start and leg.start < end]
            day += timedelta(days=1)
        return found

    def fix(self, vehicle: SandboxVehicle, at: datetime) -> Fix:
        """Where the vehicle is at ``at``."""
        legs = self.legs(vehicle, at, at + timedelta(seconds=1))
        return self._on(next(leg for leg in legs if leg.start <= at < leg.end), at)

    def _on(self, leg: Leg, at: datetime) -> Fix:
        if leg.to is None:
            lat, lon = leg.place.centre
            return Fix(at, lat, lon, 0.0, 0.0, leg.engine_on, leg.place)
        share = (at - leg.start) / (leg.end - leg.start)
        (a_lat, a_lon), (b_lat, b_lon) = leg.place.centre, leg.to.centre
        lat, lon = a_lat + (b_lat - a_lat) * share, a_lon + (b_lon - a_lon) * share
        wobble = 8 * math.sin(at.timestamp() / 97)  # traffic: not a constant speed
        return Fix(at, lat, lon, _DRIVE_KPH + wobble, _bearing(leg.place.centre, leg.to.centre),
                   True, None)  # fmt: skip

    def breadcrumbs(
        self, vehicle: SandboxVehicle, start: datetime, end: datetime, every: timedelta
    ) -> list[Fix]:
        """The vehicle's history in [start, end): a point every ``every`` while driving,
        sparser while standing still (and one at each change)."""
        fixes: list[Fix] = []
        for leg in self.legs(vehicle, start, end):
            step = every if leg.to is not None else _PARKED_EVERY
            moment = max(leg.start, start)
            while moment < min(leg.end, end):
                fixes.append(self._on(leg, moment))
                moment += step
        return fixes

    def visits(
        self, place: Place, vehicles: list[SandboxVehicle], start: datetime, end: datetime
    ) -> list[tuple[SandboxVehicle, datetime, datetime]]:
        """Each stay of a vehicle inside ``place`` overlapping [start, end): (vehicle, entered,
        left), a stay running on through midnight counted once."""
        stays: list[tuple[SandboxVehicle, datetime, datetime]] = []
        for vehicle in vehicles:
            margin = timedelta(days=1)
            for leg in self.legs(vehicle, start - margin, end + margin):
                if leg.to is not None or leg.place is not place:
                    continue
                if stays and stays[-1][0] is vehicle and stays[-1][2] == leg.start:
                    stays[-1] = (vehicle, stays[-1][1], leg.end)
                else:
                    stays.append((vehicle, leg.start, leg.end))
        return [stay for stay in stays if stay[2] > start and stay[1] < end]
