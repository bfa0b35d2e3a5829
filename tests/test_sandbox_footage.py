"""Issues 13 and 22: the sandbox's download links serve real H.264 clips a test can read: the
camera from the background colour, the second from the strip along the top of every frame;
flat, or busy (a moving texture) so decoders and encoders do real work."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import av
import httpx
import pytest
from PIL import ImageChops

from bot.motive import RecallDetails
from bot.recall import CameraPosition, RecallRequest, RecallType
from bot.sandbox.footage import COLOURS, colour_of, strip_value
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from tests.conftest import client_for


def _finished(sandbox: MotiveSandbox, request: RecallRequest) -> RecallDetails:
    client = client_for(sandbox)
    created = client.create_recall(request)
    sandbox.clock.advance(3600)
    details = client.get_recall(created.id)
    client.close()
    return details


def _frames(data: bytes) -> list[tuple[int, tuple[int, int, int]]]:
    """(second, colour) of every frame of an MP4."""
    with av.open(io.BytesIO(data)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        return [
            (strip_value(image), colour_of(image))
            for image in (frame.to_image() for frame in container.decode(video=0))
        ]


def _close(found: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 12 for a, b in zip(found, expected, strict=True))


def test_every_camera_serves_a_real_clip_of_the_window() -> None:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    start = start.replace(hour=20, minute=0, second=0)
    positions = (CameraPosition.FRONT_FACING, CameraPosition.DRIVER_FACING)
    with MotiveSandbox() as sandbox:
        request = RecallRequest(
            vehicle_number="42", start_time=start, duration=1, camera_positions=positions
        )
        details = _finished(sandbox, request)
        clips = {c.position: httpx.get(c.download_url or "").content for c in details.cameras}
        again = httpx.get(details.cameras[0].download_url or "").content
    assert set(clips) == set(positions)
    for position, data in clips.items():
        frames = _frames(data)
        assert len(frames) == 60 * 5, "one minute at 5 fps"
        assert frames[0][0] == int(start.timestamp()), "the first frame is the window's start"
        assert frames[-1][0] == int(start.timestamp()) + 59
        assert all(_close(colour, COLOURS[str(position)]) for _, colour in frames)
    assert again == clips[details.cameras[0].position], "made once, the same bytes after"


def test_a_timelapse_is_a_short_clip_covering_its_window() -> None:
    start = (datetime.now(UTC) - timedelta(days=1)).replace(hour=20, minute=0, second=0,
                                                             microsecond=0)  # fmt: skip
    with MotiveSandbox() as sandbox:
        details = _finished(sandbox, RecallRequest(
            vehicle_number="42", start_time=start, duration=10,
            recall_type=RecallType.TIMELAPSE, camera_positions=(CameraPosition.FRONT_FACING,),
        ))  # fmt: skip
        data = httpx.get(details.cameras[0].download_url or "").content
    frames = _frames(data)
    assert len(frames) == 10 * 5, "10 minutes at 60x: 10 s of clip at 5 fps"
    assert frames[0][0] == int(start.timestamp())
    assert frames[-1][0] == int(start.timestamp()) + 600 - 12


@pytest.mark.parametrize("size", [(640, 360)])
def test_size_rate_and_padding_are_settings(size: tuple[int, int]) -> None:
    start = (datetime.now(UTC) - timedelta(days=1)).replace(hour=20, minute=0, second=0,
                                                             microsecond=0)  # fmt: skip
    settings = SandboxSettings(media_width=size[0], media_height=size[1], media_fps=2,
                               media_pad_mb=3)  # fmt: skip
    with MotiveSandbox(settings) as sandbox:
        details = _finished(sandbox, RecallRequest(
            vehicle_number="42", start_time=start, duration=1,
            camera_positions=(CameraPosition.REAR,),
        ))  # fmt: skip
        with httpx.stream("GET", details.cameras[0].download_url or "") as answer:
            assert int(answer.headers["Content-Length"]) >= 3 << 20
            data = b"".join(answer.iter_bytes())
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == size
        assert sum(1 for _ in container.decode(video=0)) == 60 * 2


def test_busy_frames_move_and_still_say_their_camera_and_second() -> None:
    start = (datetime.now(UTC) - timedelta(days=1)).replace(hour=20, minute=0, second=0,
                                                             microsecond=0)  # fmt: skip
    clips = {}
    for busy in (False, True):
        with MotiveSandbox(SandboxSettings(media_busy=busy)) as sandbox:
            details = _finished(sandbox, RecallRequest(
                vehicle_number="42", start_time=start, duration=1,
                camera_positions=(CameraPosition.REAR,),
            ))  # fmt: skip
            clips[busy] = httpx.get(details.cameras[0].download_url or "").content
    assert len(clips[True]) > 20 * len(clips[False]), "real work for an encoder"
    with av.open(io.BytesIO(clips[True])) as container:
        images = [frame.to_image() for frame in container.decode(video=0)]
    assert len(images) == 60 * 5
    for index, image in enumerate(images):
        assert strip_value(image) == int(start.timestamp()) + index // 5
        assert _close(colour_of(image), COLOURS["rear"])
    texture = [image.crop((0, 60, 320, 160)).convert("L") for image in images[:10]]
    assert all(max(t.getextrema()) - min(t.getextrema()) > 60 for t in texture), "not flat"
    moved = [ImageChops.difference(a, b).getbbox() is not None for a, b in pairwise(texture)]
    assert all(moved), "every frame differs from the last"
