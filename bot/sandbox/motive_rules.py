"""The sandbox's Motive: recall requests, their rules, their lifecycle, and quota.

No HTTP here (``motive.py`` serves it): this is what Motive does with a create, in the order
motive-api.md gives: JSON body, exactly one target, target exists, start time valid and not in
the future, recall type, duration for the type, smart-dashcam limits, camera positions, window
inside an available timeline, duplicate, quota (the rate limit is the server's).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, NoReturn
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.plumbing.timefmt import iso_utc
from bot.recall import ALLOWED_DURATIONS, CAMERA_ORDER, CameraPosition, RecallType
from bot.sandbox.clock import SandboxClock
from bot.sandbox.motive_fleet import (
    DEMO_ASSETS,
    DEMO_VEHICLES,
    SandboxAsset,
    SandboxVehicle,
    Stretch,
    camera_type,
    footage,
)

DROVE_FOR = timedelta(hours=1)  # the footage around a safety event, either side

OTHER_SHAPES: dict[str, Any] = {
    "vehicles_key": "data",
    "timeline_vehicle_param": "number",
    "event_vehicle_key": "vehicle",
    "events_since_param": "start_time",
}
"""``shapes="other"``: plausible answers that differ from motive-api.md's guesses (another
envelope for ``GET /vehicles``, another timelines query name, another key for a safety event's
vehicle, another time filter for the event list), so ``recallbot doctor`` can be shown to find
each and name the setting that reads it."""


class SandboxSettings(BaseModel):
    """Everything about the sandbox a test or the demo may change, guessed shapes included."""

    model_config = ConfigDict(validate_assignment=True)

    shapes: Literal["guessed", "other"] = "guessed"
    """``other``: serve ``OTHER_SHAPES`` (fields given outright still win); read at start."""

    @model_validator(mode="before")
    @classmethod
    def _other_shapes(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("shapes") == "other":
            return OTHER_SHAPES | data
        return data

    api_key: str = "sandbox"
    fleet_tz: str = "America/Chicago"
    pending_seconds: float = 120.0
    processing_seconds: float = 600.0
    link_ttl_seconds: float = 8 * 3600.0
    quota_regular_minutes: int = 600
    quota_timelapse_minutes: int = 300
    rate_limit_per_minute: int = 1200
    send_retry_after: bool = False
    failing_cameras: dict[str, list[CameraPosition]] = Field(default_factory=dict)
    processing_mix: list[tuple[float, float, float]] = Field(default_factory=list)
    """(weight, shortest_s, longest_s): each recall's total time drawn from one band (log-
    uniformly), deterministically per recall id; empty: ~pending_s then ~processing_s."""
    fail_rate: float = Field(0.0, ge=0, le=1)
    """With processing_mix: the share of recalls whose every camera fails."""
    # Look now and places (``motive_look.py``, ``motive_world.py``).
    world_seed: int = 7
    """Which rounds the vehicles drive each day (the same seed, the same world)."""
    location_step_s: float = Field(60.0, gt=0)  # breadcrumbs while driving (sparser parked)
    location_calls_max: int = Field(10, ge=1)  # simultaneous history requests; more: 429
    location_latency_s: float = Field(0.0, ge=0)  # real seconds a history answer takes
    captures_enabled: bool = True  # the company's "Capture Trip Images" feature; off: 403
    capture_pending_s: float = Field(5.0, ge=0)
    capture_processing_s: float = Field(15.0, ge=0)
    capture_poll_min_s: float = Field(10.0, ge=0)
    """A capture polled again sooner than this (sandbox seconds) is answered 429."""
    offline_cameras: dict[str, list[str]] = Field(default_factory=dict)
    """Vehicle number or asset name -> positions whose camera is offline ("*": all): their
    captures end failed, saying so."""
    # Guessed shapes (motive-api.md), so the client can be tested against each variant.
    create_status: int = 201
    create_id_as_int: bool = True
    details_id_as_str: bool = True
    duplicate_status: int = 409
    duplicate_names_id: bool = True
    quota_status: int = 422
    bad_request_status: int = 400
    error_key: str = "error_message"
    wrap_list_items: bool = True
    vehicles_key: str = "vehicles"  # GET /vehicles: {"vehicles": [...], "pagination": ...}
    max_per_page: int = 100
    vehicle_timelines_path: str = "/video_recall_requests/vehicles/available_timelines"
    asset_timelines_path: str = "/video_recall_requests/assets/available_timelines"
    timeline_vehicle_param: str = "vehicle_number"
    timeline_asset_param: str = "asset_name"
    webhook_action: str = "video_recall_request_completed"
    status_words: dict[str, str] = Field(
        default_factory=lambda: {
            "pending": "pending",
            "processing": "processing",
            "success": "success",
            "failed": "failed",
        }
    )
    webhook_url: str | None = None
    webhook_secret: str = "sandbox-webhook-secret"  # noqa: S105 - the sandbox's public default
    webhook_secret_shown: bool = True  # GET /company_webhooks shows the secret (guess)
    webhook_retry_seconds: list[float] = Field(default_factory=lambda: [60.0, 3600.0, 21600.0])
    media_width: int = Field(320, ge=32, le=3840)
    media_height: int = Field(180, ge=32, le=2160)
    media_fps: int = Field(5, ge=1, le=60)
    """Every download is a real H.264 MP4 of this size and rate (small by default: tests stay
    fast; ``--media-size 1280x720 --media-fps 15`` for realistic figures)."""
    media_busy: bool = False
    """Busy frames (a panning texture with grain, about 4 Mbit/s at 720p15) instead of a flat
    colour: decoders and encoders do the work real dashcam footage asks of them."""
    timelapse_speedup: int = Field(60, ge=1)
    """Recorded seconds per second of a time-lapse clip (guess: Motive's time-lapses are short
    clips covering their window; a 10-minute one is then a 10-second clip)."""
    media_pad_mb: int = Field(0, ge=0)
    event_media_after_s: float = 120.0  # Motive's own clip of an event: in a later delivery
    event_vehicle_number: bool = True  # events carry current_vehicle {id, number}
    event_vehicle_key: str = "current_vehicle"
    events_list_path: str = "/v2/driver_performance_events"
    events_since_param: Literal["updated_after", "start_time"] = "updated_after"
    """The time filter the event list keeps (``start_time``: events that started at or after
    it); it ignores the other."""
    events_every_s: float = Field(0.0, ge=0)  # a random safety event this often (0: never)
    """Grow every clip to at least this many MiB (a gigabyte download, for memory tests)."""


class Refusal(Exception):
    """A create or read Motive refuses: the status and Motive's message."""

    def __init__(self, status: int, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra or {}


@dataclass
class SandboxRecall:
    """One recall request and the plan of its life (when it is processed, which cameras fail)."""

    id: int
    fingerprint: str
    vehicle: SandboxVehicle | None
    asset: SandboxAsset | None
    start: datetime
    minutes: int
    recall_type: RecallType
    positions: tuple[CameraPosition, ...]
    failing: frozenset[CameraPosition]
    created_at: datetime
    pending_until: datetime
    done_at: datetime
    webhook_sent: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def stage(self, now: datetime) -> str:
        """pending, processing, success or failed, as of ``now``."""
        if now < self.pending_until:
            return "pending"
        if now < self.done_at:
            return "processing"
        return "failed" if set(self.positions) <= self.failing else "success"


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("start_time must be an ISO 8601 string")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("start_time must carry a UTC offset")
    return moment


class MotiveRules:
    """The state and rules of the sandbox Motive. Thread-safe: the server is threaded."""

    def __init__(self, settings: SandboxSettings, clock: SandboxClock) -> None:
        self.settings = settings
        self.clock = clock
        self.vehicles = {v.number: v for v in DEMO_VEHICLES}
        self.assets = {a.name: a for a in DEMO_ASSETS}
        self.recalls: dict[int, SandboxRecall] = {}
        self.used = {RecallType.REGULAR: 0, RecallType.TIMELAPSE: 0}
        self._next_id = 5_000_001
        self._lock = threading.RLock()
        self._media_key = hashlib.sha256(settings.api_key.encode()).digest()
        self._revoked: dict[int, int] = {}  # recall id -> links expiring at or before: dead
        self._driven: dict[int, list[Stretch]] = {}  # vehicle id -> on the road (events)

    @property
    def zone(self) -> ZoneInfo:
        """The fleet's local zone (parking hours are local)."""
        return ZoneInfo(self.settings.fleet_tz)

    # -- reads ------------------------------------------------------------------------------

    def quota_info(self) -> dict[str, Any]:
        """``quota_info`` as Motive shows it."""
        totals = {
            RecallType.REGULAR: self.settings.quota_regular_minutes,
            RecallType.TIMELAPSE: self.settings.quota_timelapse_minutes,
        }
        with self._lock:
            return {
                kind.value: {
                    "used_minutes": self.used[kind],
                    "remaining_minutes": max(0, totals[kind] - self.used[kind]),
                    "total_minutes": totals[kind],
                }
                for kind in RecallType
            }

    def vehicle_by(self, number: str | None, vehicle_id: str | None) -> SandboxVehicle:
        """A vehicle by fleet number or Motive id."""
        for vehicle in self.vehicles.values():
            if vehicle.number == number or (vehicle_id and str(vehicle.id) == vehicle_id):
                return vehicle
        raise Refusal(404, f"Vehicle {number or vehicle_id} not found")

    def asset_by(self, name: str | None, asset_id: str | None) -> SandboxAsset:
        """An asset by name or Motive id."""
        for asset in self.assets.values():
            if asset.name == name or (asset_id and str(asset.id) == asset_id):
                return asset
        raise Refusal(404, f"Asset {name or asset_id} not found")

    def windows(
        self,
        entity: SandboxVehicle | SandboxAsset,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[tuple[datetime, datetime]]:
        """Where the entity holds footage (none at all for an asset without cameras)."""
        if not entity.positions:
            return []
        with self._lock:
            driven = list(self._driven.get(entity.id, ()))
        return footage(entity.recording, self.zone, self.clock.now(), start, end, driven)

    def drove(self, vehicle_id: int, start: datetime, end: datetime) -> None:
        """A safety event proves the vehicle was on the road: its cameras recorded for an hour
        either side, even in the hours it is usually parked (an alert at 1 AM has footage)."""
        with self._lock:
            self._driven.setdefault(vehicle_id, []).append((start - DROVE_FOR, end + DROVE_FOR))

    def recall(self, recall_id: str) -> SandboxRecall:
        """A recall by id."""
        with self._lock:
            found = self.recalls.get(int(recall_id)) if recall_id.isdigit() else None
        if found is None:
            raise Refusal(404, f"Video recall request {recall_id} not found")
        return found

    # -- the create rules, in motive-api.md's order -------------------------------------------

    def create(self, body: Any) -> SandboxRecall:
        """Validate a create body and record the recall (spending quota)."""
        if not isinstance(body, dict):
            self._bad("Request body must be a JSON object")
        vehicle, asset = self._target(body)
        start = self._start(body)
        recall_type = self._recall_type(body)
        minutes = self._duration(body, recall_type)
        if vehicle is not None and vehicle.smart:
            if recall_type is RecallType.TIMELAPSE:
                self._bad("Timelapse is not supported for smart dashcams")
            if minutes > 1:
                self._bad("Smart dashcam recalls are limited to 1 minute")
        entity: SandboxVehicle | SandboxAsset = vehicle or asset  # type: ignore[assignment]
        positions = self._positions(body, entity)
        end = start + timedelta(minutes=minutes)
        if not any(lo <= start and end <= hi for lo, hi in self.windows(entity)):
            self._bad("No video is available for the requested time range")
        fingerprint = f"{entity.id}|{start.isoformat()}|{minutes}|{recall_type}|{positions}"
        with self._lock:
            self._refuse_duplicate(fingerprint)
            self._spend(recall_type, minutes)
            return self._record(fingerprint, vehicle, asset, start, minutes, recall_type, positions)

    def _bad(self, message: str) -> NoReturn:
        raise Refusal(self.settings.bad_request_status, message)

    def _target(self, body: dict[str, Any]) -> tuple[SandboxVehicle | None, SandboxAsset | None]:
        number, name = body.get("vehicle_number"), body.get("asset_name")
        if (number is None) == (name is None):
            self._bad("Provide exactly one of vehicle_number or asset_name")
        if number is not None:
            return self.vehicle_by(str(number), None), None
        return None, self.asset_by(str(name), None)

    def _start(self, body: dict[str, Any]) -> datetime:
        if "start_time" not in body:
            self._bad("start_time is required")
        try:
            start = _parse_time(body["start_time"])
        except ValueError:
            self._bad("start_time must be a valid ISO 8601 timestamp")
        if start > self.clock.now():
            self._bad("start_time cannot refer to future footage")
        return start

    def _recall_type(self, body: dict[str, Any]) -> RecallType:
        try:
            return RecallType(body.get("recall_type", "regular"))
        except ValueError:
            self._bad("recall_type must be regular or timelapse")

    def _duration(self, body: dict[str, Any], recall_type: RecallType) -> int:
        minutes = body.get("duration")
        allowed = ALLOWED_DURATIONS[recall_type]
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes not in allowed:
            shown = ", ".join(str(m) for m in allowed)
            self._bad(f"duration for a {recall_type} recall must be one of {shown} minutes")
        return int(minutes)

    def _positions(
        self, body: dict[str, Any], entity: SandboxVehicle | SandboxAsset
    ) -> tuple[CameraPosition, ...]:
        asked = body.get("camera_positions")
        if asked is None:
            wanted = set(entity.positions)
        else:
            if not isinstance(asked, list) or not asked:
                self._bad("camera_positions must be a non-empty list when given")
            unknown = [p for p in asked if p not in CameraPosition._value2member_map_]
            if unknown:
                self._bad(f"Unknown camera position: {unknown[0]}")
            wanted = {CameraPosition(p) for p in asked} & entity.positions
        if not wanted:
            self._bad("None of the requested cameras is installed on this vehicle or asset")
        return tuple(p for p in CAMERA_ORDER if p in wanted)

    def _refuse_duplicate(self, fingerprint: str) -> None:
        now = self.clock.now()
        for recall in self.recalls.values():
            if recall.fingerprint == fingerprint and recall.stage(now) != "failed":
                extra = {"id": recall.id} if self.settings.duplicate_names_id else {}
                raise Refusal(
                    self.settings.duplicate_status,
                    "Duplicate request: a video recall request for this window already exists",
                    extra,
                )

    def _spend(self, recall_type: RecallType, minutes: int) -> None:
        total = (
            self.settings.quota_regular_minutes
            if recall_type is RecallType.REGULAR
            else self.settings.quota_timelapse_minutes
        )
        if self.used[recall_type] + minutes > total:
            raise Refusal(
                self.settings.quota_status,
                f"Monthly {recall_type} video recall quota exhausted",
            )
        self.used[recall_type] += minutes

    def _record(
        self,
        fingerprint: str,
        vehicle: SandboxVehicle | None,
        asset: SandboxAsset | None,
        start: datetime,
        minutes: int,
        recall_type: RecallType,
        positions: tuple[CameraPosition, ...],
    ) -> SandboxRecall:
        now = self.clock.now()
        recall_id, self._next_id = self._next_id, self._next_id + 1
        pending_s, total_s, fails = self._plan(recall_id)
        name = vehicle.number if vehicle else asset.name if asset else ""
        failing = frozenset(positions if fails else self.settings.failing_cameras.get(name, ()))
        recall = SandboxRecall(
            id=recall_id,
            fingerprint=fingerprint,
            vehicle=vehicle,
            asset=asset,
            start=start,
            minutes=minutes,
            recall_type=recall_type,
            positions=positions,
            failing=failing,
            created_at=now,
            pending_until=now + timedelta(seconds=pending_s),
            done_at=now + timedelta(seconds=total_s),
        )
        self.recalls[recall_id] = recall
        return recall

    def _plan(self, recall_id: int) -> tuple[float, float, bool]:
        """How long a recall stays pending, when it finishes, and whether it fails."""
        settings = self.settings
        if not settings.processing_mix:
            # A little more or less than the nominal time, deterministically per recall.
            spread = 0.8 + (recall_id % 5) * 0.1
            return settings.pending_seconds * spread, settings.processing_seconds * spread, False
        draw = random.Random(recall_id)  # noqa: S311 - a reproducible spread, not security
        weights = [band[0] for band in settings.processing_mix]
        _, shortest, longest = draw.choices(settings.processing_mix, weights)[0]
        total = math.exp(draw.uniform(math.log(shortest), math.log(longest)))
        # The upload itself takes the last ten minutes or so; before that the request waits
        # for the gateway (which, for a parked truck, sleeps for hours).
        pending = total - min(0.8 * total, 600.0)
        return pending, total, draw.random() < settings.fail_rate

    # -- answers ----------------------------------------------------------------------------

    def details(self, recall: SandboxRecall, base_url: str, id_as_str: bool) -> dict[str, Any]:
        """A recall as the details (and create) endpoints show it."""
        now = self.clock.now()
        stage = recall.stage(now)
        words = self.settings.status_words
        cameras = []
        if stage != "pending":
            for position in recall.positions:
                cameras.append(self._camera(recall, position, stage, now, base_url))
        vehicle = recall.vehicle
        return {
            "id": str(recall.id) if id_as_str else recall.id,
            "status": words.get(stage, stage),
            "primary_entity": "vehicle" if vehicle else "asset",
            "vehicle": {"id": vehicle.id, "number": vehicle.number} if vehicle else None,
            "asset": {"id": recall.asset.id, "name": recall.asset.name} if recall.asset else None,
            "start_time": iso_utc(recall.start),
            "end_time": iso_utc(recall.start + timedelta(minutes=recall.minutes)),
            "recall_type": recall.recall_type.value,
            "created_at": iso_utc(recall.created_at),
            "updated_at": iso_utc(min(now, recall.done_at)),
            "cameras": cameras,
        }

    def _camera(
        self,
        recall: SandboxRecall,
        position: CameraPosition,
        stage: str,
        now: datetime,
        base_url: str,
    ) -> dict[str, Any]:
        words = self.settings.status_words
        camera: dict[str, Any] = {"camera_type": camera_type(position), "position": position.value}
        if stage == "processing":
            camera["status"] = words["processing"]
        elif position in recall.failing:
            camera["status"] = words["failed"]
            camera["failure_reason"] = "The camera did not upload the footage"
        else:
            expires = now + timedelta(seconds=self.settings.link_ttl_seconds)
            camera["status"] = words["success"]
            camera["download_url"] = self.media_url(base_url, recall.id, position, expires)
            camera["expires_at"] = iso_utc(expires)
        return camera

    def media_url(
        self, base_url: str, recall_id: int, position: CameraPosition, expires: datetime
    ) -> str:
        """A pre-signed link the sandbox serves itself, valid until ``expires``."""
        stamp = max(int(expires.timestamp()), self._revoked.get(recall_id, 0) + 1)
        signature = self._media_signature(recall_id, position.value, stamp)
        return f"{base_url}/media/{recall_id}/{position.value}.mp4?expires={stamp}&sig={signature}"

    def media_allowed(self, recall_id: int, position: str, expires: int, signature: str) -> str:
        """Why a media link is refused ("" when it is good)."""
        expected = self._media_signature(recall_id, position, expires)
        if not hmac.compare_digest(expected, signature):
            return "bad signature"
        if expires < self.clock.now().timestamp() or expires <= self._revoked.get(recall_id, 0):
            return "link expired"
        return ""

    def expire_links(self, recall_id: int, through: int) -> None:
        """Every link of this recall expiring at or before ``through`` stops working now (a
        link that expires while it is being downloaded); later links are issued after it."""
        with self._lock:
            self._revoked[recall_id] = max(self._revoked.get(recall_id, 0), through)

    def _media_signature(self, recall_id: int, position: str, expires: int) -> str:
        message = f"{recall_id}/{position}/{expires}".encode()
        return hmac.new(self._media_key, message, hashlib.sha256).hexdigest()[:32]
