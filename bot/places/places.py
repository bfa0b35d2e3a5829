"""The company's places, and where its vehicles were: the core of "where was truck 42",
"the trucks at the Elm St yard at 3pm" and the preview's line on where a recall's vehicle was.

Geofences are cached like the fleet lists (``ttl_s``); location history per vehicle-day
(``LocationHistory``): a question asks Motive for at most one history call per vehicle, and
none for days already kept. Nothing here spends quota. Motive's errors (``MotiveError``)
propagate: the caller says what Motive said.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from bot.fleet import Fleet, NoMatch, TargetKind
from bot.motive import (
    Geofence,
    MotiveBadRequest,
    MotiveClient,
    MotiveNotFound,
    MotivePermissionError,
)
from bot.places.history import LocationHistory
from bot.places.names import PlaceAmbiguous, PlaceAnswer, PlaceMatch, PlaceUnknown, match_place
from bot.places.where import Whereabouts, WhereUnknown, parked_engine_off, stay, whereabouts
from bot.plumbing.timefmt import clock_text, local_text
from bot.plumbing.ttl import TtlCache

_log = logging.getLogger("recallbot.places")
_HISTORY_WORKERS = 10  # Motive's own limit on simultaneous history calls


@dataclass(frozen=True)
class Visitor:
    """A vehicle inside a place at the moment asked about, with when it entered and left
    (None: before the history or the list begins; still inside)."""

    vehicle: str
    vehicle_id: str
    entered: datetime | None
    left: datetime | None

    def words(self, at: datetime, zone: tzinfo) -> str:
        """ "inside from 2:41 PM, still there" as read in ``zone`` (a time on another day than
        ``at`` says its day)."""

        def when(moment: datetime) -> str:
            local = moment.astimezone(zone)
            return clock_text(local) if local.date() == at.astimezone(zone).date() else \
                local_text(local)  # fmt: skip

        entered = when(self.entered) if self.entered else "before the day's record begins"
        return f"inside from {entered}, " + (f"left {when(self.left)}" if self.left
                                             else "still there")  # fmt: skip


@dataclass(frozen=True)
class Occupancy:
    """The vehicles inside ``place`` at ``at``, and how recallbot knows."""

    place: Geofence
    at: datetime
    visitors: tuple[Visitor, ...]
    source: Literal["geofence_events", "location_history"]


@dataclass(frozen=True)
class Inside:
    """The geofence a typed name meant (with its note when the name was not its own) and the
    vehicles inside it at the moment asked about."""

    match: PlaceMatch
    occupancy: Occupancy


@dataclass(frozen=True)
class WindowPlace:
    """Where a recall's vehicle was when its window opened, and whether it stood parked with
    the engine off for all of the window (footage is then unlikely)."""

    where: Whereabouts | WhereUnknown
    parked_engine_off: bool

    def words(self) -> str:
        """The preview's line."""
        if isinstance(self.where, WhereUnknown):
            return "Where it was: not in Motive's location history."
        line = f"At the window's start it was {self.where.words()}."
        if self.parked_engine_off:
            line += (
                " It stood parked with the engine off for the whole window: footage is unlikely."
            )
        return line


class Places:
    """Geofences, their names as people type them, and vehicles' whereabouts."""

    def __init__(
        self,
        client: MotiveClient,
        fleet: Fleet,
        zone: ZoneInfo,
        ttl_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``zone``: the company's, in which Motive counts history days (a guess)."""
        self.client = client
        self.fleet = fleet
        self.history = LocationHistory(client, zone, ttl_s, clock)
        self._geofences: TtlCache[str, list[Geofence]] = TtlCache(ttl_s, clock)

    def geofences(self) -> list[Geofence]:
        """Every geofence of the company (cached)."""
        return self._geofences.get("all", self.client.geofences)

    def resolve(self, typed: str) -> PlaceAnswer:
        """The geofence a typed name means: ``PlaceMatch``, or ``PlaceAmbiguous`` listing the
        candidates, or ``PlaceUnknown`` with a did-you-mean (each ambiguity or miss has a
        ``message()``)."""
        return match_place(typed, self.geofences())

    def where(self, vehicle: str, at: datetime) -> Whereabouts | WhereUnknown | NoMatch:
        """Where the vehicle (a fleet number as typed) was at ``at``."""
        target = self.fleet.resolve(TargetKind.VEHICLE, vehicle)
        if isinstance(target, NoMatch):
            return target
        points = self.history.around(target.motive_id, at, at)
        return whereabouts(target.name, points, at, self.geofences())

    def at_window(self, vehicle: str, start: datetime, end: datetime) -> WindowPlace | NoMatch:
        """Where the vehicle was at ``start``, and whether it was parked with the engine off
        for all of [start, end] (one history call at most)."""
        target = self.fleet.resolve(TargetKind.VEHICLE, vehicle)
        if isinstance(target, NoMatch):
            return target
        points = self.history.around(target.motive_id, start, end)
        where = whereabouts(target.name, points, start, self.geofences())
        return WindowPlace(where, parked_engine_off(points, start, end))

    def inside(self, typed: str, at: datetime) -> Inside | PlaceAmbiguous | PlaceUnknown:
        """The vehicles inside the place ``typed`` names at ``at`` (``resolve``, then
        ``vehicles_at``): never a guess between two places, nor a place not named."""
        answer = self.resolve(typed)
        if not isinstance(answer, PlaceMatch):
            return answer
        return Inside(answer, self.vehicles_at(answer.place, at))

    def vehicles_at(self, place: Geofence, at: datetime) -> Occupancy:
        """The vehicles inside ``place`` at ``at``: from Motive's geofence visits (entered no
        later than ``at``, not left before it); where Motive cannot list them (the guessed
        endpoint refused), from every vehicle's history, by whether its breadcrumb at ``at``
        lies inside the place."""
        days = self.history.days_for(at, at)
        try:
            events = self.client.geofence_events(place.id, days[0], days[-1])
        except (MotiveNotFound, MotiveBadRequest, MotivePermissionError) as refused:
            _log.warning("geofence visits unavailable (%s); reading location history", refused)
            return self._from_history(place, at)
        numbers = {v.id: v.number for v in self.fleet.vehicles()}
        found: dict[str, Visitor] = {}
        for event in events:
            if event.vehicle is None or event.vehicle.id is None or not event.covers(at):
                continue
            number = event.vehicle.number or numbers.get(event.vehicle.id, event.vehicle.id)
            found[event.vehicle.id] = Visitor(number, event.vehicle.id, event.start_time,
                                              event.end_time)  # fmt: skip
        return Occupancy(place, at, _ordered(found.values()), "geofence_events")

    def _from_history(self, place: Geofence, at: datetime) -> Occupancy:
        vehicles = self.fleet.vehicles()

        def visit(number: str, vehicle_id: str) -> Visitor | None:
            stayed = stay(self.history.around(vehicle_id, at, at), place, at)
            return None if stayed is None else Visitor(number, vehicle_id, *stayed)

        with ThreadPoolExecutor(_HISTORY_WORKERS, thread_name_prefix="recallbot-places") as pool:
            found = pool.map(lambda v: visit(v.number, v.id), vehicles)
            visitors = [v for v in found if v is not None]
        return Occupancy(place, at, _ordered(visitors), "location_history")


def _ordered(visitors: Iterable[Visitor]) -> tuple[Visitor, ...]:
    return tuple(sorted(visitors, key=lambda visitor: visitor.vehicle))
