"""Which cameras: the positions named, minus the ones excluded, or all of them."""

from __future__ import annotations

from bot.phrase.draft import CameraDraft
from bot.phrase.result import Inference, InferenceKind, PhraseProblem
from bot.phrase.spelling import suggestion
from bot.recall_terms import CAMERA_ORDER, CAMERA_WORDS, CameraPosition, PhraseErrorCode

_KNOWN = (
    "front (road-facing), driver (in-cab), narrow, left side, right side, rear, omnicam "
    "(left, right and rear)"
)

# The note of every phrase that names no camera (one object: an inference is immutable).
_EVERY_CAMERA_NOTE = Inference(
    kind=InferenceKind.CAMERAS, message="No camera named: every camera the vehicle has."
)


def _words(positions: tuple[CameraPosition, ...]) -> str:
    return ", ".join(CAMERA_WORDS[p] for p in positions)


def resolve_cameras(
    cameras: CameraDraft,
) -> tuple[tuple[CameraPosition, ...] | None, list[Inference]]:
    """The positions to request (None means every camera the vehicle has)."""
    if cameras.unknown:
        named = cameras.unknown[0]
        meant = suggestion(named.split()[0].split("-")[0])
        guess = f" Did you mean “{meant}”?" if meant else ""
        raise PhraseProblem(
            PhraseErrorCode.UNKNOWN_CAMERA,
            f"I don't know a camera called “{named}”.{guess} Cameras are {_KNOWN}; say "
            "nothing to get every camera, e.g. “truck 42 yesterday 3pm front and driver”.",
        )
    if cameras.included:
        chosen = cameras.included - cameras.excluded
    elif cameras.excluded:
        chosen = set(CAMERA_ORDER) - cameras.excluded
    elif cameras.said_all:
        return None, []  # "all cameras": said outright, nothing inferred
    elif cameras.people:
        return None, [
            Inference(
                kind=InferenceKind.CAMERAS,
                message=f"“{cameras.people[0]}” read as the person, not the driver-facing "
                "camera, so every camera the vehicle has; say “driver cam” for that camera.",
            )
        ]
    else:
        return None, [_EVERY_CAMERA_NOTE]
    ordered = tuple(p for p in CAMERA_ORDER if p in chosen)
    if not ordered:
        raise PhraseProblem(
            PhraseErrorCode.UNKNOWN_CAMERA,
            f"“{' '.join(cameras.texts)}” leaves no camera to recall. Name the cameras you want, "
            "e.g. “front only” or “everything except driver”.",
        )
    if cameras.excluded and not cameras.included:
        excluded = tuple(p for p in CAMERA_ORDER if p in cameras.excluded)
        note = Inference(
            kind=InferenceKind.CAMERAS,
            message=f"Every camera except {_words(excluded)}: {_words(ordered)} (only those "
            "the vehicle has are recalled).",
        )
        return ordered, [note]
    return ordered, []
