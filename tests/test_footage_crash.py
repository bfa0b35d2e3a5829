"""Issues 13 and 22: the footage survives a SIGKILL of the real ``recallbot run --http`` at
every step that matters, and a link that expires mid-download is refreshed from the sandbox.

The footage goes up in two messages: the stills and clips, then All angles. Killed before
Slack completes the first, nothing was shared: after the lease both go up once. Killed after
Slack shared a message but before the store recorded it (the documented window), that message
goes up once more, never a third time. Killed once the first is recorded (mid-encode), only
All angles follows. Either way the killed process's temporary folder is removed when
recallbot starts again.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import av
import pytest

from bot.ids import ActionId
from bot.sandbox.faults import Fault, FaultKind
from bot.slack.footage import SCRATCH_PREFIX
from bot.store import TrackedRecall
from tests.app_world import AppWorld, app_world
from tests.slack_world import wait_for

PHRASE = "truck 42 yesterday 3pm 1 min front and rear"


def _footage_done(world: AppWorld) -> TrackedRecall:
    def done() -> TrackedRecall | None:
        return next((r for r in world.recalls() if r.media == "done"), None)

    recall: TrackedRecall = wait_for(done, 90)
    return recall


def _decoded(data: bytes) -> list[object]:
    with av.open(io.BytesIO(data)) as container:
        return list(container.decode(video=0))


def _file_messages(world: AppWorld, recall: TrackedRecall) -> int:
    assert recall.origin is not None
    assert recall.origin.thread_ts is not None
    return sum(1 for m in world.slack.thread("C0SAFETY", recall.origin.thread_ts) if m.files)


@pytest.mark.parametrize(("step", "messages", "files"), [
    ("before_files_complete", 2, 5),  # nothing was shared: each message once
    ("after_first_shared", 3, 9),  # the stills and clips again (the window), All angles once
    ("mid_encode", 2, 5),  # the first message recorded: All angles alone follows
    ("after_files_shared", 3, 6),  # All angles again (the window), the first never
])  # fmt: skip
def test_killed_mid_upload_the_footage_is_shared_at_most_once_more(
    tmp_path: Path, step: str, messages: int, files: int
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {"RECALLBOT_MEDIA_LEASE": "2", "TMPDIR": str(scratch)}
    with app_world(tmp_path, env) as world:
        world.restart(env={"RECALLBOT_PAUSE_AT": step})
        preview, payload = world.preview(PHRASE)
        world.press(preview, ActionId.SUBMIT, payload)
        world.paused_at(step, timeout=60)
        if step == "mid_encode":  # All angles encodes while the first message uploads
            wait_for(lambda: any(r.media_files for r in world.recalls()), 30)
        left = list(scratch.glob(f"{SCRATCH_PREFIX}*"))
        assert bool(left) == (step != "after_files_shared"), "mid-work, the folder is there"
        world.restart()
        recall = _footage_done(world)
        assert _file_messages(world, recall) == messages
        shared = world.slack.shared_files("C0SAFETY", recall.origin.thread_ts)  # type: ignore[union-attr]
        assert len(shared) == files
        names = Counter(f.name for f in shared)
        assert names[f"{recall.id}-all-angles.mp4"] == 1 + (step == "after_files_shared")
        assert not list(scratch.glob(f"{SCRATCH_PREFIX}*")), "no temporary folder is left"
        (status,) = world.status_messages()
        assert len(world.replies(status)) == 1, "the links answer itself is not repeated"


def test_a_link_that_expires_mid_download_is_refreshed_from_motive(tmp_path: Path) -> None:
    with app_world(tmp_path) as world:
        world.motive.faults.arm(Fault(kind=FaultKind.EXPIRE_MID_DOWNLOAD, path="/media/"))
        preview, payload = world.preview("truck 42 yesterday 3pm 1 min front")
        world.press(preview, ActionId.SUBMIT, payload)
        recall = _footage_done(world)
        assert _file_messages(world, recall) == 1
        assert recall.origin is not None
        (clip,) = [f for f in world.slack.shared_files("C0SAFETY", recall.origin.thread_ts)
                   if f.name.endswith(".mp4")]  # fmt: skip
        assert len(_decoded(clip.data)) == 60 * 5, "the whole clip, not the half first served"
        (status,) = world.status_messages()
        (answer,) = world.replies(status)
        answered = re.findall(r"expires=(\d+)", answer.text + str(answer.blocks))
        assert answered
        assert answered[0] not in str(recall.cameras[0].download_url), "the refreshed link"
