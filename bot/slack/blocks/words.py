"""How requests and recalls are named in messages (shared by every builder)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.recall import CAMERA_WORDS, CameraPosition, RecallRequest


def target_words(request: RecallRequest) -> str:
    """'vehicle 42' or 'asset TRL-0093'."""
    if request.vehicle_number is not None:
        return f"vehicle {request.vehicle_number}"
    return f"asset {request.asset_name}"


def camera_words(request: RecallRequest) -> str:
    """'Road-facing, Driver-facing', or 'every camera'."""
    if request.camera_positions is None:
        return "every camera"
    return camera_list_words(request.camera_positions)


def camera_list_words(positions: Iterable[CameraPosition]) -> str:
    """'Road-facing, Driver-facing'."""
    return ", ".join(CAMERA_WORDS[p] for p in positions)
