"""What Motive taught us about vehicles (which have smart dashcams, with their own limits),
so a restart does not have to learn it again from a refusal."""

from __future__ import annotations

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

    def smart_dashcams(self) -> set[str]:
        """Vehicles known to have smart dashcams."""
        with self._connection.read() as db:
            return {
                row["vehicle_number"]
                for row in db.query("SELECT vehicle_number FROM vehicle_limits WHERE smart_dashcam")
            }
