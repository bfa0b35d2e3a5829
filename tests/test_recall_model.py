"""RecallRequest enforces Motive's documented create rules."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from bot.recall import CameraPosition, RecallRequest, RecallType

START = datetime(2026, 11, 23, 15, tzinfo=timezone(timedelta(hours=-6)))


def test_start_is_sent_in_utc_with_a_z_and_whole_seconds() -> None:
    request = RecallRequest(
        vehicle_number="42", start_time=START.replace(microsecond=5), duration=1
    )
    assert request.model_dump(mode="json")["start_time"] == "2026-11-23T21:00:00Z"
    assert request.end_time == datetime(2026, 11, 23, 21, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "targets", [{}, {"vehicle_number": "42", "asset_name": "TRL-1"}, {"vehicle_number": "  "}]
)
def test_exactly_one_target_is_required(targets: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        RecallRequest(start_time=START, duration=1, **targets)


@pytest.mark.parametrize(
    ("kind", "minutes"),
    [
        (RecallType.REGULAR, 4),
        (RecallType.REGULAR, 5),
        (RecallType.TIMELAPSE, 3),
        (RecallType.TIMELAPSE, 20),
        (RecallType.TIMELAPSE, 90),
    ],
)
def test_durations_outside_the_type_are_rejected(kind: RecallType, minutes: int) -> None:
    with pytest.raises(ValidationError):
        RecallRequest(vehicle_number="42", start_time=START, duration=minutes, recall_type=kind)


def test_cameras_are_kept_in_canonical_order_without_repeats() -> None:
    request = RecallRequest(
        asset_name="TRL-0093",
        start_time=START,
        duration=2,
        camera_positions=(CameraPosition.REAR, CameraPosition.FRONT_FACING, CameraPosition.REAR),
    )
    assert request.camera_positions == (CameraPosition.FRONT_FACING, CameraPosition.REAR)


def test_an_empty_camera_list_is_rejected() -> None:
    with pytest.raises(ValidationError):
        RecallRequest(vehicle_number="42", start_time=START, duration=1, camera_positions=())


def test_naive_start_times_are_rejected() -> None:
    with pytest.raises(ValidationError):
        RecallRequest(vehicle_number="42", start_time=datetime(2026, 11, 23, 15), duration=1)  # noqa: DTZ001
