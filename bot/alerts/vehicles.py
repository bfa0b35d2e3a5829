"""The fleet number of the vehicle an event names.

Events carry ``vehicle_id`` and often ``current_vehicle {id, number}``: the number is used
when present, else the id is mapped through the fleet's cached list, and a vehicle the list
does not have yet is looked up once (``GET /v1/vehicles/{id}``). A vehicle Motive does not know
is remembered as unknown for the fleet cache's lifetime, so a burst of its events asks once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.alerts.events import SafetyEvent
from bot.fleet import Fleet
from bot.motive import MotiveError, MotiveNotFound
from bot.plumbing.ttl import TtlCache

_log = logging.getLogger("recallbot.alerts")


@dataclass
class VehicleNames:
    """Event -> fleet number (None when it cannot be resolved)."""

    fleet: Fleet
    ttl_s: float = 300.0
    _looked_up: TtlCache[str, str] = field(init=False)  # "": Motive does not know it

    def __post_init__(self) -> None:
        self._looked_up = TtlCache(self.ttl_s)

    def number(self, event: SafetyEvent) -> str | None:
        """The vehicle's number, from the event, the fleet list, or a look-up by id."""
        if event.vehicle_number:
            return event.vehicle_number
        if not event.vehicle_id:
            return None
        try:
            listed = {v.id: v.number for v in self.fleet.vehicles()}
        except MotiveError as exc:
            _log.warning("fleet list unavailable for event %s: %s", event.id, exc)
            listed = {}
        if event.vehicle_id in listed:
            return listed[event.vehicle_id]
        found = self._looked_up.get(event.vehicle_id, lambda: self._lookup(event.vehicle_id or ""))
        return found or None

    def _lookup(self, vehicle_id: str) -> str:
        try:
            return self.fleet.client.vehicle(vehicle_id).number
        except MotiveNotFound:
            _log.warning("vehicle %s of a safety event is not in the fleet", vehicle_id)
            return ""
