"""What Motive taught us about vehicles and assets (which have smart dashcams, with their own
limits; which cameras one does not have), so a restart does not learn it again from a refusal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.store.connection import Connection, ts


class FleetFacts:
    """Learned vehicle limits; ``bot.fleet.Fleet`` remembers through this."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def learn_smart_dashcam(self, vehicle_number: str, now: datetime) -> None:
        """Remember that Motive said this vehicle has a smart dashcam."""
        with self._connection.write() as db:
            db.table("vehicle_limits").upsert(
                {"vehicle_number": vehicle_number, "smart_dashcam": 1, "learned_at": ts(now)},
                pk="vehicle_number",
            )

    def learn_missing_cameras(self, target: str, positions: Iterable[str], now: datetime) -> None:
        """Remember that Motive said ``target`` (``vehicle:42``, ``asset:TRL-0093``) has none
        of these cameras."""
        with self._connection.write() as db:
            db.table("missing_cameras").upsert_all(
                [{"target": target, "position": p, "learned_at": ts(now)} for p in positions],
                pk=("target", "position"),
            )

    def missing_cameras(self) -> dict[str, set[str]]:
        """Every target's cameras known to be missing."""
        found: dict[str, set[str]] = {}
        with self._connection.read() as db:
            for row in db.query("SELECT target, position FROM missing_cameras"):
                found.setdefault(row["target"], set()).add(row["position"])
        return found

    def smart_dashcams(self) -> set[str]:
        """Vehicles known to have smart dashcams."""
        with self._connection.read() as db:
            return {
                row["vehicle_number"]
                for row in db.query("SELECT vehicle_number FROM vehicle_limits WHERE smart_dashcam")
            }
