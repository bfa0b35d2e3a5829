"""The sandbox's fleet: vehicles and assets, their cameras, and when they hold footage.

Footage is kept for a week and has gaps the way real footage does: trucks park overnight with
the engine off, a trailer's Omnicam only records while it is hooked up in the day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.recall import CameraPosition

_DASHCAM = frozenset(
    {
        CameraPosition.FRONT_FACING,
        CameraPosition.DRIVER_FACING,
        CameraPosition.FRONT_NARROW_FACING,
    }
)
_OMNICAM = frozenset({CameraPosition.SIDE_LEFT, CameraPosition.SIDE_RIGHT, CameraPosition.REAR})


class DashcamKind(StrEnum):
    """Which dashcam a vehicle carries; smart dashcams have tighter recall limits."""

    AI_DASHCAM_PLUS = "ai_dashcam_plus"
    AI_DASHCAM = "ai_dashcam"
    SMART_DASHCAM = "smart_dashcam"


@dataclass(frozen=True)
class Recording:
    """When an entity's cameras record, in the fleet's local time.

    ``daily`` is the recording stretch of each day ((0, 24) all day; (5, 23) parked 23:00 to
    05:00); ``days`` how far back footage is kept.
    """

    daily: tuple[int, int] = (0, 24)
    days: int = 7


@dataclass(frozen=True)
class SandboxVehicle:
    """A vehicle: its Motive ids, fleet number, dashcam and whether it has an Omnicam."""

    id: int
    number: str
    dashcam: DashcamKind
    positions: frozenset[CameraPosition]
    recording: Recording = Recording()
    eld_id: int = 0
    make: str = "Freightliner"
    model: str = "Cascadia"

    @property
    def smart(self) -> bool:
        """Smart dashcams: 1-minute recalls, no time-lapse."""
        return self.dashcam is DashcamKind.SMART_DASHCAM

    def as_json(self) -> dict[str, object]:
        """The vehicle as Motive's vehicle endpoints show it."""
        return {
            "id": self.id,
            "number": self.number,
            "status": "active",
            "make": self.make,
            "model": self.model,
            "eld_device": {"id": self.eld_id, "identifier": f"ELD-{self.eld_id}"},
        }


@dataclass(frozen=True)
class SandboxAsset:
    """An asset (a trailer, yard equipment): ids, name, and its Omnicam if it has one."""

    id: int
    name: str
    positions: frozenset[CameraPosition]
    recording: Recording = Recording()
    type: str = "trailer"

    def as_json(self) -> dict[str, object]:
        """The asset as Motive's asset endpoints show it."""
        return {"id": self.id, "name": self.name, "status": "active", "type": self.type}


def _dashcam(*positions: CameraPosition) -> frozenset[CameraPosition]:
    return frozenset(positions)


FRONT, DRIVER, NARROW = (
    CameraPosition.FRONT_FACING,
    CameraPosition.DRIVER_FACING,
    CameraPosition.FRONT_NARROW_FACING,
)
PARKED_OVERNIGHT = Recording(daily=(5, 23))

DEMO_VEHICLES: tuple[SandboxVehicle, ...] = (
    SandboxVehicle(1042, "42", DashcamKind.AI_DASHCAM_PLUS, _dashcam(FRONT, DRIVER) | _OMNICAM,
                   PARKED_OVERNIGHT, eld_id=5042),
    SandboxVehicle(2207, "1207", DashcamKind.AI_DASHCAM, _dashcam(FRONT, DRIVER), PARKED_OVERNIGHT,
                   eld_id=5207, make="Volvo", model="VNL"),
    SandboxVehicle(1007, "7", DashcamKind.SMART_DASHCAM, _dashcam(FRONT, DRIVER), eld_id=5007,
                   make="Ford", model="Transit"),
    SandboxVehicle(4471, "TX-4471", DashcamKind.AI_DASHCAM, _dashcam(FRONT, DRIVER, NARROW),
                   Recording(days=2), eld_id=5471, make="Kenworth", model="T680"),
    SandboxVehicle(1077, "0077", DashcamKind.AI_DASHCAM, _dashcam(FRONT, DRIVER), eld_id=5077),
    SandboxVehicle(1142, "0042", DashcamKind.AI_DASHCAM, _dashcam(FRONT, DRIVER), eld_id=5142),
    SandboxVehicle(1300, "Truck 300", DashcamKind.AI_DASHCAM, _dashcam(FRONT, DRIVER),
                   eld_id=5300, make="Peterbilt", model="579"),
)  # fmt: skip
DEMO_ASSETS: tuple[SandboxAsset, ...] = (
    SandboxAsset(9093, "TRL-0093", _OMNICAM, Recording(daily=(6, 18))),
    SandboxAsset(9094, "TRL-0094", frozenset()),
    SandboxAsset(9003, "Yard Jockey 3", _OMNICAM, type="yard_tractor"),
)


def camera_type(position: CameraPosition) -> str:
    """Which device films a position: the dashcam or the Omnicam."""
    return "dashcam" if position in _DASHCAM else "omnicam"


Stretch = tuple[datetime, datetime]


def footage(
    recording: Recording,
    zone: ZoneInfo,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
    driven: Sequence[Stretch] = (),
) -> list[Stretch]:
    """The stretches with footage, oldest first, clipped to [start, end] and to now; ``driven``
    adds stretches outside the daily hours (a truck out at night records too)."""
    oldest = now - timedelta(days=recording.days)
    low = max(start or oldest, oldest)
    high = min(end or now, now)
    if low >= high:
        return []
    extra = [(max(lo, low), min(hi, high)) for lo, hi in driven if max(lo, low) < min(hi, high)]
    return _merged(_daily(recording, zone, low, high) + extra)


def _merged(stretches: list[Stretch]) -> list[Stretch]:
    """Overlapping or touching stretches joined, oldest first (one stretch across midnight)."""
    joined: list[Stretch] = []
    for lo, hi in sorted(stretches):
        if joined and joined[-1][1] >= lo:
            joined[-1] = (joined[-1][0], max(joined[-1][1], hi))
        else:
            joined.append((lo, hi))
    return joined


def _daily(recording: Recording, zone: ZoneInfo, low: datetime, high: datetime) -> list[Stretch]:
    """The daily recording hours between ``low`` and ``high``, a stretch a day."""
    windows: list[Stretch] = []
    first_hour, last_hour = recording.daily
    day: date = low.astimezone(zone).date() - timedelta(days=1)
    while datetime.combine(day, time(0), zone) <= high:
        opens = datetime.combine(day, time(0), zone) + timedelta(hours=first_hour)
        closes = datetime.combine(day, time(0), zone) + timedelta(hours=last_hour)
        lo, hi = max(opens, low), min(closes, high)
        if lo < hi:
            windows.append((lo, hi))  # recording across midnight: joined by _merged
        day += timedelta(days=1)
    return windows
