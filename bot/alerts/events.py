"""Motive's safety events (driver performance events), read tolerantly.

``motive-api.md`` documents the webhook's example shape (``id``, ``type``, ``vehicle_id``,
times, speeds in km/h, ``lat``/``lon``/``location``) and marks the rest as guessed from a
third-party copy: ``current_vehicle``, ``current_driver``, ``coaching_status`` and
``camera_media`` (Motive's own ~15 s clip, often only in a later delivery of the same id).
The guessed keys are settings (``EventShapes``, in ``MOTIVE_SHAPES``'s ``events`` field), so a
deployment follows the real payload without a code change.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from bot.recall import CameraPosition

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

EVENT_WORDS: dict[str, str] = {
    "hard_accel": "Hard acceleration",
    "hard_brake": "Hard braking",
    "hard_corner": "Hard cornering",
    "crash": "Collision",
    "collision": "Collision",
    "near_collision": "Near collision",
    "possible_collision": "Possible collision",
    "seat_belt_violation": "Seat belt violation",
    "tailgating": "Close following",
    "cell_phone": "Cell phone use",
    "stop_sign_violation": "Stop sign violation",
    "distraction": "Distraction",
    "unsafe_lane_change": "Unsafe lane change",
    "drowsiness": "Drowsiness",
    "road_facing_cam_obstruction": "Road-facing camera obstructed",
    "driver_facing_cam_obstruction": "Driver-facing camera obstructed",
    "forward_collision_warning": "Forward collision warning",
    "manual_event": "Event marked by the driver",
    "lane_swerving_event": "Lane swerving",
}
"""How people name each event type (unknown types are shown with their own words)."""

DEFAULT_ALERT_TYPES = ("crash", "collision", "near_collision", "possible_collision", "hard_brake",
                       "forward_collision_warning")  # fmt: skip
"""The types posted unless ``RECALLBOT_ALERT_TYPES`` says otherwise: collisions, near
collisions, hard braking and forward-collision warnings."""


def event_words(kind: str) -> str:
    """ "Hard braking" for ``hard_brake``; an unknown type in readable words."""
    return EVENT_WORDS.get(kind, kind.replace("_", " ").strip().capitalize() or "Safety event")


class EventShapes(BaseModel):
    """Where a safety event keeps what ``motive-api.md`` marks as guessed."""

    model_config = ConfigDict(frozen=True)

    actions: tuple[str, ...] = ("driver_performance_event_created",
                                "driver_performance_event_updated")  # fmt: skip
    list_path: str = "/v2/driver_performance_events"
    list_key: str = "driver_performance_events"
    since_param: str = "updated_after"
    updated_key: str = "updated_at"
    vehicle_key: str = "current_vehicle"
    driver_key: str = "current_driver"
    coaching_key: str = "coaching_status"
    severity_path: tuple[str, ...] = ("metadata", "severity")
    media_key: str = "camera_media"
    videos_key: str = "downloadable_videos"
    images_key: str = "downloadable_images"
    video_urls: dict[str, str] = Field(default_factory=lambda: {
        "front_facing_plain_url": CameraPosition.FRONT_FACING.value,
        "driver_facing_plain_url": CameraPosition.DRIVER_FACING.value,
    })  # fmt: skip
    image_urls: dict[str, str] = Field(default_factory=lambda: {
        "front_facing_jpg_url": CameraPosition.FRONT_FACING.value,
        "driver_facing_jpg_url": CameraPosition.DRIVER_FACING.value,
    })  # fmt: skip


class EventMedia(BaseModel):
    """Motive's own short clip of the event, once transcoded: a URL per camera."""

    model_config = ConfigDict(frozen=True)

    start_time: AwareDatetime | None = None
    duration_s: float | None = None
    videos: dict[str, str] = Field(default_factory=dict)  # position -> URL
    images: dict[str, str] = Field(default_factory=dict)

    def identity(self) -> dict[str, Any]:
        """The clip and images by what they are, not by how they are signed: each URL without
        its query string (pre-signed links change with every delivery)."""
        shown = self.model_dump(mode="json")
        shown["videos"] = {k: unsigned(v) for k, v in self.videos.items()}
        shown["images"] = {k: unsigned(v) for k, v in self.images.items()}
        return shown


def unsigned(url: str) -> str:
    """A URL without its query string and fragment (a pre-signed link's signature)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class SafetyEvent(BaseModel):
    """One safety event as recallbot uses it (the raw payload is kept beside it, in the store)."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    action: str | None = None
    start_time: AwareDatetime
    end_time: AwareDatetime | None = None
    vehicle_id: str | None = None
    vehicle_number: str | None = None
    driver_name: str | None = None
    start_speed_kmh: float | None = None
    end_speed_kmh: float | None = None
    lat: float | None = None
    lon: float | None = None
    location: str | None = None
    severity: str | None = None
    coaching_status: str | None = None
    media: EventMedia | None = None
    updated_at: AwareDatetime | None = None  # Motive's own time of this version of the event

    @property
    def words(self) -> str:
        """The event in words ("Hard braking")."""
        return event_words(self.type)

    def digest(self) -> str:
        """What a message about this event shows, hashed: a redelivery with the same digest
        has nothing new; new media, a new coaching state or corrected times change it. A clip
        is named by its path: the same clip freshly signed (a new query string) is not new."""
        shown = self.model_dump(mode="json", exclude={"action", "updated_at", "media"})
        shown["media"] = self.media.identity() if self.media else None
        return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:24]

    def completeness(self) -> tuple[int, int]:
        """How much this delivery says: clips and images first, then fields known. A delivery
        saying less than the one kept (a retried ``…_created`` after its ``…_updated``) is an
        older one when Motive gives no update time."""
        media = len(self.media.videos) + len(self.media.images) if self.media else 0
        known = sum(value is not None for value in self.model_dump(exclude={"action"}).values())
        return media, known

    def is_older_than(self, kept: SafetyEvent) -> bool:
        """Whether this delivery is an older version of ``kept``: by Motive's update times
        when both have one, else by what each says (the same content is not older)."""
        mine, theirs = self.updated_at, kept.updated_at
        if mine is not None and theirs is not None and mine != theirs:
            return mine < theirs
        return self.completeness() < kept.completeness()

    def keeping_media_of(self, kept: SafetyEvent) -> SafetyEvent:
        """This (newer) delivery, with ``kept``'s clip when it names none: a clip once known
        is never lost to a delivery that leaves it out."""
        if self.media is not None or kept.media is None:
            return self
        return self.model_copy(update={"media": kept.media})


class NotAnEvent(ValueError):
    """The body is not a safety event (or not one recallbot can read)."""


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return str(value).strip() or None


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _urls(given: Any, keys: dict[str, str]) -> dict[str, str]:
    """Camera position -> URL, for the keys that hold a URL (null until transcoded)."""
    if not isinstance(given, dict):
        return {}
    return {position: url for key, position in keys.items()
            if isinstance(url := given.get(key), str) and url}  # fmt: skip


def _media(data: Any, shapes: EventShapes) -> EventMedia | None:
    if not isinstance(data, dict):
        return None
    videos = data.get(shapes.videos_key) or {}
    images = data.get(shapes.images_key) or {}
    found = EventMedia(
        start_time=data.get("start_time"),
        duration_s=data.get("duration"),
        videos=_urls(videos, shapes.video_urls),
        images=_urls(images, shapes.image_urls),
    )
    return found if found.videos or found.images else None


def is_event(data: Any, shapes: EventShapes) -> bool:
    """Whether a webhook body is a safety event (rather than a recall's details)."""
    return isinstance(data, dict) and data.get("action") in shapes.actions


def read_event(data: Any, shapes: EventShapes) -> SafetyEvent:
    """A payload (webhook body or list item) as a ``SafetyEvent``; ``NotAnEvent`` says why not."""
    if not isinstance(data, dict):
        raise NotAnEvent("a safety event is a JSON object")
    if isinstance(data.get("driver_performance_event"), dict):  # a wrapped list item
        data = data["driver_performance_event"]
    vehicle = data.get(shapes.vehicle_key) if isinstance(data.get(shapes.vehicle_key), dict) else {}
    driver = data.get(shapes.driver_key) if isinstance(data.get(shapes.driver_key), dict) else {}
    name = " ".join(filter(None, (_text(driver.get("first_name")), _text(driver.get("last_name")))))
    if not _text(data.get("id")) or not _text(data.get("type")):
        raise NotAnEvent("a safety event needs an id and a type")
    if not _ID.fullmatch(_text(data.get("id")) or ""):  # it names files and buttons
        raise NotAnEvent("a safety event's id is letters, digits, '-' or '_' (at most 64)")
    try:
        return SafetyEvent(
            id=_text(data.get("id")),
            type=_text(data.get("type")),
            action=_text(data.get("action")),
            start_time=data.get("start_time"),
            end_time=data.get("end_time"),
            vehicle_id=_text(data.get("vehicle_id")) or _text(vehicle.get("id")),
            vehicle_number=_text(vehicle.get("number")),
            driver_name=name or None,
            start_speed_kmh=data.get("start_speed"),
            end_speed_kmh=data.get("end_speed"),
            lat=data.get("lat"),
            lon=data.get("lon"),
            location=_text(data.get("location")),
            severity=_text(_dig(data, shapes.severity_path)),
            coaching_status=_text(data.get(shapes.coaching_key)),
            media=_media(data.get(shapes.media_key), shapes),
            updated_at=data.get(shapes.updated_key),
        )
    except ValidationError as exc:
        raise NotAnEvent(f"not a readable safety event: {exc.error_count()} problem(s)") from exc
