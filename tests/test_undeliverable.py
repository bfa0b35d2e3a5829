"""Issue 20: an answer Slack refuses for good ends. The real Bolt app against the Slack
emulator, whose channels are archived, left or deleted mid-way and answer as Slack does: the
answer ends after a few tries, audited once, and the requester hears of it by DM without the
links; a passing failure is retried with growing waits and delivered once; footage to a channel
that is gone ends at once; the log has one line for each, never a traceback."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.ids import ActionId
from bot.store import Delivery, TrackedRecall
from tests.slack_world import SlackWorld, slack_world, wait_for

PHRASE = "truck 42 yesterday 3pm 2 min front only"


@pytest.fixture
def world(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Iterator[SlackWorld]:
    caplog.set_level(logging.INFO, logger="recallbot")
    with slack_world(tmp_path) as running:
        yield running


def _requested(world: SlackWorld) -> TrackedRecall:
    """dana requests PHRASE in #safety; the recall, once its status message is out."""
    preview, payload = world.preview(PHRASE)
    assert "Requested: recall" in world.press(preview, ActionId.SUBMIT, payload)["text"]
    (recall,) = world.app.runtime.store.recalls.recent(1)
    return recall


def _once(
    world: SlackWorld, recall: TrackedRecall, done: Callable[[TrackedRecall], bool]
) -> TrackedRecall:
    """The recall as the store holds it once ``done`` says so."""
    store = world.app.runtime.store
    found: TrackedRecall = wait_for(
        lambda: (now if done(now := store.recalls.must(recall.id)) else None), 60
    )
    return found


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info]


@pytest.mark.parametrize(
    ("change", "error"),
    [("archive", "is_archived"), ("remove_bot", "not_in_channel"),
     ("delete_channel", "channel_not_found")],
)  # fmt: skip
def test_an_answer_to_a_channel_that_is_gone_ends_after_three_tries_and_the_requester_is_told(
    world: SlackWorld, caplog: pytest.LogCaptureFixture, change: str, error: str
) -> None:
    recall = _requested(world)  # the status message is out: the thread existed
    world.slack.before_next("chat.postMessage", lambda: getattr(world.slack, change)("C0SAFETY"))
    ended = _once(world, recall, lambda r: r.delivery is Delivery.UNDELIVERABLE)

    refused = [c for c in world.slack.calls_of("chat.postMessage")
               if c.args.get("channel") == "C0SAFETY" and c.args.get("thread_ts")]  # fmt: skip
    assert [c.error for c in refused] == [error] * 3, "three tries, then no more"
    assert ended.delivery is Delivery.UNDELIVERABLE
    assert ended.delivery_tries == 3
    assert f"Slack refused ({error})" in (ended.delivery_note or "")
    audit = world.app.runtime.store.audit.entries()
    given_up = [e for e in audit if e.action == "undeliverable"]
    assert [(e.recall_id, e.detail["tries"]) for e in given_up] == [(recall.id, 3)]
    assert [e.action for e in audit] == ["requested", "submitted", "undeliverable"]

    (dm,) = wait_for(lambda: world.slack.direct_messages("U0DEMO"))
    said = dm.text + json.dumps(dm.blocks)
    assert recall.id in said
    assert error in said
    assert f"recallbot status {recall.id}" in said
    assert "http" not in said, "links go only to the thread that asked"
    assert world.app.runtime.store.recalls.outstanding() == 0
    assert world.slack.direct_messages("U0DEMO") == [dm], "told once"
    assert _tracebacks(caplog) == []
    assert f"Slack refused ({error})" in caplog.text


def test_a_passing_slack_failure_is_retried_with_growing_waits_then_delivered_once(
    world: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    recall = _requested(world)
    # A post is never repeated by the client on a 5xx (Slack may have made it): two tries of
    # recallbot fail.
    world.slack.fail("chat.postMessage", "internal_error", status=500, count=2)
    delivered = _once(world, recall, lambda r: r.delivery is Delivery.DELIVERED)

    assert delivered.delivery_tries == 2
    assert len(world.answered()) == 1, "delivered once"
    waits = [r.args[-1] for r in caplog.records  # type: ignore[index]
             if r.getMessage().startswith(f"answer of recall {recall.id} not delivered")]
    assert len(waits) == 2
    assert waits[1] == 2 * waits[0], "each wait twice the last"
    actions = [e.action for e in world.app.runtime.store.audit.entries()]
    assert actions == ["requested", "submitted", "delivered"], "retries are not audited"
    assert world.slack.direct_messages("U0DEMO") == []
    assert _tracebacks(caplog) == []


def test_footage_for_a_channel_deleted_before_it_is_shared_ends_once(
    world: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    world.slack.before_next("files.getUploadURLExternal",
                            lambda: world.slack.delete_channel("C0SAFETY"))  # fmt: skip
    recall = _requested(world)
    failed = _once(world, recall, lambda r: r.media == "failed")

    assert failed.media_tries == 1, "no retry: the channel will not come back"
    assert [c.error for c in world.slack.calls_of("files.completeUploadExternal")] == [
        "invalid_channel"
    ]
    audit = world.app.runtime.store.audit.entries()
    assert [e.action for e in audit].count("footage_failed") == 1
    assert not [m for m in world.slack.posted("C0SAFETY") if "footage itself" in m.text]
    assert _tracebacks(caplog) == []
    assert "Slack refused (invalid_channel)" in caplog.text
