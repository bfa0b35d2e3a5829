"""Which real vehicle or asset a person means, and what recallbot has learned about its cameras.

"42" may be Motive's fleet number "42", "042" or "Truck 42". An exact match wins; otherwise a
single normalised match is taken and said ("“42” is fleet number “0042”"); several, or none,
give a did-you-mean list and no pick: a wrong vehicle is footage of the wrong truck.
"""

from __future__ import annotations

import difflib
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from bot.motive import Asset, MotiveClient, MotiveNotFound, Vehicle
from bot.plumbing.ttl import TtlCache
from bot.recall import CameraPosition

_PREFIX = re.compile(
    r"^(?:trucks?|units?|vehicles?|vehs?|tractors?|vans?|bus|trailers?|assets?)\b|[#\s._-]+",
    re.IGNORECASE,
)
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")


class TargetKind(StrEnum):
    """Vehicles are named by fleet number, assets by name."""

    VEHICLE = "vehicle"
    ASSET = "asset"


def normalise(name: str) -> str:
    """The comparable core of a fleet name: "Truck 0042" and "truck-42" both give "42"."""
    core = _PREFIX.sub("", name.strip().lower())
    return _LEADING_ZEROS.sub("", core)


@dataclass(frozen=True)
class Match:
    """The one vehicle or asset a typed name means."""

    kind: TargetKind
    name: str
    motive_id: str
    note: str | None = None  # set when the match was not exact, to be shown to the requester


@dataclass(frozen=True)
class NoMatch:
    """No single vehicle or asset: either several fit (ambiguous) or none does."""

    kind: TargetKind
    typed: str
    suggestions: tuple[str, ...] = ()
    ambiguous: bool = False

    def message(self) -> str:
        """What to tell the requester."""
        what = "vehicle" if self.kind is TargetKind.VEHICLE else "asset"
        shown = ", ".join(f"“{s}”" for s in self.suggestions)
        if self.ambiguous:
            return f"“{self.typed}” could be more than one {what}: {shown}. Say which one."
        if shown:
            return f"There is no {what} “{self.typed}” in the fleet. Did you mean {shown}?"
        return f"There is no {what} “{self.typed}” in the fleet."


DASHCAM_POSITIONS: frozenset[CameraPosition] = frozenset(
    (CameraPosition.FRONT_FACING, CameraPosition.DRIVER_FACING, CameraPosition.FRONT_NARROW_FACING)
)
"""The dashcam's positions (Motive's table); the others are an Omnicam's, the only camera an
asset carries."""


@dataclass
class CameraLimits:
    """What recallbot learned about a vehicle from Motive's refusals (no field says it)."""

    smart_dashcam: bool = False


class LimitsMemory(Protocol):
    """Where learned camera limits outlive the process (the store)."""

    def smart_dashcams(self) -> set[str]:
        """Vehicles known to have smart dashcams."""

    def learn_smart_dashcam(self, vehicle_number: str, now: datetime) -> None:
        """Remember one."""

    def missing_cameras(self) -> dict[str, set[str]]:
        """Cameras known to be missing, by target (``vehicle:42``, ``asset:TRL-0093``)."""

    def learn_missing_cameras(self, target: str, positions: Iterable[str], now: datetime) -> None:
        """Remember that a target has none of these cameras."""


@dataclass
class Fleet:
    """The fleet as Motive lists it, cached for ``ttl_s`` seconds, plus what was learned."""

    client: MotiveClient
    ttl_s: float = 300.0
    clock: Callable[[], float] = time.monotonic
    memory: LimitsMemory | None = None
    _vehicles: TtlCache[str, list[Vehicle]] = field(init=False)
    _assets: TtlCache[str, list[Asset]] = field(init=False)
    _limits: dict[str, CameraLimits] = field(default_factory=dict)
    _missing: dict[str, set[CameraPosition]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def vehicles(self) -> list[Vehicle]:
        """Every vehicle (cached)."""
        return self._vehicles.get("all", self.client.vehicles)

    def assets(self) -> list[Asset]:
        """Every asset (cached)."""
        return self._assets.get("all", self.client.assets)

    def resolve(self, kind: TargetKind, typed: str) -> Match | NoMatch:
        """The vehicle or asset a typed name means, or why there is not exactly one."""
        if kind is TargetKind.VEHICLE:
            named = {v.number: v.id for v in self.vehicles()}
            if typed not in named:
                named.update(self._looked_up(typed))
        else:
            named = {a.name: a.id for a in self.assets()}
        return _choose(kind, typed, named)

    def search(self, typed: str, limit: int) -> list[tuple[TargetKind, str, str]]:
        """Vehicles and assets whose name holds what was typed (ignoring case, "truck" and
        leading zeros): the name as typed first, then the same number written otherwise, then
        names it starts; each as (kind, name, make and model or type)."""
        wanted = normalise(typed)
        named = [(TargetKind.VEHICLE, v.number, " ".join(filter(None, (v.make, v.model))))
                 for v in self.vehicles()]  # fmt: skip
        named += [(TargetKind.ASSET, a.name, a.type or "") for a in self.assets()]

        def rank(item: tuple[TargetKind, str, str]) -> tuple[bool, bool, bool, str]:
            name, core = item[1].casefold(), normalise(item[1])
            return (
                name != typed.strip().casefold(),
                core != wanted,
                not core.startswith(wanted),
                name,
            )

        return sorted((n for n in named if wanted in normalise(n[1])), key=rank)[:limit]

    def _looked_up(self, number: str) -> dict[str, str]:
        """The lookup endpoint, for a vehicle added since the list was cached."""
        try:
            vehicle = self.client.lookup_vehicle(number)
        except MotiveNotFound:
            return {}
        return {vehicle.number: vehicle.id}

    def __post_init__(self) -> None:
        self._vehicles = TtlCache(self.ttl_s, self.clock)
        self._assets = TtlCache(self.ttl_s, self.clock)
        if self.memory is not None:
            for number in self.memory.smart_dashcams():
                self._limits[number] = CameraLimits(smart_dashcam=True)
            for target, positions in self.memory.missing_cameras().items():
                self._missing[target] = {CameraPosition(p) for p in positions
                                         if p in CameraPosition._value2member_map_}  # fmt: skip

    def limits(self, number: str) -> CameraLimits:
        """What is known of a vehicle's camera limits."""
        with self._lock:
            return self._limits.get(number, CameraLimits())

    def missing_cameras(self, kind: TargetKind, name: str) -> frozenset[CameraPosition]:
        """The cameras a vehicle or asset cannot have: an asset never has a dashcam (Motive's
        table gives assets Omnicam positions only), and whatever Motive said it lacks."""
        never = DASHCAM_POSITIONS if kind is TargetKind.ASSET else frozenset()
        with self._lock:
            return never | self._missing.get(f"{kind}:{name}", set())

    def learn_missing_cameras(
        self, kind: TargetKind, name: str, positions: Iterable[CameraPosition]
    ) -> None:
        """Remember that Motive refused a recall because the target has none of these cameras
        (no field of Motive's says which cameras a target has)."""
        target, learned = f"{kind}:{name}", set(positions)
        with self._lock:
            self._missing.setdefault(target, set()).update(learned)
        if self.memory is not None:
            self.memory.learn_missing_cameras(target, sorted(learned), datetime.now(UTC))

    def learn_smart_dashcam(self, number: str) -> None:
        """Remember that Motive refused a recall because the vehicle has a smart dashcam."""
        with self._lock:
            self._limits[number] = CameraLimits(smart_dashcam=True)
        if self.memory is not None:
            self.memory.learn_smart_dashcam(number, datetime.now(UTC))


def _choose(kind: TargetKind, typed: str, named: dict[str, str]) -> Match | NoMatch:
    if typed in named:
        return Match(kind, typed, named[typed])
    folded = [name for name in named if name.casefold() == typed.casefold()]
    core = normalise(typed)
    candidates = folded or [name for name in named if normalise(name) == core]
    if len(candidates) == 1:
        name = candidates[0]
        what = "fleet number" if kind is TargetKind.VEHICLE else "asset"
        return Match(kind, name, named[name], note=f"“{typed}” is {what} “{name}” in Motive.")
    if candidates:
        return NoMatch(kind, typed, tuple(sorted(candidates)), ambiguous=True)
    by_core: dict[str, list[str]] = {}
    for name in named:
        by_core.setdefault(normalise(name), []).append(name)
    close = difflib.get_close_matches(core, list(by_core), n=4, cutoff=0.5)  # "43" ~ "42"
    return NoMatch(kind, typed, tuple(name for c in close for name in sorted(by_core[c]))[:5])
