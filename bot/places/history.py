"""Vehicles' location history, asked of Motive at most once per vehicle per question and kept
per vehicle-day.

Motive answers whole days, in the company's zone (a guess), so a moment near midnight may lie
in the next or the day before by Motive's reckoning: those days are asked too, in the same
call. Days already kept are not asked again within the cache's life (``ttl_s``); the days a
question lacks are asked in one call (the span from the first to the last).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import chain
from zoneinfo import ZoneInfo

from bot.motive import LocationPoint, MotiveClient
from bot.places.where import located_at
from bot.plumbing.ttl import TtlCache

_NEAR_MIDNIGHT = timedelta(hours=3)


class LocationHistory:
    """Breadcrumbs per vehicle-day (thread-safe: the cache is)."""

    def __init__(
        self,
        client: MotiveClient,
        zone: ZoneInfo,
        ttl_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``zone``: the zone Motive's dates are read in (the company's)."""
        self._client = client
        self._zone = zone
        self._days: TtlCache[tuple[str, date], tuple[LocationPoint, ...]] = TtlCache(ttl_s, clock)

    def days_for(self, start: datetime, end: datetime) -> list[date]:
        """The company days that hold [start, end], with the neighbour of a boundary near
        midnight."""
        low = (start - _NEAR_MIDNIGHT).astimezone(self._zone).date()
        high = (end + _NEAR_MIDNIGHT).astimezone(self._zone).date()
        return [low + timedelta(days=n) for n in range((high - low).days + 1)]

    def around(self, vehicle_id: str, start: datetime, end: datetime) -> list[LocationPoint]:
        """Every breadcrumb of the days that hold [start, end], oldest first: one call to
        Motive at most, none for days already kept. Each day is kept sorted, so the days
        joined in order are (a preview asks this of the same days again and again)."""
        days = self.days_for(start, end)
        kept = {day: self._days.peek((vehicle_id, day)) for day in days}
        missing = [day for day, points in kept.items() if points is None]
        if missing:
            fetched = self._client.vehicle_locations(vehicle_id, missing[0], missing[-1])
            by_day: dict[date, list[LocationPoint]] = {}
            for point in sorted(fetched, key=located_at):
                by_day.setdefault(point.located_at.astimezone(self._zone).date(), []).append(point)
            for n in range((missing[-1] - missing[0]).days + 1):
                day = missing[0] + timedelta(days=n)
                kept[day] = fresh = tuple(by_day.get(day, ()))
                self._days.put((vehicle_id, day), fresh)
        return list(chain.from_iterable(kept[day] or () for day in days))
