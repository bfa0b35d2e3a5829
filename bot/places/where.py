"""What a vehicle's breadcrumbs say about one moment or one window (pure functions).

A moment is answered by the breadcrumb nearest to it within ``_NEAREST`` (Motive records
about one a minute while driving, a few an hour while parked); a window is "parked with the
engine off" when the breadcrumbs on both sides of it and every one inside it say so.

Every function takes the breadcrumbs oldest first (as ``LocationHistory.around`` gives them)
and finds a moment's neighbours by bisection: a preview asks about one window of one or two
days of breadcrumbs, and scanning them all (each step an aware-datetime comparison) was a
sixth of the app's CPU per ``/recall`` under a burst (bench/ack.py).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter

from bot.motive import Geofence, LocationPoint
from bot.places.geometry import contains, map_link
from bot.plumbing.timefmt import utc_text

_NEAREST = timedelta(minutes=30)
_MOVING_KPH = 3.0  # below this a breadcrumb's speed is GPS noise
_COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


@dataclass(frozen=True)
class Whereabouts:
    """Where a vehicle was at ``at``, from the breadcrumb taken at ``seen_at``."""

    vehicle: str
    at: datetime
    seen_at: datetime
    lat: float
    lon: float
    geofence: Geofence | None
    description: str | None
    kph: float | None
    bearing: float | None
    engine_on: bool | None

    @property
    def place(self) -> str:
        """The place in words: the company's geofence, else Motive's nearby place name, else
        the coordinates."""
        if self.geofence is not None:
            return self.geofence.name
        return self.description or f"{self.lat:.5f}, {self.lon:.5f}"

    @property
    def moving(self) -> bool:
        """Whether the vehicle was driving."""
        return (self.kph or 0.0) >= _MOVING_KPH

    @property
    def heading(self) -> str | None:
        """The compass point it was heading to (while moving)."""
        if self.bearing is None or not self.moving:
            return None
        return _COMPASS[round(self.bearing / 45) % 8]

    @property
    def map_url(self) -> str:
        """An OpenStreetMap link to the point."""
        return map_link(self.lat, self.lon)

    def words(self) -> str:
        """One line: 'at Elm St yard, parked (engine off)' or 'near 2.1 mi NW of Chicago, IL,
        moving NE at 48 km/h'."""
        where = f"at {self.place}" if self.geofence else f"near {self.place}"
        if self.moving:
            return f"{where}, moving {self.heading} at {self.kph:.0f} km/h"
        engine = {True: " (engine on)", False: " (engine off)", None: ""}[self.engine_on]
        return f"{where}, stopped{engine}"


@dataclass(frozen=True)
class WhereUnknown:
    """The history has no breadcrumb near the moment."""

    vehicle: str
    at: datetime

    def message(self) -> str:
        """What to tell the person."""
        return (
            f"Motive has no location for vehicle {self.vehicle} within 30 minutes of "
            f"{utc_text(self.at)} (the gateway was off or out of coverage). Try a time when it "
            "was driving."
        )


located_at = attrgetter("located_at")
"""A breadcrumb's time: the key its lists are kept in order by."""


def nearest(points: list[LocationPoint], at: datetime) -> LocationPoint | None:
    """The breadcrumb closest to ``at`` within half an hour (the earlier one on a tie; of two
    taken at the same instant, the first)."""
    found = _nearest_index(points, at)
    return None if found is None else points[found]


def _nearest_index(points: list[LocationPoint], at: datetime) -> int | None:
    """Where ``nearest``'s breadcrumb is in ``points`` (``stay`` walks on from there)."""
    after = bisect_left(points, at, key=located_at)  # the first taken at or after ``at``
    candidates = []
    if after > 0:  # the last taken before ``at``, the first of its instant
        last_before = points[after - 1].located_at
        candidates.append(bisect_left(points, last_before, 0, after, key=located_at))
    if after < len(points):
        candidates.append(after)
    close = [i for i in candidates if abs(points[i].located_at - at) <= _NEAREST]
    return min(close, key=lambda i: abs(points[i].located_at - at), default=None)


def whereabouts(
    vehicle: str, points: list[LocationPoint], at: datetime, places: list[Geofence]
) -> Whereabouts | WhereUnknown:
    """Where ``vehicle`` was at ``at`` by its breadcrumbs, named by the geofence it was in."""
    point = nearest(points, at)
    if point is None:
        return WhereUnknown(vehicle, at)
    inside = next((g for g in places if contains(g, point.lat, point.lon)), None)
    return Whereabouts(vehicle, at, point.located_at, point.lat, point.lon, inside,
                       point.description, point.kph, point.bearing, point.engine_on)  # fmt: skip


def parked_engine_off(points: list[LocationPoint], start: datetime, end: datetime) -> bool:
    """Whether the breadcrumbs say the vehicle stood with its engine off for all of [start,
    end]: the one before, every one inside and the one after (when there is one yet)."""
    first_after_start = bisect_right(points, start, key=located_at)
    if first_after_start == 0 or start - points[first_after_start - 1].located_at > _NEAREST:
        return False
    first_at_end = max(first_after_start, bisect_left(points, end, key=located_at))
    inside = points[first_after_start:first_at_end]
    after = points[first_at_end : first_at_end + 1]
    return all(p.engine_on is False and (p.kph or 0.0) < _MOVING_KPH
               for p in (points[first_after_start - 1], *inside, *after))  # fmt: skip


def stay(
    points: list[LocationPoint], place: Geofence, at: datetime
) -> tuple[datetime, datetime | None] | None:
    """When the vehicle entered and left ``place`` around ``at`` (left None: still inside at
    its last breadcrumb), or None when it was not inside at ``at``."""
    index = _nearest_index(points, at)
    if index is None or not contains(place, points[index].lat, points[index].lon):
        return None
    first = index
    while first > 0 and contains(place, points[first - 1].lat, points[first - 1].lon):
        first -= 1
    last = index
    while last + 1 < len(points) and contains(place, points[last + 1].lat, points[last + 1].lon):
        last += 1
    left = points[last + 1].located_at if last + 1 < len(points) else None
    return points[first].located_at, left
