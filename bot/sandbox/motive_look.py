"""The sandbox's look-now and places endpoints: image captures, location history, geofences
and geofence visits (motive-api.md, "Look now and places"), over the sandbox's ``World``.

Captures advance pending -> processing -> success on the sandbox clock, or end failed when
their camera is offline (``offline_cameras``); the company's feature can be off
(``captures_enabled``: 403); a position the vehicle or asset has no camera for is a 400. The
documented limits apply: a capture polled again within ``capture_poll_min_s`` and a location
request beyond ``location_calls_max`` at once are answered 429.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time as time_module
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.plumbing.timefmt import iso_utc
from bot.sandbox.footage import live_still
from bot.sandbox.http import HttpReply, HttpRequest
from bot.sandbox.motive_fleet import SandboxAsset, SandboxVehicle
from bot.sandbox.motive_rules import MotiveRules, Refusal
from bot.sandbox.motive_world import World

_CAPTURES = "/image_captures"
_DASHCAM = ("front_facing", "driver_facing")
_OMNICAM = ("side_left", "side_right", "rear")
_MAX_DAYS = 92  # three months of history a call

Pager = Callable[[str, str, list[dict[str, Any]], dict[str, str]], dict[str, Any]]


@dataclass
class SandboxCapture:
    """One image capture and the plan of its life."""

    id: int
    vehicle: SandboxVehicle | None
    asset: SandboxAsset | None
    position: str
    created_at: datetime
    taken_at: datetime  # the end of pending: when the camera takes the picture
    done_at: datetime
    offline: bool
    last_poll: datetime | None = None

    @property
    def camera_type(self) -> str:
        """The device that takes it."""
        return "dashcam" if self.position in _DASHCAM else "omnicam"

    @property
    def target(self) -> str:
        """The vehicle's number or the asset's name."""
        return self.vehicle.number if self.vehicle else self.asset.name  # type: ignore[union-attr]

    def stage(self, now: datetime) -> str:
        """pending, processing, success or failed, as of ``now``."""
        if now < self.taken_at:
            return "pending"
        if now < self.done_at:
            return "processing"
        return "failed" if self.offline else "success"


def _day(value: str | None, name: str) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise Refusal(400, f"{name} must be a date, YYYY-MM-DD") from None


class LookSide:
    """Captures, history, geofences and visits; thread-safe (the server is threaded)."""

    def __init__(self, rules: MotiveRules, page: Pager) -> None:
        self.rules = rules
        self.world = World(rules.settings.world_seed, rules.zone)
        self.captures: dict[int, SandboxCapture] = {}
        self.peak_location_calls = 0  # the most location requests served at once, ever
        self._page = page
        self._next_id = 7_000_001
        self._locations = 0
        self._lock = threading.Lock()
        self._key = hashlib.sha256(b"captures:" + rules.settings.api_key.encode()).digest()

    def reset(self) -> None:
        """Forget every capture and the concurrency peak."""
        with self._lock:
            self.captures.clear()
            self.peak_location_calls = 0

    # -- dispatch -----------------------------------------------------------------------------

    def create(self, request: HttpRequest, path: str, base_url: str) -> HttpReply | None:
        """A POST this side answers (a capture), or None."""
        if path.rstrip("/") != _CAPTURES:
            return None
        try:
            body = request.json()
        except ValueError:
            bad = self.rules.settings.bad_request_status
            raise Refusal(bad, "Body must be valid JSON") from None
        capture = self._create(body)
        return HttpReply.json(self._details(capture, base_url), 201)

    def read(self, request: HttpRequest, path: str, base_url: str) -> HttpReply | None:
        """A GET this side answers, or None."""
        query = request.query
        parts = path.strip("/").split("/")
        if path.startswith(f"{_CAPTURES}/") and len(parts) == 3:
            return HttpReply.json(self._poll(parts[1], parts[2], base_url))
        if path.startswith("/v3/vehicle_locations/") and len(parts) == 3:
            with self._location_call():
                time_module.sleep(self.rules.settings.location_latency_s)
                return HttpReply.json(self._history(parts[2], query))
        if path == "/geofences":
            places = [place.as_json() for place in self.world.places]
            return HttpReply.json(self._page("geofences", "geofence", places, query))
        if path.startswith("/geofences/") and len(parts) == 2:
            found = [p for p in self.world.places if str(p.id) == parts[1]]
            if not found:
                raise Refusal(404, f"Geofence {parts[1]} not found")
            return HttpReply.json({"geofence": found[0].as_json()})
        if path == "/geofence_events":
            events = self._visits(query)
            return HttpReply.json(self._page("geofence_events", "geofence_event", events, query))
        return None

    # -- captures -----------------------------------------------------------------------------

    def _create(self, body: Any) -> SandboxCapture:
        settings = self.rules.settings
        bad = settings.bad_request_status
        if not isinstance(body, dict):
            raise Refusal(bad, "Request body must be a JSON object")
        vehicle, asset = self._target(body)
        if not settings.captures_enabled:
            raise Refusal(403, "Capture Trip Images is turned off for this company: turn it on "
                               "in the dashboard's video monitoring settings")  # fmt: skip
        position = str(body.get("position", ""))
        if position not in _DASHCAM + _OMNICAM:
            raise Refusal(bad, f"Unknown or unsupported camera position: {position or 'none'}")
        installed = {p.value for p in (vehicle or asset).positions}  # type: ignore[union-attr]
        if position in _DASHCAM and vehicle is None:
            raise Refusal(bad, f"{position} is a dashcam position: assets have no dashcam")
        if position not in installed:
            device = "an Omnicam" if position in _OMNICAM else "that camera"
            raise Refusal(bad, f"{position} is not available: this vehicle or asset has no "
                               f"{device}")  # fmt: skip
        now = self.rules.clock.now()
        with self._lock:
            capture_id, self._next_id = self._next_id, self._next_id + 1
            name = vehicle.number if vehicle else asset.name  # type: ignore[union-attr]
            offline = settings.offline_cameras.get(name, [])
            taken = now + timedelta(seconds=settings.capture_pending_s)
            capture = SandboxCapture(
                capture_id, vehicle, asset, position, now, taken,
                taken + timedelta(seconds=settings.capture_processing_s),
                offline="*" in offline or position in offline,
            )  # fmt: skip
            self.captures[capture_id] = capture
        return capture

    def _target(self, body: dict[str, Any]) -> tuple[SandboxVehicle | None, SandboxAsset | None]:
        number, vehicle_id = body.get("vehicle_number"), body.get("vehicle_id")
        name, asset_id = body.get("asset_name"), body.get("asset_id")
        vehicle_named, asset_named = (number or vehicle_id), (name or asset_id)
        if bool(vehicle_named) == bool(asset_named):
            raise Refusal(self.rules.settings.bad_request_status,
                          "Provide exactly one of vehicle_number or asset_name")  # fmt: skip
        if vehicle_named:
            return self.rules.vehicle_by(_text(number), _text(vehicle_id)), None
        return None, self.rules.asset_by(_text(name), _text(asset_id))

    def _poll(self, camera_type: str, request_id: str, base_url: str) -> dict[str, Any]:
        now = self.rules.clock.now()
        with self._lock:
            capture = self.captures.get(int(request_id)) if request_id.isdigit() else None
            if capture is None or capture.camera_type != camera_type:
                raise Refusal(404, f"Image capture {camera_type}/{request_id} not found")
            least = timedelta(seconds=self.rules.settings.capture_poll_min_s)
            if capture.last_poll is not None and now - capture.last_poll < least:
                raise Refusal(429, f"Poll an image capture at most every {least.seconds} s")
            capture.last_poll = now
        return self._details(capture, base_url)

    def _details(self, capture: SandboxCapture, base_url: str) -> dict[str, Any]:
        now = self.rules.clock.now()
        stage = capture.stage(now)
        words = self.rules.settings.status_words
        vehicle, asset = capture.vehicle, capture.asset
        shown: dict[str, Any] = {
            "request_id": capture.id, "camera_type": capture.camera_type,
            "position": capture.position, "status": words.get(stage, stage),
            "vehicle": {"id": vehicle.id, "number": vehicle.number} if vehicle else None,
            "asset": {"id": asset.id, "name": asset.name} if asset else None,
        }  # fmt: skip
        if stage == "success":
            expires = now + timedelta(seconds=self.rules.settings.link_ttl_seconds)
            shown["images"] = {capture.position: {"url": self._image_url(base_url, capture.id,
                               expires), "expires_at": iso_utc(expires)}}  # fmt: skip
        elif stage == "failed":
            shown["failure_reason"] = "The camera is offline: it did not answer the capture"
        return shown

    def _image_url(self, base_url: str, capture_id: int, expires: datetime) -> str:
        stamp = int(expires.timestamp())
        return f"{base_url}/media/captures/{capture_id}.jpg?expires={stamp}&sig=" + self._sign(
            capture_id, stamp
        )

    def _sign(self, capture_id: int, stamp: int) -> str:
        signed = hmac.new(self._key, f"{capture_id}/{stamp}".encode(), hashlib.sha256)
        return signed.hexdigest()[:32]

    def image(self, request: HttpRequest, path: str) -> HttpReply:
        """A capture's JPEG, for a good link that has not expired."""
        name = path.removeprefix("/media/captures/")
        capture_id = name.removesuffix(".jpg")
        if not name.endswith(".jpg") or not capture_id.isdigit():
            return HttpReply(404, b"not found")
        capture = self.captures.get(int(capture_id))
        stamp = request.query.get("expires", "")
        good = stamp.isdigit() and hmac.compare_digest(
            self._sign(int(capture_id), int(stamp)), request.query.get("sig", "")
        )
        if capture is None or not good or int(stamp) < self.rules.clock.now().timestamp():
            return HttpReply(403, b"bad or expired link", {"Content-Type": "text/plain"})
        settings = self.rules.settings
        size = max(settings.media_width, 480), max(settings.media_height, 270)
        jpeg = live_still(capture.target, capture.position, capture.taken_at, *size)
        return HttpReply(200, jpeg, {"Content-Type": "image/jpeg"})

    # -- places -------------------------------------------------------------------------------

    @contextmanager
    def _location_call(self) -> Iterator[None]:
        """One location request in flight; beyond the documented ten at once, a 429."""
        with self._lock:
            if self._locations >= self.rules.settings.location_calls_max:
                raise Refusal(429, "Too many simultaneous vehicle location requests (at most "
                                   f"{self.rules.settings.location_calls_max})")  # fmt: skip
            self._locations += 1
            self.peak_location_calls = max(self.peak_location_calls, self._locations)
        try:
            yield
        finally:
            with self._lock:
                self._locations -= 1

    def _span(self, query: dict[str, str]) -> tuple[datetime, datetime]:
        """[start of start_date, end of end_date) in the fleet's zone, at most three months."""
        first, last = (
            _day(query.get("start_date"), "start_date"),
            _day(query.get("end_date"), "end_date"),
        )
        if last < first or (last - first).days > _MAX_DAYS:
            raise Refusal(400, "end_date must follow start_date, at most 3 months later")
        zone = self.rules.zone
        return datetime.combine(first, time(0), zone), datetime.combine(
            last + timedelta(days=1), time(0), zone
        )

    def _history(self, vehicle_id: str, query: dict[str, str]) -> dict[str, Any]:
        vehicle = self.rules.vehicle_by(None, vehicle_id)
        start, end = self._span(query)
        end = min(end, self.rules.clock.now())
        every = timedelta(seconds=self.rules.settings.location_step_s)
        fixes = self.world.breadcrumbs(vehicle, start, end, every) if start < end else []
        items = [{"vehicle_location": fix.as_json()} for fix in fixes]
        pagination = {"per_page": len(items), "page_no": 1, "total": len(items)}
        named = {"id": vehicle.id, "number": vehicle.number}
        return {"vehicle_locations": items, "vehicle": named, "pagination": pagination}

    def _visits(self, query: dict[str, str]) -> list[dict[str, Any]]:
        wanted = {part for part in query.get("geofence_ids[]", "").split(",") if part}
        places = [p for p in self.world.places if not wanted or str(p.id) in wanted]
        start, end = self._span(query)
        now = self.rules.clock.now()
        vehicles = list(self.rules.vehicles.values())
        events = []
        for place in places:
            for vehicle, entered, left in self.world.visits(place, vehicles, start, min(end, now)):
                ended = left if left <= now else None
                seconds = ((ended or now) - entered).total_seconds()
                events.append({
                    "id": int(hashlib.sha256(f"{place.id}{vehicle.id}{entered}".encode())
                              .hexdigest()[:8], 16),
                    "geofence_id": place.id, "start_time": iso_utc(entered),
                    "end_time": iso_utc(ended) if ended else None, "duration": round(seconds),
                    "vehicle": {"id": vehicle.id, "number": vehicle.number, "year": 2022,
                                "make": vehicle.make, "model": vehicle.model,
                                "vin": f"1FUJ{vehicle.id:013d}"},
                })  # fmt: skip
        return sorted(events, key=lambda event: str(event["start_time"]))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
