"""What Motive refuses, and how the client names it: every documented rule and error status.

``RecallRequest`` already refuses most bad requests before they are sent; ``model_construct``
skips that on purpose here, to prove the client also reads Motive's own refusals correctly.
"""

from datetime import timedelta
from typing import Any

import pytest

from bot.motive import (
    MotiveAuthError,
    MotiveBadRequest,
    MotiveClient,
    MotiveDuplicate,
    MotiveNotFound,
    MotivePermissionError,
    MotiveQuotaExhausted,
)
from bot.recall import RecallRequest, RecallType
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from tests.conftest import arm, client_for, fleet_time, recall_of


def unchecked(sandbox: MotiveSandbox, **fields: Any) -> RecallRequest:
    values: dict[str, Any] = {
        "vehicle_number": "42",
        "asset_name": None,
        "start_time": fleet_time(sandbox, 1, 15),
        "duration": 1,
        "recall_type": RecallType.REGULAR,
        "camera_positions": None,
    }
    return RecallRequest.model_construct(**(values | fields))


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")  # the bad values are the point
@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"camera_positions": ()}, "non-empty list"),
        ({"camera_positions": ("roof_cam",)}, "Unknown camera position"),
        ({"asset_name": "TRL-0093"}, "exactly one of vehicle_number or asset_name"),
        ({"vehicle_number": None}, "exactly one of vehicle_number or asset_name"),
        ({"duration": 5}, "duration for a regular recall"),
        ({"duration": 2, "recall_type": RecallType.TIMELAPSE}, "duration for a timelapse"),
    ],
)
def test_documented_body_rules_are_bad_requests_naming_the_rule(
    sandbox: MotiveSandbox, client: MotiveClient, fields: dict[str, Any], rule: str
) -> None:
    with pytest.raises(MotiveBadRequest) as refused:
        client.create_recall(unchecked(sandbox, **fields))
    assert refused.value.status == 400
    assert rule in (refused.value.rule or "")
    assert sandbox.creates() == 0


def test_a_start_in_the_future_is_refused(sandbox: MotiveSandbox, client: MotiveClient) -> None:
    future = sandbox.clock.now() + timedelta(minutes=5)
    with pytest.raises(MotiveBadRequest, match="future footage"):
        client.create_recall(unchecked(sandbox, start_time=future))


def test_smart_dashcams_allow_one_minute_and_no_timelapse(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    with pytest.raises(MotiveBadRequest, match="limited to 1 minute"):
        client.create_recall(recall_of(sandbox, "7", duration=2))
    timelapse = recall_of(sandbox, "7", duration=5, recall_type=RecallType.TIMELAPSE)
    with pytest.raises(MotiveBadRequest, match="not supported for smart dashcams"):
        client.create_recall(timelapse)
    assert client.create_recall(recall_of(sandbox, "7")).id


def test_a_window_without_footage_is_refused(sandbox: MotiveSandbox, client: MotiveClient) -> None:
    parked = fleet_time(sandbox, 1, 2)  # 2 am: truck 42 parks from 23:00 to 05:00
    with pytest.raises(MotiveBadRequest, match="No video is available"):
        client.create_recall(recall_of(sandbox, start_time=parked))
    straddling = fleet_time(sandbox, 1, 22, 59)  # a 2-minute window running into the gap
    with pytest.raises(MotiveBadRequest, match="No video is available"):
        client.create_recall(recall_of(sandbox, start_time=straddling, duration=2))


def test_an_unknown_vehicle_or_recall_is_not_found(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    with pytest.raises(MotiveNotFound, match="Vehicle 43 not found"):
        client.create_recall(recall_of(sandbox, "43"))
    with pytest.raises(MotiveNotFound):
        client.get_recall("123")


def test_a_duplicate_is_refused_and_names_the_existing_recall(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    first = client.create_recall(recall_of(sandbox))
    with pytest.raises(MotiveDuplicate) as duplicate:
        client.create_recall(recall_of(sandbox))
    assert duplicate.value.status == 409
    assert duplicate.value.existing_id == first.id
    assert sandbox.creates() == 1


def test_a_duplicate_answered_422_is_still_a_duplicate() -> None:
    settings = SandboxSettings(duplicate_status=422, duplicate_names_id=False)
    with MotiveSandbox(settings) as sandbox, client_for(sandbox) as client:
        client.create_recall(recall_of(sandbox))
        with pytest.raises(MotiveDuplicate) as duplicate:
            client.create_recall(recall_of(sandbox))
    assert duplicate.value.existing_id is None


@pytest.mark.parametrize("status", [422, 429, 403])
def test_an_exhausted_quota_is_named_as_such_whatever_the_status(status: int) -> None:
    settings = SandboxSettings(quota_regular_minutes=2, quota_status=status)
    with MotiveSandbox(settings) as sandbox, client_for(sandbox) as client:
        client.create_recall(recall_of(sandbox, duration=2))
        with pytest.raises(MotiveQuotaExhausted, match="quota exhausted"):
            client.create_recall(
                recall_of(sandbox, duration=1, start_time=fleet_time(sandbox, 1, 16))
            )
        posts = [r for r in sandbox.requests if r[0] == "POST"]
    assert len(posts) == 2, "a spent quota is not retried"


def test_a_wrong_key_is_an_auth_error(sandbox: MotiveSandbox) -> None:
    with (
        client_for(sandbox, api_key="not-the-key") as client,
        pytest.raises(MotiveAuthError) as refused,
    ):
        client.quota()
    assert refused.value.status == 401
    assert "Invalid or missing API key" in refused.value.motive_message


def test_a_forbidden_call_is_a_permission_error(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    arm(sandbox, kind="error", status=403, message="Video recall is not enabled for this company")
    with pytest.raises(MotivePermissionError, match="not enabled"):
        client.quota()
