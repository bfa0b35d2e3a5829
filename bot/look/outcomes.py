"""What Motive cannot do for a look, said plainly with what to do: codes and their sentences.

Each way a capture ends without an image has a code (kept in the store, given to surfaces and
scripts) and one sentence for the person who asked. The sentences name the camera and the
vehicle, and what would work instead, where recallbot knows it.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.fleet import TargetKind
from bot.motive import MotiveBadRequest, MotiveError, MotivePermissionError
from bot.recall import CAMERA_ORDER, CAMERA_WORDS, CameraPosition

CAPTURE_POSITIONS: tuple[CameraPosition, ...] = tuple(
    p for p in CAMERA_ORDER if p is not CameraPosition.FRONT_NARROW_FACING
)
"""The positions Motive takes stills from (its image captures list no narrow road camera)."""
OMNICAM = frozenset((CameraPosition.SIDE_LEFT, CameraPosition.SIDE_RIGHT, CameraPosition.REAR))
DEFAULT_POSITIONS = (CameraPosition.FRONT_FACING,)
"""Road-facing: never the driver-facing camera unless it is asked for."""

CAMERA_OFFLINE = "camera_offline"
FEATURE_OFF = "feature_off"
NO_CAMERA = "no_camera"
NOT_CAPTURABLE = "not_capturable"
SENT_UNKNOWN = "sent_unknown"
EXPIRED = "expired"
CAPTURE_FAILED = "capture_failed"
MOTIVE_REFUSED = "motive_refused"
UNKNOWN_TARGET = "unknown_target"


def named(kind: TargetKind, target: str) -> str:
    """"Vehicle 42", "Asset TRL-0093"."""
    return f"{kind.capitalize()} {target}"


def camera_offline(kind: TargetKind, target: str, position: CameraPosition) -> str:
    """Motive's capture ended failed: the camera did not answer."""
    return (f"{named(kind, target)}'s {CAMERA_WORDS[position].lower()} camera is offline: the "
            "vehicle may be off or out of coverage; try again when it is driving.")  # fmt: skip


def feature_off() -> str:
    """Motive answered 403: the company's image captures are off."""
    return ("Motive's image captures are turned off for this company: turn on Capture Trip "
            "Images in Motive's dashboard (video monitoring settings), then ask again.")


def no_camera(
    kind: TargetKind, target: str, asked: Iterable[CameraPosition],
    missing: Iterable[CameraPosition],
) -> str:
    """The target has none of the cameras asked for; what it may have instead, as far as
    recallbot knows (an asset never has a dashcam; the rest is learned from Motive)."""
    gone = set(missing)
    words = ", ".join(CAMERA_WORDS[p].lower() for p in CAMERA_ORDER if p in set(asked))
    left = [CAMERA_WORDS[p].lower() for p in CAPTURE_POSITIONS if p not in gone]
    instead = f" Ask for {_or(left)}." if left else " Motive can take no still from it."
    return f"{named(kind, target)} has no {words} camera (Motive said so).{instead}"


def not_capturable(position: CameraPosition) -> str:
    """A position Motive takes no still from."""
    return (f"Motive takes no still from the {CAMERA_WORDS[position].lower()} camera: ask for "
            "road-facing.")  # fmt: skip


def sent_unknown() -> str:
    """The create went out and its answer was lost (a crash, a 5xx): never sent again."""
    return ("recallbot was interrupted while asking Motive for this picture and cannot tell "
            "whether Motive took it: Motive may have taken a picture; ask again.")  # fmt: skip


def expired(kind: TargetKind, target: str) -> str:
    """Followed to its deadline without a picture."""
    return (f"Motive had not taken the picture from {named(kind, target)} before recallbot's "
            "deadline: a parked vehicle's camera may sleep for hours. Ask again when it is "
            "driving.")  # fmt: skip


def refusal(
    error: MotiveError, kind: TargetKind, target: str, position: CameraPosition,
    missing: Iterable[CameraPosition],
) -> tuple[str, str]:
    """Motive's refusal of a create, as (code, sentence)."""
    if isinstance(error, MotivePermissionError):
        return FEATURE_OFF, feature_off()
    if isinstance(error, MotiveBadRequest) and lacks_camera(error):
        return NO_CAMERA, no_camera(kind, target, (position,), missing)
    said = error.motive_message or str(error)
    return MOTIVE_REFUSED, f"Motive refused the picture from {named(kind, target)}: {said}"


def lacks_camera(error: MotiveError) -> bool:
    """Whether Motive's refusal says the target has no such camera."""
    said = error.motive_message.lower()
    return any(word in said for word in ("not available", "not installed", "has no", "no omnicam",
                                         "no dashcam"))  # fmt: skip


def lacking(error: MotiveError, position: CameraPosition) -> set[CameraPosition]:
    """The cameras a "no such camera" refusal says are missing: the whole Omnicam when it names
    the Omnicam, else the one asked for."""
    said = error.motive_message.lower()
    if position in OMNICAM and "omnicam" in said:
        return set(OMNICAM)
    return {position}


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
