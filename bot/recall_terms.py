"""The terms of a video recall: its types, camera positions, allowed lengths, how many targets
one may name, and the codes a phrase is refused with.

Plain Python on purpose: the phrase parser reads and writes these on every phrase, and
``recallbot parse`` must start without loading pydantic; ``bot.recall`` builds the validated
``RecallRequest`` on them (and re-exports them, so callers import from one place).
"""

from __future__ import annotations

from enum import StrEnum


class RecallType(StrEnum):
    """How Motive records the window: real time, or a time-lapse of a longer window."""

    REGULAR = "regular"
    TIMELAPSE = "timelapse"


class CameraPosition(StrEnum):
    """Camera positions Motive knows, in the order recallbot always lists them."""

    FRONT_FACING = "front_facing"
    DRIVER_FACING = "driver_facing"
    FRONT_NARROW_FACING = "front_narrow_facing"
    SIDE_LEFT = "side_left"
    SIDE_RIGHT = "side_right"
    REAR = "rear"


CAMERA_ORDER: tuple[CameraPosition, ...] = tuple(CameraPosition)

CAMERA_WORDS: dict[CameraPosition, str] = {
    CameraPosition.FRONT_FACING: "Road-facing",
    CameraPosition.DRIVER_FACING: "Driver-facing",
    CameraPosition.FRONT_NARROW_FACING: "Road-facing (narrow)",
    CameraPosition.SIDE_LEFT: "Left side",
    CameraPosition.SIDE_RIGHT: "Right side",
    CameraPosition.REAR: "Rear",
}
"""How people name each position (Slack replies and the CLI use these words)."""

ALLOWED_DURATIONS: dict[RecallType, tuple[int, ...]] = {
    RecallType.REGULAR: (1, 2, 3),
    RecallType.TIMELAPSE: (5, 10, 15, 30, 45, 60),
}
"""Minutes Motive accepts per recall type (documented)."""

DEFAULT_DURATION: dict[RecallType, int | None] = {
    RecallType.REGULAR: 1,
    RecallType.TIMELAPSE: None,
}
"""A regular recall defaults to one minute; a time-lapse has no default: its length must be said."""


DEFAULT_MAX_TARGETS = 5
"""Vehicles and assets one request may name, unless ``RECALLBOT_MAX_TARGETS`` says otherwise."""
MOST_TARGETS = 20
"""The most ``RECALLBOT_MAX_TARGETS`` may allow."""
DEFAULT_ZONE = "UTC"
"""The zone a phrase is read in when the requester's is unknown, unless
``RECALLBOT_DEFAULT_TZ`` names one. (These defaults are ``bot.config.Settings``'s, kept here so
that ``recallbot parse`` knows them without loading pydantic-settings.)"""


def allowed_durations_text(recall_type: RecallType) -> str:
    """'1, 2 or 3 minutes' for messages."""
    values = [str(v) for v in ALLOWED_DURATIONS[recall_type]]
    return f"{', '.join(values[:-1])} or {values[-1]} minutes"


class PhraseErrorCode(StrEnum):
    """Why a phrase could not become a recall request. Other tools rely on these exact codes."""

    NO_VEHICLE = "no_vehicle"
    MULTIPLE_VEHICLES = "multiple_vehicles"
    BOTH_VEHICLE_AND_ASSET = "both_vehicle_and_asset"
    MISSING_DURATION = "missing_duration"
    CONFLICTING_DURATION = "conflicting_duration"
    DURATION_NOT_ALLOWED = "duration_not_allowed"
    UNKNOWN_CAMERA = "unknown_camera"
    FUTURE_TIME = "future_time"
    TIME_NOT_SPECIFIC = "time_not_specific"
    NO_TIME = "no_time"
    INVALID_TIME = "invalid_time"
    AMBIGUOUS_TIME = "ambiguous_time"
    UNKNOWN_WORD = "unknown_word"
    NOT_ENGLISH = "not_english"
