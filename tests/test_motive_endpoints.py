"""Every endpoint of motive-api.md, through the client, against the sandbox over HTTP."""

from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr

from bot.motive import MotiveClient, MotiveNotFound, MotiveShapes, RecallStatus
from bot.recall import CameraPosition, RecallType
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from tests.conftest import client_for, fleet_time, recall_of

FRONT, DRIVER, REAR = (
    CameraPosition.FRONT_FACING,
    CameraPosition.DRIVER_FACING,
    CameraPosition.REAR,
)


def test_a_recall_goes_pending_processing_then_success_with_a_link_per_camera(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    created = client.create_recall(recall_of(sandbox, camera_positions=(FRONT, DRIVER)))
    assert created.status is RecallStatus.PENDING
    assert created.cameras == []
    sandbox.clock.advance(3 * 60)
    assert client.get_recall(created.id).status is RecallStatus.PROCESSING
    sandbox.clock.advance(15 * 60)
    done = client.get_recall(created.id)
    assert done.status is RecallStatus.SUCCESS
    assert [c.position for c in done.cameras] == [FRONT, DRIVER]
    assert all(c.status is RecallStatus.SUCCESS and c.download_url for c in done.cameras)
    assert all(c.camera_type == "dashcam" and c.expires_at for c in done.cameras)
    assert done.vehicle is not None
    assert done.vehicle.number == "42"
    assert done.end_time is not None
    assert done.start_time is not None
    assert done.end_time - done.start_time == timedelta(minutes=1)


def test_download_links_serve_a_file_until_they_expire_and_details_mint_fresh_ones(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    created = client.create_recall(recall_of(sandbox, camera_positions=(FRONT,)))
    sandbox.clock.advance(20 * 60)
    link = client.get_recall(created.id).cameras[0].download_url
    assert link is not None
    first = httpx.get(link)
    assert first.status_code == 200
    assert first.headers["content-type"] == "video/mp4"
    assert first.content[4:8] == b"ftyp"
    sandbox.clock.advance(9 * 3600)
    assert httpx.get(link).status_code == 403
    fresh = client.get_recall(created.id).cameras[0].download_url
    assert fresh is not None
    assert fresh != link
    assert httpx.get(fresh).status_code == 200


def test_a_camera_can_fail_while_the_others_succeed(sandbox: MotiveSandbox) -> None:
    sandbox.settings.failing_cameras = {"42": [REAR]}
    with client_for(sandbox) as client:
        created = client.create_recall(recall_of(sandbox, camera_positions=(FRONT, REAR)))
        sandbox.clock.advance(20 * 60)
        done = client.get_recall(created.id)
    assert done.status is RecallStatus.SUCCESS
    by_position = {c.position: c for c in done.cameras}
    assert by_position[FRONT].status is RecallStatus.SUCCESS
    assert by_position[REAR].status is RecallStatus.FAILED
    assert by_position[REAR].failure_reason
    assert by_position[REAR].download_url is None


def test_a_recall_whose_every_camera_fails_is_failed(sandbox: MotiveSandbox) -> None:
    sandbox.settings.failing_cameras = {"1207": [FRONT, DRIVER]}
    with client_for(sandbox) as client:
        created = client.create_recall(recall_of(sandbox, "1207"))
        sandbox.clock.advance(20 * 60)
        assert client.get_recall(created.id).status is RecallStatus.FAILED


def test_no_cameras_named_means_every_camera_the_vehicle_has(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    created = client.create_recall(recall_of(sandbox))
    sandbox.clock.advance(20 * 60)
    positions = {c.position for c in client.get_recall(created.id).cameras}
    assert positions == {FRONT, DRIVER, CameraPosition.SIDE_LEFT, CameraPosition.SIDE_RIGHT, REAR}


def test_dashcam_positions_only_skip_the_omnicam_and_the_reverse(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    created = client.create_recall(recall_of(sandbox, camera_positions=(REAR,)))
    sandbox.clock.advance(20 * 60)
    cameras = client.get_recall(created.id).cameras
    assert [(c.position, c.camera_type) for c in cameras] == [(REAR, "omnicam")]


def test_an_asset_recall(sandbox: MotiveSandbox, client: MotiveClient) -> None:
    request = recall_of(sandbox, vehicle_number=None, asset_name="TRL-0093")
    created = client.create_recall(request)
    assert created.primary_entity == "asset"
    assert created.asset is not None
    assert created.asset.name == "TRL-0093"
    assert created.vehicle is None


def test_quota_is_spent_by_each_create(sandbox: MotiveSandbox, client: MotiveClient) -> None:
    before = client.quota().quota_info
    client.create_recall(recall_of(sandbox, duration=3))
    client.create_recall(
        recall_of(
            sandbox,
            duration=15,
            recall_type=RecallType.TIMELAPSE,
            start_time=fleet_time(sandbox, 2, 10),
        )
    )
    after = client.quota()
    assert after.quota_info.regular.used_minutes == before.regular.used_minutes + 3
    assert after.quota_info.regular.remaining_minutes == before.regular.remaining_minutes - 3
    assert after.quota_info.timelapse.used_minutes == 15
    assert after.rate_limit is not None


def test_vehicle_timelines_show_footage_with_the_overnight_gap(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    start, end = fleet_time(sandbox, 2, 12), fleet_time(sandbox, 1, 12)
    timelines = client.vehicle_timelines("42", start, end)
    assert timelines.primary_entity == "vehicle"
    assert timelines.vehicle is not None
    assert timelines.vehicle.number == "42"
    assert timelines.eld_device is not None
    assert timelines.eld_device.identifier
    windows = timelines.available_timelines
    assert len(windows) == 2
    assert windows[0].end_time == fleet_time(sandbox, 2, 23)
    assert windows[1].start_time == fleet_time(sandbox, 1, 5)
    assert timelines.quota_info is not None


def test_asset_timelines_only_cover_the_hours_it_records(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    timelines = client.asset_timelines(
        "TRL-0093", fleet_time(sandbox, 1, 0), fleet_time(sandbox, 1, 23)
    )
    assert timelines.primary_entity == "asset"
    assert [(w.start_time, w.end_time) for w in timelines.available_timelines] == [
        (fleet_time(sandbox, 1, 6), fleet_time(sandbox, 1, 18))
    ]


def test_vehicle_lookup_by_fleet_number(client: MotiveClient) -> None:
    vehicle = client.lookup_vehicle("TX-4471")
    assert (vehicle.id, vehicle.number) == ("4471", "TX-4471")
    with pytest.raises(MotiveNotFound):
        client.lookup_vehicle("NOPE-1")


def test_lists_are_read_across_every_page() -> None:
    with MotiveSandbox(SandboxSettings(max_per_page=2)) as sandbox, client_for(sandbox) as client:
        numbers = [v.number for v in client.vehicles()]
        names = [a.name for a in client.assets()]
        pages = [path for _, path, _ in sandbox.requests if path == "/vehicles"]
    assert numbers == ["42", "1207", "7", "TX-4471", "0077", "0042", "Truck 300"]
    assert names == ["TRL-0093", "TRL-0094", "Yard Jockey 3"]
    assert len(pages) == 4


def test_ids_sent_as_integers_or_strings_are_kept_as_strings(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    created = client.create_recall(recall_of(sandbox))  # the create answers "id": 5000001
    assert created.id == "5000001"
    assert client.get_recall(created.id).id == created.id  # the details answer "id": "5000001"


def test_unwrapped_lists_other_status_words_and_other_error_keys_are_understood() -> None:
    settings = SandboxSettings(
        wrap_list_items=False,
        error_key="message",
        status_words={"pending": "queued", "processing": "in_progress", "success": "completed",
                      "failed": "error"},
        create_status=200,
    )  # fmt: skip
    with MotiveSandbox(settings) as sandbox, client_for(sandbox) as client:
        assert [v.number for v in client.vehicles()][:2] == ["42", "1207"]
        created = client.create_recall(recall_of(sandbox))
        assert created.status is RecallStatus.PENDING
        sandbox.clock.advance(20 * 60)
        assert client.get_recall(created.id).status is RecallStatus.SUCCESS
        with pytest.raises(MotiveNotFound, match="not found"):
            client.get_recall("404404")


def test_a_bearer_token_authenticates_like_an_api_key(sandbox: MotiveSandbox) -> None:
    with client_for(sandbox, api_key=None, bearer_token=SecretStr("sandbox")) as client:
        assert client.quota().quota_info.regular.total_minutes == 600


def test_the_create_path_with_a_trailing_slash_is_accepted(sandbox: MotiveSandbox) -> None:
    body = {"vehicle_number": "42", "start_time": fleet_time(sandbox, 1, 15).isoformat(),
            "duration": 1, "recall_type": "regular"}  # fmt: skip
    answer = httpx.post(f"{sandbox.api_url}/video_recall_requests/", json=body,
                        headers={"X-Api-Key": "sandbox"})  # fmt: skip
    assert answer.status_code == 201


def test_other_guesses_for_the_timeline_paths_and_names_are_settings_on_both_sides() -> None:
    guesses = {
        "vehicle_timelines_path": "/vehicles/available_timelines",
        "asset_timelines_path": "/assets/available_timelines",
        "timeline_vehicle_param": "number",
        "timeline_asset_param": "name",
    }
    with MotiveSandbox(SandboxSettings(**guesses)) as sandbox:
        with client_for(sandbox, shapes=MotiveShapes(**guesses)) as client:
            start, end = fleet_time(sandbox, 1, 12), fleet_time(sandbox, 1, 13)
            assert client.vehicle_timelines("42", start, end).available_timelines
            assert client.asset_timelines("TRL-0093", start, end).available_timelines
        with client_for(sandbox) as default_client, pytest.raises(MotiveNotFound):
            default_client.vehicle_timelines("42", start, end)


def test_timelines_also_accept_motive_ids(sandbox: MotiveSandbox) -> None:
    query = {"vehicle_id": "1042", "start_time": fleet_time(sandbox, 1, 12).isoformat()}
    answer = httpx.get(f"{sandbox.api_url}/video_recall_requests/vehicles/available_timelines",
                       params=query, headers={"X-Api-Key": "sandbox"})  # fmt: skip
    assert answer.json()["vehicle"]["number"] == "42"


def test_an_id_that_would_name_another_resource_is_not_sent(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    """An empty id would fetch the list (/vehicles/), "." or ".." a parent: not found, unasked."""
    for id in ("", ".", ".."):
        with pytest.raises(MotiveNotFound, match="is not an id Motive gives"):
            client.vehicle(id)
        with pytest.raises(MotiveNotFound, match="is not an id Motive gives"):
            client.get_recall(id)
    assert sandbox.requests == [], "nothing was asked of Motive"
