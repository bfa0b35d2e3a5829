"""The domain of a video recall: what Motive's create endpoint accepts, as validated types.

The rules Motive documents for a create request live here as validators, so a ``RecallRequest``
that exists is one Motive's documented rules allow (footage availability, quota and per-vehicle
camera limits are checked later, against the fleet).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, field_validator, model_validator

from bot.recall_terms import (
    ALLOWED_DURATIONS,
    CAMERA_ORDER,
    CAMERA_WORDS,
    DEFAULT_DURATION,
    CameraPosition,
    PhraseErrorCode,
    RecallType,
    allowed_durations_text,
)

# The terms are re-exported: everything but the phrase parser reads them from here.
__all__ = [
    "ALLOWED_DURATIONS",
    "CAMERA_ORDER",
    "CAMERA_WORDS",
    "DEFAULT_DURATION",
    "CameraPosition",
    "PhraseErrorCode",
    "RecallRequest",
    "RecallType",
    "allowed_durations_text",
]


class RecallRequest(BaseModel):
    """One video recall, exactly as Motive's create endpoint takes it.

    ``camera_positions`` of ``None`` means every camera the vehicle has (the field is omitted
    when sent); an explicit list is kept in ``CAMERA_ORDER`` without repeats.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    vehicle_number: str | None = None
    asset_name: str | None = None
    start_time: AwareDatetime
    duration: int
    recall_type: RecallType = RecallType.REGULAR
    camera_positions: tuple[CameraPosition, ...] | None = None

    @field_validator("vehicle_number", "asset_name")
    @classmethod
    def _stripped_target(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value:
            raise ValueError("a vehicle number or asset name cannot be blank")
        return value

    @field_validator("start_time")
    @classmethod
    def _utc_whole_seconds(cls, value: datetime) -> datetime:
        # Motive reads ISO 8601; we always send UTC with a Z and no fractions of a second.
        return value.astimezone(UTC).replace(microsecond=0)

    @field_validator("camera_positions")
    @classmethod
    def _ordered_cameras(
        cls, value: tuple[CameraPosition, ...] | None
    ) -> tuple[CameraPosition, ...] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("camera_positions cannot be empty: leave it out to mean every camera")
        chosen = set(value)
        return tuple(position for position in CAMERA_ORDER if position in chosen)

    @model_validator(mode="after")
    def _motive_rules(self) -> Self:
        if (self.vehicle_number is None) == (self.asset_name is None):
            raise ValueError("exactly one of vehicle_number and asset_name is required")
        allowed = ALLOWED_DURATIONS[self.recall_type]
        if self.duration not in allowed:
            raise ValueError(
                f"a {self.recall_type} recall lasts {allowed_durations_text(self.recall_type)}"
            )
        return self

    @property
    def end_time(self) -> datetime:
        """When the recalled window ends (Motive's ``end_time``)."""
        return self.start_time + timedelta(minutes=self.duration)

    def fingerprint(self) -> str:
        """Identifies the footage asked for (target, window, cameras, type): two requests with
        the same fingerprint would make Motive recall the same minutes twice."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:32]

    @property
    def target(self) -> str:
        """The vehicle number or asset name, whichever this request names."""
        return self.vehicle_number if self.vehicle_number is not None else str(self.asset_name)
