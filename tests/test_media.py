"""Issue 13's core, piece by piece: a clip checked, a still at a moment, all angles in sync,
a download that survives what media hosts do, and a streamed upload into a thread."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import av
import httpx
import pytest
from PIL import Image
from slack_sdk import WebClient

from bot.media.clip import ClipError, Encoding, Interrupted, all_angles, probe, still
from bot.media.download import Downloader, DownloadFailed, TooLarge
from bot.sandbox.footage import COLOURS, ClipSpec, colour_of, render, strip_value
from bot.sandbox.http import HttpReply, HttpRequest, LoopbackServer
from bot.sandbox.slack import SlackSandbox
from bot.slack.uploads import Upload, share

START = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
POSITIONS = ("front_facing", "driver_facing", "rear")


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    made = {}
    for position in POSITIONS:
        made[position] = folder / f"{position}.mp4"
        render(ClipSpec("42", position, START, 60), made[position])
    return made


def _close(found: tuple[int, int, int], position: str) -> bool:
    return all(abs(a - b) <= 15 for a, b in zip(found, COLOURS[position], strict=True))


def _keyframes(path: Path) -> list[float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [float(p.pts * stream.time_base) for p in container.demux(stream)
                if p.is_keyframe and p.pts is not None]  # fmt: skip


def test_a_clip_is_checked_without_decoding_it_through(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    info = probe(clips["front_facing"])
    assert (info.frames, info.seconds, info.width, info.height) == (300, 60.0, 320, 180)
    data = clips["front_facing"].read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[:2000])
    with pytest.raises(ClipError):
        probe(cut)
    hollow = tmp_path / "hollow.mp4"  # its index is whole, its frames are zeros
    hollow.write_bytes(data[:40] + bytes(len(data) - 40))
    with pytest.raises(ClipError):
        probe(hollow)


@pytest.mark.parametrize("seconds", [0.0, 30.0, 49.9, 50.0, 57.4, 59.9, 75.0])
def test_a_still_is_the_frame_at_the_moment_after_a_seek(
    clips: dict[str, Path], tmp_path: Path, seconds: float
) -> None:
    assert _keyframes(clips["driver_facing"]) == [0.0, 50.0], "a seek lands on one of two"
    out = still(clips["driver_facing"], seconds, tmp_path / "still.jpg")
    image = Image.open(out)
    assert image.format == "JPEG"
    assert strip_value(image) == int(START.timestamp()) + min(int(seconds), 59)
    assert _close(colour_of(image), "driver_facing")


def test_all_angles_are_side_by_side_and_in_sync(clips: dict[str, Path], tmp_path: Path) -> None:
    out = all_angles([clips[p] for p in POSITIONS], tmp_path / "all.mp4", Encoding((320, 180)))
    with av.open(str(out)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        shown = 0
        for index, frame in enumerate(container.decode(video=0)):
            image = frame.to_image()
            assert image.size == (640, 360)
            tiles = [image.crop((x * 320, y * 180, x * 320 + 320, y * 180 + 180))
                     for y in range(2) for x in range(2)]  # fmt: skip
            seconds = {strip_value(tile) for tile in tiles[:3]}
            assert seconds == {int(START.timestamp()) + index // 5}, f"frame {index}"
            assert all(_close(colour_of(t), p) for t, p in zip(tiles[:3], POSITIONS, strict=True))
            assert max(colour_of(tiles[3])) < 8, "the fourth cell, with no camera, is black"
            shown += 1
    assert shown == 300, "every frame of every camera"


def test_all_angles_keeps_a_short_clip_on_its_last_frame_and_follows_the_fastest(
    tmp_path: Path,
) -> None:
    fast = tmp_path / "fast.mp4"  # 20 s at 10 fps beside 8 s at 5 fps
    render(ClipSpec("42", "front_facing", START, 20, fps=10), fast)
    slow = tmp_path / "slow.mp4"
    render(ClipSpec("42", "rear", START, 8, fps=5), slow)
    out = all_angles([fast, slow], tmp_path / "all.mp4", Encoding((320, 180)))
    first = int(START.timestamp())
    with av.open(str(out)) as container:
        images = [frame.to_image() for frame in container.decode(video=0)]
    assert len(images) == 200
    for index, image in enumerate(images):
        left, right = image.crop((0, 0, 320, 180)), image.crop((320, 0, 640, 180))
        assert strip_value(left) == first + index // 10, f"frame {index}"
        assert strip_value(right) == first + min(index // 10, 7), f"frame {index}"


def _host(script: list[int], body: bytes) -> LoopbackServer:
    """A media host answering the statuses in ``script`` in turn, then the clip."""
    calls: list[str] = []

    def answer(request: HttpRequest) -> HttpReply:
        calls.append(request.path)
        status = script.pop(0) if script else 200
        return HttpReply(status, body if status == 200 else b"no")

    server = LoopbackServer(answer).start()
    server.calls = calls  # type: ignore[attr-defined]
    return server


def test_a_download_survives_5xx_drops_and_an_expired_link(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    body = clips["rear"].read_bytes()
    host = _host([503, 403, 200], body)
    fresh = []
    try:
        with httpx.Client() as client:
            downloader = Downloader(client, max_bytes=10 << 20, sleep=lambda s: None)
            size = downloader.fetch(
                f"{host.url}/old",
                tmp_path / "rear.mp4",
                refresh=lambda: fresh.append(1) or f"{host.url}/new",
            )  # type: ignore[func-returns-value]
    finally:
        host.stop()
    assert size == len(body)
    assert (tmp_path / "rear.mp4").read_bytes() == body
    assert fresh == [1], "the expired link was refreshed once"
    assert host.calls == ["/old", "/old", "/new"]  # type: ignore[attr-defined]
    assert not list(tmp_path.glob("*.partial"))


def test_a_download_over_the_limit_or_failing_leaves_nothing(tmp_path: Path) -> None:
    big, failing = _host([], b"x" * 5000), _host([500] * 10, b"")
    try:
        with httpx.Client() as client:
            too_small = Downloader(client, max_bytes=1000)
            with pytest.raises(TooLarge):
                too_small.fetch(f"{big.url}/big", tmp_path / "a")
            stubborn = Downloader(client, max_bytes=10**6, attempts=2, sleep=lambda s: None)
            with pytest.raises(DownloadFailed, match="gave up after 2 tries"):
                stubborn.fetch(f"{failing.url}/bad", tmp_path / "b")
    finally:
        big.stop()
        failing.stop()
    assert list(tmp_path.iterdir()) == []


def test_files_are_streamed_into_the_thread_as_one_message(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    jpeg = still(clips["front_facing"], 0, tmp_path / "front.jpg")
    with SlackSandbox() as slack, httpx.Client() as http:
        client = WebClient(token=slack.settings.bot_token, base_url=slack.api_url)
        root = client.chat_postMessage(channel="C0SAFETY", text="status")["ts"]
        ids = share(client, http, [
            Upload(jpeg, "front.jpg", "Road-facing at 3:00 PM"),
            Upload(clips["front_facing"], "front.mp4", "Road-facing · vehicle 42 · 3:00 PM"),
        ], "C0SAFETY", root)  # fmt: skip
        shared = slack.shared_files("C0SAFETY", root)
        assert [f.id for f in shared] == ids
        assert shared[1].data == clips["front_facing"].read_bytes()
        assert shared[0].title == "Road-facing at 3:00 PM"


def test_a_stop_interrupts_a_long_encode_and_a_download(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(Interrupted):
        all_angles([clips["front_facing"], clips["rear"]], tmp_path / "grid.mp4", stop=stop)
    host = _host([], clips["rear"].read_bytes())
    try:
        with httpx.Client() as client, pytest.raises(Interrupted):
            Downloader(client, max_bytes=10 << 20, stop=stop).fetch(host.url, tmp_path / "r.mp4")
    finally:
        host.stop()
    assert not list(tmp_path.glob("r.mp4*")), "nothing half-written is left"


def test_a_worker_process_that_dies_fails_only_its_attempt(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    import os

    from bot.media.processes import MediaProcesses

    with MediaProcesses(1) as workers:
        with pytest.raises(ClipError, match="died"):
            workers._call(os._exit, 3)  # an out-of-memory kill, as the pool sees it
        assert workers.probe(clips["rear"]).frames == 300, "a fresh pool takes the next call"
        workers.stop.set()
        with pytest.raises(Interrupted):
            workers.all_angles([clips["rear"], clips["front_facing"]], tmp_path / "grid.mp4")


def test_a_worker_that_crashes_leaves_its_python_stack_in_recallbots_log(
    capfd: pytest.CaptureFixture[str],
) -> None:
    import ctypes

    from bot.media.processes import MediaProcesses

    with MediaProcesses(1) as workers, pytest.raises(ClipError, match="crashed"):
        workers._call(ctypes.string_at, 0)  # a segfault in native code, as FFmpeg's would be
    said = capfd.readouterr().err
    assert "Fatal Python error: Segmentation fault" in said
    assert "in string_at" in said, "the stack names where it crashed"
