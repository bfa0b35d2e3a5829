"""The sandbox's look-now and places endpoints, through the real client over HTTP: captures
advance on the sandbox clock and fail on demand, the documented limits apply, and history,
geofence visits and footage timelines tell one story."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import httpx
import pytest
from PIL import Image

from bot.motive import (
    MotiveBadRequest,
    MotiveClient,
    MotivePermissionError,
    MotiveRateLimited,
    RecallStatus,
)
from bot.sandbox.footage import COLOURS, strip_value
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_world import World, distance_m
from tests.conftest import client_for, fleet_time


def test_a_capture_goes_pending_processing_success_and_its_image_is_a_live_jpeg(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    made = client.create_image_capture("front_facing", vehicle_number="42")
    assert (made.status, made.camera_type, made.position) == (
        RecallStatus.PENDING, "dashcam", "front_facing")  # fmt: skip
    sandbox.clock.advance(10)
    assert client.image_capture("dashcam", made.request_id).status is RecallStatus.PROCESSING
    sandbox.clock.advance(20)
    done = client.image_capture("dashcam", made.request_id)
    assert done.status is RecallStatus.SUCCESS
    assert done.image is not None
    jpeg = httpx.get(done.image.url)
    assert jpeg.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(jpeg.content))
    assert image.format == "JPEG"
    capture = sandbox.look.captures[int(made.request_id)]
    assert abs(strip_value(image) - int(capture.taken_at.timestamp())) <= 1
    corner = image.getpixel((image.width - 4, image.height - 4))
    assert all(abs(a - b) < 40 for a, b in zip(corner, COLOURS["front_facing"], strict=True))


def test_a_capture_polled_sooner_than_ten_seconds_is_answered_429(
    sandbox: MotiveSandbox,
) -> None:
    with client_for(sandbox, max_attempts=1) as client:
        made = client.create_image_capture("front_facing", vehicle_number="42")
        client.image_capture("dashcam", made.request_id)
        sandbox.clock.advance(5)
        with pytest.raises(MotiveRateLimited):
            client.image_capture("dashcam", made.request_id)
        sandbox.clock.advance(10)
        client.image_capture("dashcam", made.request_id)


def test_an_offline_camera_ends_its_capture_failed_saying_so(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    sandbox.settings.offline_cameras = {"42": ["rear"]}
    made = client.create_image_capture("rear", vehicle_number="42")
    assert made.camera_type == "omnicam"
    sandbox.clock.advance(60)
    done = client.image_capture("omnicam", made.request_id)
    assert done.status is RecallStatus.FAILED
    assert "offline" in (done.failure_reason or "")


def test_captures_refused_when_the_feature_is_off_or_the_position_is_not_there(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    with pytest.raises(MotiveBadRequest, match="no an Omnicam"):
        client.create_image_capture("side_left", vehicle_number="1207")
    with pytest.raises(MotiveBadRequest, match="assets have no dashcam"):
        client.create_image_capture("driver_facing", asset_name="TRL-0093")
    with pytest.raises(MotiveBadRequest, match="Unknown"):
        client.create_image_capture("front_narrow_facing", vehicle_number="42")
    sandbox.settings.captures_enabled = False
    with pytest.raises(MotivePermissionError, match="Capture Trip Images"):
        client.create_image_capture("front_facing", vehicle_number="42")
    assert sandbox.look.captures == {}


def test_more_than_ten_location_requests_at_once_are_answered_429(
    sandbox: MotiveSandbox,
) -> None:
    sandbox.settings.location_latency_s = 2.0  # all eleven arrive while ten are served
    day = sandbox.clock.now().date()
    statuses: list[int] = []

    def ask() -> None:
        reply = httpx.get(f"{sandbox.url}/v3/vehicle_locations/1042",
                          params={"start_date": day.isoformat(), "end_date": day.isoformat()},
                          headers={"X-Api-Key": "sandbox"}, timeout=10)  # fmt: skip
        statuses.append(reply.status_code)

    threads = [threading.Thread(target=ask) for _ in range(11)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 10 + [429]
    assert sandbox.look.peak_location_calls == 10


def test_the_client_keeps_location_requests_within_the_limit(sandbox: MotiveSandbox) -> None:
    sandbox.settings.location_latency_s = 0.3
    day = sandbox.clock.now().date()
    with client_for(sandbox, max_attempts=1, max_connections=20, timeout_s=20.0,
                    connect_timeout_s=10.0) as client:  # a busy host: no call may time out
        threads = [threading.Thread(target=client.vehicle_locations, args=("1042", day, day))
                   for _ in range(14)]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    locations = [r for r in sandbox.requests if r[1].startswith("/v3/vehicle_locations/")]
    assert [status for _, _, status in locations] == [200] * 14
    assert sandbox.look.peak_location_calls <= 10


def test_history_visits_and_footage_tell_one_story(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    yesterday = fleet_time(sandbox, 1, 12)
    first, last = (yesterday - timedelta(days=1)).date(), yesterday.date()
    places = {place.id: place for place in client.geofences()}
    points = client.vehicle_locations("1042", first, last)
    visits = [
        visit
        for geofence_id in places
        for visit in client.geofence_events(geofence_id, first, last)
        if visit.vehicle is not None and visit.vehicle.number == "42"
    ]
    assert visits
    assert points
    for visit in visits:
        place = places[visit.geofence_id]
        centre = place.center or place.points[0]
        left = visit.end_time or sandbox.clock.now()
        inside = [p for p in points if visit.start_time <= p.located_at < left]
        assert inside, f"no breadcrumb during the visit to {place.name}"
        assert all(p.kph == 0 for p in inside)
        assert all(distance_m((p.lat, p.lon), (centre.lat, centre.lon)) < 300 for p in inside)
    windows = client.vehicle_timelines("42", fleet_time(sandbox, 2, 0), sandbox.clock.now())
    for point in points:
        recording = any(
            w.start_time <= point.located_at < w.end_time for w in windows.available_timelines
        )
        if point.located_at > fleet_time(sandbox, 2, 1):
            assert point.engine_on is recording, point


def test_the_rounds_follow_the_seed(sandbox: MotiveSandbox) -> None:
    world, vehicle = sandbox.look.world, sandbox.rules.vehicles["42"]
    day = fleet_time(sandbox, 1, 12).date()
    assert World(world.seed, world.zone).day(vehicle, day) == world.day(vehicle, day)
    assert World(world.seed + 1, world.zone).day(vehicle, day) != world.day(vehicle, day)
