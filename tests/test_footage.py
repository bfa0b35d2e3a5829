"""Issues 13 and 22 end to end: after the links, the footage itself lands in the same thread:
a still per camera and each camera's clip in one message, then all angles in one clip in a
second, decoded here to prove they are the right camera, the right seconds and in sync;
driver-facing stays a link unless allowed."""

from __future__ import annotations

import io
import time
from pathlib import Path

import av
from PIL import Image

from bot.ids import ActionId
from bot.sandbox.footage import COLOURS, colour_of, strip_value
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack_files import SharedFile
from bot.store import TrackedRecall
from tests.slack_world import SlackWorld, slack_world, wait_for


def _close(found: tuple[int, int, int], position: str) -> bool:
    return all(abs(a - b) <= 15 for a, b in zip(found, COLOURS[position], strict=True))


def _ended(world: SlackWorld, phrase: str, state: str) -> TrackedRecall:
    """Request ``phrase`` in #safety; the recall once its footage ended in ``state``."""
    preview, payload = world.preview(phrase)
    world.press(preview, ActionId.SUBMIT, payload)
    store = world.app.runtime.store
    recall: TrackedRecall = wait_for(
        lambda: next((r for r in store.recalls.recent(1) if r.media == state), None), 60
    )
    return recall


def _request(world: SlackWorld, phrase: str) -> tuple[TrackedRecall, list[SharedFile]]:
    recall = _ended(world, phrase, "done")
    assert recall.origin is not None
    files = world.slack.shared_files("C0SAFETY", recall.origin.thread_ts)
    return recall, files


def _frames(data: bytes) -> list[Image.Image]:
    with av.open(io.BytesIO(data)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        return [frame.to_image() for frame in container.decode(video=0)]


def test_stills_clips_and_all_angles_land_in_the_thread(tmp_path: Path) -> None:
    with slack_world(tmp_path, upload_driver_facing=True) as world:
        phrase = "truck 42 yesterday 1 min around 3pm front, driver and rear"
        recall, files = _request(world, phrase)
        by_name = {f.name: f for f in files}
        by_id = {f.id: f for f in files}
        first = int(recall.request.start_time.timestamp())
        positions = ("front_facing", "driver_facing", "rear")
        expected = {f"{recall.id}-{p}.{kind}" for p in positions for kind in ("jpg", "mp4")}
        assert set(by_name) == expected | {f"{recall.id}-all-angles.mp4"}
        for position in positions:
            clip = _frames(by_name[f"{recall.id}-{position}.mp4"].data)
            assert strip_value(clip[0]) == first, "the clip starts at the recall's start"
            assert len(clip) == 60 * 5
            assert all(_close(colour_of(frame), position) for frame in clip[::50])
            still = Image.open(io.BytesIO(by_name[f"{recall.id}-{position}.jpg"].data))
            assert strip_value(still) == first + 30, "the still is the moment asked about (3pm)"
            assert _close(colour_of(still), position)
        grid = by_name[f"{recall.id}-all-angles.mp4"]
        assert grid.title is not None
        assert grid.title.startswith("All angles")
        for index, frame in enumerate(_frames(grid.data)[::25]):
            cell_w, cell_h = frame.width // 2, frame.height // 2
            tiles = [frame.crop((x * cell_w, y * cell_h, (x + 1) * cell_w, (y + 1) * cell_h))
                     for y in range(2) for x in range(2)][:3]  # fmt: skip
            assert {strip_value(t) for t in tiles} == {first + index * 5}, "in sync"
            assert all(_close(colour_of(t), p) for t, p in zip(tiles, positions, strict=True))
        messages = [m for m in world.slack.thread("C0SAFETY", recall.origin.thread_ts)  # type: ignore[union-attr]
                    if m.files]  # fmt: skip
        assert [sorted(by_id[i].name for i in m.files) for m in messages] == [
            sorted(expected),
            [f"{recall.id}-all-angles.mp4"],
        ], "stills and clips in one message, then All angles in the next"
        first, second = messages
        assert first.text.startswith(f"The footage of recall `{recall.id}`")
        assert second.text == "All angles, in sync: Road-facing, Driver-facing and Rear."
        assert set(by_name) | set(by_id) == set(recall.media_files), "recorded: names and ids"
        assert "files:write" in world.slack.scopes_used


def test_the_still_is_the_time_said_or_the_middle_of_a_range(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        for phrase, into in (("truck 42 yesterday 3pm 2 min front", 0),
                             ("truck 42 yesterday 2:00-2:02pm front", 60)):  # fmt: skip
            recall, files = _request(world, phrase)
            (still,) = [f for f in files if f.name.endswith(".jpg")]
            moment = int(recall.request.start_time.timestamp()) + into
            assert strip_value(Image.open(io.BytesIO(still.data))) == moment, phrase
            assert recall.origin is not None
            assert recall.origin.moment is None or into == 0


def test_driver_facing_stays_a_link_by_default(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        recall, files = _request(world, "truck 42 yesterday 3pm front and driver")
        names = {f.name for f in files}
        assert f"{recall.id}-front_facing.mp4" in names
        assert not any("driver_facing" in n for n in names)
        assert f"{recall.id}-all-angles.mp4" not in names, "one camera: no all-angles clip"
        assert recall.media_note is None or "Driver-facing stays a link" in (
            recall.media_note or ""
        )


def test_uploads_off_leaves_the_links_alone(tmp_path: Path) -> None:
    with slack_world(tmp_path, upload="off") as world:
        recall = _ended(world, "truck 42 yesterday 3pm front", "skipped")
        assert recall.origin is not None
        assert world.slack.shared_files("C0SAFETY") == []


def test_a_public_channel_gets_no_files_when_links_are_kept_out(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        world.app.runtime.settings.links_in_public = False  # changed after the request
        recall = _ended(world, "truck 42 yesterday 3pm front", "skipped")
        assert "public channel" in (recall.media_note or "")
        assert world.slack.shared_files("C0SAFETY") == []


def test_a_clip_over_the_limit_stays_a_link_and_the_thread_says_so(tmp_path: Path) -> None:
    motive = SandboxSettings(media_pad_mb=2)
    with slack_world(tmp_path, motive, upload_max_mb=1) as world:
        recall = _ended(world, "truck 42 yesterday 3pm front", "skipped")
        assert "larger than RECALLBOT_UPLOAD_MAX_MB" in (recall.media_note or "")
        assert world.slack.shared_files("C0SAFETY") == []
        assert recall.origin is not None
        said = [m.text for m in world.slack.thread("C0SAFETY", recall.origin.thread_ts or "")]
        assert any("larger than RECALLBOT_UPLOAD_MAX_MB" in text for text in said)


def test_an_upload_that_keeps_failing_is_retried_then_said(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        world.app.footage.desk.retry_after_s = 0.2
        world.slack.fail("files.completeUploadExternal", "internal_error", count=3)
        recall = _ended(world, "truck 42 yesterday 3pm front", "failed")
        assert recall.media_tries == 3
        assert recall.origin is not None
        said = [m.text for m in world.slack.thread("C0SAFETY", recall.origin.thread_ts or "")]
        assert any("couldn't add the footage" in text for text in said)
        assert world.slack.shared_files("C0SAFETY") == [], "nothing shared: never completed"


def test_an_upload_that_fails_once_is_retried_and_shared_once(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        world.app.footage.desk.retry_after_s = 0.2
        world.slack.fail("files.completeUploadExternal", "internal_error", count=1)
        recall, files = _request(world, "truck 42 yesterday 3pm front")
        assert recall.media_tries == 1
        assert {f.name for f in files} == {f"{recall.id}-front_facing.jpg",
                                            f"{recall.id}-front_facing.mp4"}  # fmt: skip
        assert recall.origin is not None
        sharing = [m for m in world.slack.thread("C0SAFETY", recall.origin.thread_ts or "")
                   if m.files]  # fmt: skip
        assert len(sharing) == 1


def test_a_stop_mid_work_gives_the_claim_back_without_counting_a_failure(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        desk = world.app.footage.desk
        desk.stopping.set()  # as close() does: every download and encode leaves off at once
        preview, payload = world.preview("truck 42 yesterday 3pm front")
        world.press(preview, ActionId.SUBMIT, payload)
        store = world.app.runtime.store
        recall = wait_for(lambda: next((r for r in store.recalls.recent(1)
                                        if r.delivery == "delivered"), None))  # fmt: skip
        time.sleep(2)  # the loop claims it each second, and each attempt gives it back
        left = store.recalls.must(recall.id)
        assert left.media in (None, "claimed"), "owed again, never 'retry' or 'failed'"
        assert left.media_tries == 0
        assert world.slack.shared_files("C0SAFETY") == []
        desk.stopping.clear()  # as the next start would
        done = wait_for(lambda: store.recalls.must(recall.id).media == "done" or None, 60)
        assert done
        assert len(world.slack.shared_files("C0SAFETY")) == 2
