"""Look now in Slack (issue 23), end to end against the emulators: ``/recall look truck 42``
posts a status message kept current in place and shares the picture itself in its thread,
once; the Look now buttons of an alert and of a recall answer do the same in their threads;
the driver-facing camera needs the right (refused and audited otherwise) and stays a link
unless its upload is allowed; a camera Motive cannot reach is said plainly; a SIGKILL at any
step of a look still gives one answer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from bot.ids import ActionId
from bot.sandbox.footage import strip_value
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack import Posted
from bot.sandbox.slack_files import SharedFile
from bot.sandbox.slack_view import button
from bot.store import CaptureState, Delivery, Store, TrackedCapture
from tests.alert_world import ALERTS, alert_for, alert_world, raise_event
from tests.app_world import AppWorld, app_world
from tests.slack_world import SlackWorld, slack_world, wait_for

SAFETY = "C0SAFETY"


def _answered(captures: list[TrackedCapture]) -> bool:
    return bool(captures) and all(c.delivery is Delivery.DELIVERED for c in captures)


def _looked(world: SlackWorld, count: int = 1) -> list[TrackedCapture]:
    """Wait until ``count`` captures are answered; them, newest first."""
    store = world.app.runtime.store
    found: list[TrackedCapture] = wait_for(
        lambda: (lambda got: got if len(got) == count and _answered(got) else None)(
            store.captures.recent(10)), 60)  # fmt: skip
    return found


def _status(world: SlackWorld, capture: TrackedCapture, channel: str = SAFETY) -> Posted:
    """The look's status message (recorded with its captures)."""
    assert capture.origin is not None
    assert capture.origin.status_ts is not None
    (status,) = [m for m in world.slack.posted(channel) if m.ts == capture.origin.status_ts]
    return status


def _jpeg(shared: SharedFile) -> Image.Image:
    image = Image.open(io.BytesIO(shared.data))
    assert image.format == "JPEG"
    return image


def _said(message: Posted) -> str:
    return message.text + str(message.blocks)


def _creates(world: SlackWorld | AppWorld) -> int:
    return sum(1 for method, path, _ in world.motive.requests
               if method == "POST" and path.rstrip("/") == "/image_captures")  # fmt: skip


def test_a_look_from_the_slash_command_shares_one_picture_under_a_status_kept_current(
    tmp_path: Path,
) -> None:
    with slack_world(tmp_path) as world:
        answer, payload = world.command("look truck 42")
        assert answer.status_code == 200
        told = wait_for(lambda: [r for r in world.slack.responses_to(payload["response_url"])
                                 if "Asked Motive" in r["text"]])  # fmt: skip
        assert "vehicle 42's road-facing camera" in told[0]["text"].lower()
        (capture,) = _looked(world)
        assert capture.state is CaptureState.SUCCESS
        assert capture.position.value == "front_facing", "road-facing unless asked"
        status = _status(world, capture)
        assert status.thread_ts is None, "a new thread at the channel's top"
        assert "Look now: Vehicle 42 · Road-facing" in _said(status)
        edits = [text for _, text, _ in status.edits]
        assert edits[-1].endswith("success"), edits
        assert status.text == edits[-1]
        assert any(text.endswith(("pending", "processing")) for text in edits), "in place"
        files = world.slack.shared_files(SAFETY, status.ts)
        (picture,) = files
        image = _jpeg(picture)
        taken = world.motive.look.captures[int(capture.request_id or 0)].taken_at
        assert abs(strip_value(image) - int(taken.timestamp())) <= 1, "the still of that moment"
        (shared,) = [m for m in world.slack.thread(SAFETY, status.ts) if m.files]
        assert f"capture `{capture.id}`" in shared.text
        assert "Vehicle 42 · Road-facing" in shared.text
        assert _creates(world) == 1
        assert world.app.looks is not None
        world.app.looks.cycle()  # another pass owes nothing
        assert len(world.slack.shared_files(SAFETY, status.ts)) == 1, "one picture only"
        actions = [e.action for e in world.app.runtime.store.audit.entries()
                   if e.detail.get("capture") == capture.id]  # fmt: skip
        assert actions.count("requested") == 1
        assert actions.count("delivered") == 1


def test_an_offline_camera_is_said_plainly_in_the_thread_with_what_to_do(
    tmp_path: Path,
) -> None:
    with slack_world(tmp_path, SandboxSettings(offline_cameras={"42": ["rear"]})) as world:
        world.command("snapshot of truck 42 rear")
        (capture,) = _looked(world)
        assert capture.state is CaptureState.FAILED
        status = _status(world, capture)
        (said,) = world.slack.thread(SAFETY, status.ts)
        assert "Vehicle 42's rear camera is offline" in said.text
        assert "try again when it is driving" in said.text
        assert world.slack.shared_files(SAFETY) == []
        assert status.edits[-1][1].endswith("failed")


def test_the_driver_facing_camera_without_the_right_is_refused_and_audited(
    tmp_path: Path,
) -> None:
    with slack_world(tmp_path, driver_facing=frozenset({"U0ADMIN"})) as world:
        _, payload = world.command("look truck 42 driver")
        told = wait_for(lambda: [r for r in world.slack.responses_to(payload["response_url"])
                                 if ":no_entry:" in r["text"]])  # fmt: skip
        assert "You may not request the driver-facing camera" in told[0]["text"]
        assert "RECALLBOT_DRIVER_FACING" in told[0]["text"]
        store = world.app.runtime.store
        refused = [e for e in store.audit.entries() if e.action == "refused"]
        assert [e.detail.get("reason") for e in refused] == ["driver_facing_not_allowed"]
        assert store.captures.recent() == []
        assert _creates(world) == 0
        assert list(world.slack.posted(SAFETY)) == [], "nothing posted in the channel"


def test_a_driver_facing_picture_stays_a_link_unless_its_upload_is_allowed(
    tmp_path: Path,
) -> None:
    with slack_world(tmp_path) as world:
        world.command("photo truck 42 driver")
        (capture,) = _looked(world)
        assert capture.position.value == "driver_facing"
        status = _status(world, capture)
        (said,) = world.slack.thread(SAFETY, status.ts)
        assert "RECALLBOT_UPLOAD_DRIVER_FACING" in _said(said)
        assert button({"blocks": said.blocks}, ActionId.OPEN_LINK) is not None
        assert world.slack.shared_files(SAFETY) == []


def _press(world: SlackWorld, message: Posted, action: str, channel: str) -> str:
    """Press a button of a message in a channel; the response_url its answer goes to."""
    found = button({"blocks": message.blocks}, action)
    assert found is not None, f"no {action} button"
    url = world.slack.response_url()
    payload = world.slack.action_payload(
        action, found["value"], url, user="U0DEMO", channel=channel, message_ts=message.ts,
        ephemeral=False, message={"ts": message.ts, "blocks": message.blocks},
    )  # fmt: skip
    assert world.slack.post_interaction(world.url, payload).status_code == 200
    return url


def test_look_now_on_an_alert_answers_in_the_alerts_thread(tmp_path: Path) -> None:
    with alert_world(tmp_path) as world:
        event = raise_event(world)
        alert = alert_for(world, event["id"])
        url = _press(world, alert, ActionId.ALERT_LOOK, ALERTS)
        told = wait_for(lambda: world.slack.responses_to(url))
        assert "Asked Motive" in told[-1]["text"]
        (capture,) = _looked(world)
        status = _status(world, capture, ALERTS)
        assert status.thread_ts == alert.ts, "the status message is in the alert's thread"
        (picture,) = world.slack.shared_files(ALERTS, alert.ts)
        _jpeg(picture)


def test_look_now_on_a_recall_answer_answers_in_the_recalls_thread(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        preview, payload = world.preview("truck 42 yesterday 3pm 1 min front")
        world.press(preview, ActionId.SUBMIT, payload)
        (reply,) = world.answered()
        assert button({"blocks": reply.blocks}, ActionId.REFRESH) is not None
        url = _press(world, reply, ActionId.ANSWER_LOOK, SAFETY)
        wait_for(lambda: world.slack.responses_to(url))
        (capture,) = _looked(world)
        assert capture.origin is not None
        assert capture.origin.thread_ts == reply.thread_ts, "the recall's thread"
        pictures = [f for f in world.slack.shared_files(SAFETY, reply.thread_ts)
                    if f.name.endswith(f"{capture.id}.jpg")]  # fmt: skip
        assert len(pictures) == 1


def test_look_now_pressed_in_another_channel_is_refused(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        preview, payload = world.preview("truck 42 yesterday 3pm 1 min front")
        world.press(preview, ActionId.SUBMIT, payload)
        (reply,) = world.answered()
        url = _press(world, reply, ActionId.ANSWER_LOOK, "C0INCIDENTS")
        told = wait_for(lambda: world.slack.responses_to(url))
        assert "answers in the thread that asked" in told[-1]["text"]
        assert world.app.runtime.store.captures.recent() == []


# -- a SIGKILL at each step of a look ------------------------------------------------------------


def _captures(world: AppWorld) -> list[TrackedCapture]:
    store = Store(world.db, read_only=True)
    try:
        return store.captures.recent(10)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("step", "ends"),
    [("capture_after_row", CaptureState.SUCCESS), ("look_after_status_post", CaptureState.SUCCESS),
     ("capture_after_accept", CaptureState.UNKNOWN), ("after_deliver", CaptureState.SUCCESS)],
)  # fmt: skip
def test_a_look_killed_at_any_step_is_answered_once_after_a_restart(
    tmp_path: Path, step: str, ends: CaptureState
) -> None:
    with app_world(tmp_path, {"RECALLBOT_SUBMIT_GRACE": "1"}) as world:
        world.restart(env={"RECALLBOT_PAUSE_AT": step})
        world.command("look truck 42")
        world.paused_at(step)
        world.restart()
        (capture,) = wait_for(lambda: (lambda got: got if _answered(got) else None)(
            _captures(world)), 60)  # fmt: skip
        assert capture.state is ends
        assert _creates(world) == 1, "sent once, never again"
        (status,) = [m for m in world.slack.posted(SAFETY) if m.thread_ts is None]
        assert status.ts == (capture.origin.status_ts if capture.origin else None)
        answers = world.slack.thread(SAFETY, status.ts)
        assert len(answers) == 1, "one answer, in the status message's thread"
        if ends is CaptureState.SUCCESS:
            assert len(world.slack.shared_files(SAFETY, status.ts)) == 1
        else:
            assert "cannot tell whether Motive took it" in answers[0].text
        assert status.edits
        assert status.edits[-1][1].endswith(str(ends))


def test_a_look_asked_by_mention_in_a_thread_is_answered_in_that_thread(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        root = world.slack.say(SAFETY, "U0LA", "Truck 42 reports a strap came loose at the dock")
        world.mention("look truck 42", root)
        (capture,) = _looked(world)
        assert capture.origin is not None
        assert capture.origin.thread_ts == root.ts, "the look answers in the thread it was asked"
        pictures = [f for f in world.slack.shared_files(SAFETY, root.ts) if f.name.endswith(".jpg")]
        assert len(pictures) == 1
