"""Look now, the core: a capture asked for once, followed to its picture at Motive's pace and
answered once; what Motive cannot do said with what to do; the access policy and the audit;
and no second capture when recallbot is killed at any step (real processes, SIGKILL)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pydantic import SecretStr

from bot.config import Settings
from bot.fleet import TargetKind
from bot.look.follower import CaptureFollower
from bot.look.notifier import ConsoleLookNotifier
from bot.look.service import LookTarget
from bot.policy import Gate, Policy, Refusal
from bot.recall import CameraPosition
from bot.runtime import Runtime
from bot.sandbox.footage import COLOURS, strip_value
from bot.sandbox.motive import MotiveSandbox
from bot.store import CaptureState, Delivery, Origin, Store, TrackedCapture
from tests.processes import ROOT, SPEED, Recallbot

TRUCK = LookTarget(TargetKind.VEHICLE, "42")
CLI = Origin(surface="cli", user_id="cli:test")


@pytest.fixture
def runtime(fast_sandbox: MotiveSandbox, tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(_env_file=None, motive_base_url=fast_sandbox.api_url,
                        motive_api_key=SecretStr("sandbox"), db_path=str(tmp_path / "r.db"),
                        time_scale=float(SPEED))  # type: ignore[call-arg]  # fmt: skip
    with Runtime.open(settings) as opened:
        yield opened


def followed(runtime: Runtime, captures: list[TrackedCapture], out: Path) -> ConsoleLookNotifier:
    """Follow one look to its answers in the foreground, as ``recallbot look`` does."""
    notifier = ConsoleLookNotifier(io.StringIO(), out)
    follower: CaptureFollower = runtime.follower(notifier)
    try:
        follower.run(captures[0].look_id)
    finally:
        follower.close()
    return notifier


def capture_polls(sandbox: MotiveSandbox) -> list[int]:
    return [status for method, path, status in sandbox.requests
            if method == "GET" and path.startswith("/image_captures/")]  # fmt: skip


def creates(sandbox: MotiveSandbox) -> int:
    return sum(1 for method, path, _ in sandbox.requests
               if method == "POST" and path.rstrip("/") == "/image_captures")  # fmt: skip


def test_a_look_is_followed_to_its_picture_at_motives_pace_and_answered_once(
    runtime: Runtime, fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    asked = runtime.look.look(TRUCK, (), "U1", CLI)
    assert not isinstance(asked, Refusal)
    (capture,) = asked
    assert capture.position is CameraPosition.FRONT_FACING, "road-facing unless asked"
    assert capture.state is CaptureState.PENDING
    assert capture.request_id is not None

    notifier = followed(runtime, asked, tmp_path / "out")

    done = runtime.store.captures.must(capture.id)
    assert (done.state, done.delivery) == (CaptureState.SUCCESS, Delivery.DELIVERED)
    image = Image.open(notifier.saved[capture.id])
    assert image.format == "JPEG"
    taken = fast_sandbox.look.captures[int(capture.request_id)].taken_at
    assert abs(strip_value(image) - int(taken.timestamp())) <= 1, "the still of that second"
    corner = image.getpixel((image.width - 4, image.height - 4))
    assert all(abs(a - b) < 40 for a, b in zip(corner, COLOURS["front_facing"], strict=True))
    polls = capture_polls(fast_sandbox)
    assert polls
    assert 429 not in polls, "never polled faster than Motive allows"
    assert creates(fast_sandbox) == 1
    actions = [(e.action, e.detail.get("capture")) for e in runtime.store.audit.entries()]
    assert ("requested", capture.id) in actions
    assert actions.count(("delivered", capture.id)) == 1


def test_the_background_follower_sleeps_until_a_check_is_due_and_a_look_wakes_it(
    runtime: Runtime, tmp_path: Path
) -> None:
    notifier = ConsoleLookNotifier(io.StringIO(), tmp_path / "out")
    follower = runtime.follower(notifier)
    passes: list[bool] = []
    cycle = follower.sweeper.sweep
    follower.sweeper.sweep = lambda: passes.append(found := cycle()) or found
    follower.start()
    try:
        time.sleep(1.5)  # at 600x a check is due every 0.02 s; with nothing followed, none is
        assert len(passes) <= 4, f"{len(passes)} passes with nothing to follow"
        asked = runtime.look.look(TRUCK, (), "U1", CLI)  # wakes it; its checks wake it after
        assert not isinstance(asked, Refusal)
        deadline = time.monotonic() + 30
        while runtime.store.captures.must(asked[0].id).delivery is not Delivery.DELIVERED:
            assert time.monotonic() < deadline, "the capture was not followed to its answer"
            time.sleep(0.05)
    finally:
        follower.close()


def test_an_offline_camera_ends_the_capture_saying_what_to_do(
    runtime: Runtime, fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    fast_sandbox.settings.offline_cameras = {"42": ["rear"]}
    asked = runtime.look.look(TRUCK, [CameraPosition.REAR], "U1", CLI)
    assert not isinstance(asked, Refusal)
    notifier = followed(runtime, asked, tmp_path / "out")
    ended = runtime.store.captures.must(asked[0].id)
    assert (ended.state, ended.code) == (CaptureState.FAILED, "camera_offline")
    assert ended.last_error == (
        "Vehicle 42's rear camera is offline: the vehicle may be off or out of coverage; try "
        "again when it is driving."
    )
    assert ended.delivery is Delivery.DELIVERED
    assert notifier.saved == {}


def test_captures_turned_off_are_refused_saying_where_to_turn_them_on(
    runtime: Runtime, fast_sandbox: MotiveSandbox
) -> None:
    fast_sandbox.settings.captures_enabled = False
    asked = runtime.look.look(TRUCK, (), "U1", CLI)
    assert not isinstance(asked, Refusal)
    (refused,) = asked
    assert (refused.state, refused.code) == (CaptureState.REFUSED, "feature_off")
    assert "turn on Capture Trip Images in Motive's dashboard" in (refused.last_error or "")
    assert fast_sandbox.look.captures == {}


def test_a_camera_the_vehicle_lacks_is_refused_naming_what_it_has_and_then_known(
    runtime: Runtime, fast_sandbox: MotiveSandbox
) -> None:
    no_omnicam = LookTarget(TargetKind.VEHICLE, "1207")
    asked = runtime.look.look(no_omnicam, [CameraPosition.SIDE_LEFT], "U1", CLI)
    assert not isinstance(asked, Refusal)
    assert (asked[0].state, asked[0].code) == (CaptureState.REFUSED, "no_camera")
    assert asked[0].last_error == ("Vehicle 1207 has no left side camera (Motive said so). Ask "
                                   "for road-facing or driver-facing.")  # fmt: skip
    sent = creates(fast_sandbox)
    again = runtime.look.look(no_omnicam, [CameraPosition.REAR], "U1", CLI)
    assert isinstance(again, Refusal)
    assert again.code == "no_camera", "learned: the Omnicam"
    assert creates(fast_sandbox) == sent, "refused before Motive is asked"
    trailer = runtime.look.look(LookTarget(TargetKind.ASSET, "TRL-0093"),
                                [CameraPosition.DRIVER_FACING], "U1", CLI)  # fmt: skip
    assert isinstance(trailer, Refusal)
    assert trailer.message == ("Asset TRL-0093 has no driver-facing camera (Motive said so). "
                               "Ask for left side, right side or rear.")  # fmt: skip
    refusals = [e.detail.get("code", e.detail["reason"]) for e in runtime.store.audit.entries()
                if e.action == "refused"]  # fmt: skip
    assert refusals == ["no_camera"] * 3, "Motive's refusal, then recallbot's own two"


class Nobody:
    """A directory without user groups, of a private channel."""

    def group_members(self, group_id: str) -> frozenset[str]:
        return frozenset()

    def is_public(self, channel_id: str) -> bool:
        return False


def test_the_driver_facing_camera_needs_the_right_and_a_refusal_is_audited(
    runtime: Runtime, fast_sandbox: MotiveSandbox
) -> None:
    policy = Policy(driver_facing=frozenset({"UBOSS"}))
    runtime.look.gate = Gate(policy, Nobody(), runtime.store.audit.add)
    origin = Origin(surface="slack", channel_id="C1", user_id="U1")
    refused = runtime.look.look(TRUCK, [CameraPosition.DRIVER_FACING], "U1", origin)
    assert isinstance(refused, Refusal)
    assert refused.code == "driver_facing_not_allowed"
    assert "You may not request the driver-facing camera" in refused.message
    assert fast_sandbox.look.captures == {}
    (audited,) = [e for e in runtime.store.audit.entries() if e.action == "refused"]
    assert (audited.actor, audited.detail["reason"]) == ("U1", "driver_facing_not_allowed")
    road = runtime.look.look(TRUCK, (), "U1", origin)
    allowed = runtime.look.look(TRUCK, [CameraPosition.DRIVER_FACING], "UBOSS", origin)
    assert not isinstance(road, Refusal)
    assert not isinstance(allowed, Refusal)
    assert len(fast_sandbox.look.captures) == 2


def only_capture(db: Path) -> TrackedCapture:
    store = Store(db)
    try:
        (only,) = store.captures.recent(10)
        return only
    finally:
        store.close()


def killed_then_tracked(
    sandbox: MotiveSandbox, tmp_path: Path, step: str, left: CaptureState
) -> TrackedCapture:
    """``recallbot look 42`` SIGKILLed at ``step``, its row found ``left``, then
    ``recallbot track --until-done``: the capture as it settled."""
    bot = Recallbot(sandbox, tmp_path / "recallbot.db")
    bot.killed_at(step, "look", "42", "--out", str(tmp_path))
    assert only_capture(bot.db).state is left
    sent = creates(sandbox)
    bot.run("track", "--until-done")
    assert creates(sandbox) == 1, f"{1 - sent} create after the restart, never a second"
    return only_capture(bot.db)


def test_killed_after_the_row_is_written_the_capture_is_sent_once_by_track(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    settled = killed_then_tracked(fast_sandbox, tmp_path, "capture_after_row",
                                  CaptureState.SUBMITTING)  # fmt: skip
    assert (settled.state, settled.delivery) == (CaptureState.SUCCESS, Delivery.DELIVERED)


def test_killed_after_motive_took_it_the_capture_ends_unknown_and_is_never_sent_again(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    settled = killed_then_tracked(fast_sandbox, tmp_path, "capture_after_accept",
                                  CaptureState.SENDING)  # fmt: skip
    assert (settled.state, settled.code) == (CaptureState.UNKNOWN, "sent_unknown")
    assert "Motive may have taken a picture; ask again" in (settled.last_error or "")
    assert settled.delivery is Delivery.DELIVERED


def test_recallbot_look_saves_the_jpeg_and_exits_by_what_became_of_it(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    done = bot.run("look", "42", "--camera", "rear", "--out", str(tmp_path / "out"), "--json")
    answer = json.loads(done.stdout)
    (saved,) = answer["saved"].values()
    assert Path(saved).parent == tmp_path / "out"
    assert Image.open(saved).format == "JPEG"
    assert [c["position"] for c in answer["captures"]] == ["rear"]
    refused = subprocess.run(
        [sys.executable, "-m", "bot.cli", "look", "1207", "--camera", "left"], env=bot.env,
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "has no left side camera" in refused.stdout
