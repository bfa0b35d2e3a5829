"""How the client reaches Motive, and the shapes of Motive's API we had to guess.

``motive-api.md`` marks several shapes as guesses (timeline paths and query names, duplicate
statuses, status words). Each is a field of ``MotiveShapes``, so a deployment can follow the
real API with a setting (``MOTIVE_SHAPES``, JSON) instead of a code change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from bot.alerts.events import EventShapes
from bot.motive._models import RecallStatus

if TYPE_CHECKING:
    from bot.config import Settings

_STATUS_WORDS: dict[str, RecallStatus] = {
    "pending": RecallStatus.PENDING, "queued": RecallStatus.PENDING,
    "requested": RecallStatus.PENDING, "processing": RecallStatus.PROCESSING,
    "in_progress": RecallStatus.PROCESSING, "uploading": RecallStatus.PROCESSING,
    "success": RecallStatus.SUCCESS, "succeeded": RecallStatus.SUCCESS,
    "completed": RecallStatus.SUCCESS, "complete": RecallStatus.SUCCESS,
    "failed": RecallStatus.FAILED, "failure": RecallStatus.FAILED, "error": RecallStatus.FAILED,
}  # fmt: skip


class MotiveShapes(BaseModel):
    """The guessed parts of Motive's API, one setting each (defaults follow motive-api.md)."""

    model_config = ConfigDict(frozen=True)

    vehicle_timelines_path: str = "/video_recall_requests/vehicles/available_timelines"
    asset_timelines_path: str = "/video_recall_requests/assets/available_timelines"
    timeline_vehicle_param: str = "vehicle_number"
    timeline_asset_param: str = "asset_name"
    timeline_start_param: str = "start_time"
    timeline_end_param: str = "end_time"
    vehicles_key: str = "vehicles"
    """The key of ``GET /vehicles``'s list (the envelope is a guess)."""
    recall_actions: tuple[str, ...] = ("video_recall_request_completed",)
    """The webhook actions of a finished recall (a webhook subscription must carry them)."""
    duplicate_statuses: tuple[int, ...] = (409, 422)
    duplicate_words: tuple[str, ...] = ("duplicate", "already exists", "already been requested")
    quota_words: tuple[str, ...] = ("quota",)
    status_words: dict[str, RecallStatus] = Field(default_factory=lambda: dict(_STATUS_WORDS))
    events: EventShapes = Field(default_factory=EventShapes)
    """Where safety events keep their guessed fields, and where Motive lists them."""

    # Look now and places ("Look now and places" in motive-api.md): paths, names and words that
    # are guesses. ``*_fields`` map recallbot's name for a field to Motive's.
    captures_path: str = "/image_captures"
    capture_path: str = "/image_captures/{camera_type}/{id}"
    capture_vehicle_field: str = "vehicle_number"
    capture_asset_field: str = "asset_name"
    capture_position_field: str = "position"
    locations_path: str = "/v3/vehicle_locations/{id}"
    """From the API's root (a v3 path), like the events list."""
    locations_key: str = "vehicle_locations"
    locations_start_param: str = "start_date"
    locations_end_param: str = "end_date"
    location_fields: dict[str, str] = Field(default_factory=lambda: {
        "located_at": "located_at", "lat": "lat", "lon": "lon", "bearing": "bearing",
        "kph": "kph", "description": "description", "engine_on": "engine_state",
    })  # fmt: skip
    engine_on_words: tuple[str, ...] = ("on", "idle", "idling", "running", "engine_on")
    engine_off_words: tuple[str, ...] = ("off", "engine_off", "ignition_off", "stopped")
    geofences_path: str = "/geofences"
    geofences_key: str = "geofences"
    geofence_fields: dict[str, str] = Field(default_factory=lambda: {
        "shape": "shape", "points": "points", "center": "center", "radius_m": "radius",
        "category": "category", "address": "address",
    })  # fmt: skip
    geofence_events_path: str = "/geofence_events"
    geofence_events_key: str = "geofence_events"
    geofence_ids_param: str = "geofence_ids[]"
    geofence_events_start_param: str = "start_date"
    geofence_events_end_param: str = "end_date"
    geofence_event_fields: dict[str, str] = Field(default_factory=lambda: {
        "geofence_id": "geofence_id", "start_time": "start_time", "end_time": "end_time",
        "vehicle": "vehicle",
    })  # fmt: skip


class MotiveConfig(BaseModel):
    """Everything the client needs: where Motive is, how to authenticate, how hard to try."""

    model_config = ConfigDict(frozen=True)

    base_url: str = "https://api.gomotive.com/v1"
    api_key: SecretStr | None = None
    bearer_token: SecretStr | None = None
    timeout_s: float = 15.0
    connect_timeout_s: float = 5.0
    max_connections: int = 20
    rate_per_s: float = 5.0
    burst: int = 10
    max_attempts: int = 4
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 20.0
    max_retry_after_s: float = 60.0
    location_calls: int = 10
    """Location-history calls in flight at once (Motive allows at most 10 simultaneous)."""
    shapes: MotiveShapes = Field(default_factory=MotiveShapes)

    @model_validator(mode="after")
    def _one_credential(self) -> MotiveConfig:
        if self.api_key is None and self.bearer_token is None:
            raise ValueError("set MOTIVE_API_KEY (or MOTIVE_BEARER_TOKEN for OAuth)")
        return self

    @classmethod
    def from_settings(cls, settings: Settings) -> MotiveConfig:
        """The client configuration the environment describes."""
        return cls(
            base_url=settings.motive_base_url,
            api_key=settings.motive_api_key,
            bearer_token=settings.motive_bearer_token,
            rate_per_s=settings.motive_rate_per_s,
            timeout_s=settings.motive_timeout_s,
            shapes=MotiveShapes.model_validate(settings.motive_shapes),
        )

    def auth_headers(self) -> dict[str, str]:
        """The header that authenticates every call (a Bearer token wins over an API key)."""
        if self.bearer_token is not None:
            return {"Authorization": f"Bearer {self.bearer_token.get_secret_value()}"}
        assert self.api_key is not None  # noqa: S101 - guaranteed by _one_credential
        return {"X-Api-Key": self.api_key.get_secret_value()}

    def secrets(self) -> list[str]:
        """The secret values, so text that leaves the client can be scrubbed of them."""
        return [s.get_secret_value() for s in (self.api_key, self.bearer_token) if s is not None]
