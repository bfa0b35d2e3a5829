"""Typed views of Motive's places: geofences, geofence visits, and location history points.

Field names beyond ``id``/``name`` are guesses (motive-api.md); each is looked up under the
name ``MotiveShapes`` gives (``renamed``), and the models take the usual variants: ids as
numbers or text, points as ``{lat, lon}`` or ``[lat, lon]``, a circle's centre nested or flat.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    AwareDatetime,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.motive._models import AssetRef, MotiveId, VehicleRef, _Lenient


def renamed(item: Any, names: dict[str, str]) -> Any:
    """``item`` with each of Motive's field names (the values of ``names``) also under
    recallbot's (its keys), so the models read one name whatever Motive calls it."""
    if not isinstance(item, dict):
        return item
    copied = dict(item)
    for ours, theirs in names.items():
        if theirs in item and ours not in item:
            copied[ours] = item[theirs]
    return copied


class GeoPoint(_Lenient):
    """A point on the map (degrees)."""

    lat: float = Field(validation_alias=AliasChoices("lat", "latitude"))
    lon: float = Field(validation_alias=AliasChoices("lon", "lng", "longitude"))

    @model_validator(mode="before")
    @classmethod
    def _pair(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) == 2:
            return {"lat": value[0], "lon": value[1]}
        return value


class Geofence(_Lenient):
    """One of the company's named places: a polygon, or a circle (centre and radius)."""

    id: MotiveId
    name: str
    category: str | None = None
    address: str | None = None
    shape: str | None = None
    points: list[GeoPoint] = Field(default_factory=list)
    center: GeoPoint | None = None
    radius_m: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _flat_centre(cls, value: Any) -> Any:
        """A circle may give its centre as top-level ``lat``/``lon``."""
        if isinstance(value, dict) and value.get("center") is None and "lat" in value:
            return value | {"center": {"lat": value["lat"], "lon": value.get("lon")}}
        return value

    @field_validator("points", mode="before")
    @classmethod
    def _no_points_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    @property
    def circle(self) -> bool:
        """Whether it is a circle (else a polygon)."""
        return self.center is not None and self.radius_m is not None and len(self.points) < 3


def _engine(value: Any, info: ValidationInfo) -> Any:
    """Motive's word for the engine's state as on (True), off (False) or unknown (None)."""
    if value is None or isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    context = info.context or {}
    if word in context.get("engine_on", ()):
        return True
    if word in context.get("engine_off", ()):
        return False
    return None


class LocationPoint(_Lenient):
    """One breadcrumb of a vehicle's location history."""

    located_at: AwareDatetime
    lat: float
    lon: float
    bearing: float | None = None
    kph: float | None = None
    description: str | None = None
    engine_on: Annotated[bool | None, BeforeValidator(_engine)] = None


class GeofenceEvent(_Lenient):
    """One visit of a vehicle (or asset) to a geofence: entered at ``start_time``, left at
    ``end_time`` (None while it is still inside)."""

    id: MotiveId | None = None
    geofence_id: MotiveId
    start_time: AwareDatetime
    end_time: AwareDatetime | None = None
    duration: float | None = None
    vehicle: VehicleRef | None = None
    asset: AssetRef | None = None

    def covers(self, moment: datetime) -> bool:
        """Whether the vehicle was inside at ``moment``."""
        return self.start_time <= moment and (self.end_time is None or moment <= self.end_time)
