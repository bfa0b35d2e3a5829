"""Issue 9, observations 8 and 9: values that travel through Slack are checked, not trusted.

Every request here is signed like Slack's (the emulator holds the signing secret), so each
case is what a stolen secret or a bug in Slack could send: someone else's preview, another
recall's answer message, a modal whose context was changed, a status lookup from elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient

from bot.ids import ActionId, BlockId
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.slack_view import button, submitted_values, text_of
from bot.slack.blocks import notice
from bot.slack.notify import SlackPoster
from tests.slack_world import SlackWorld, slack_world, wait_for

PHRASE = "truck 42 yesterday 3pm 2 min front"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as running:
        yield running


def refusals(world: SlackWorld) -> list[dict[str, object]]:
    return [e.detail for e in world.app.runtime.store.audit.entries() if e.action == "refused"]


def test_only_the_requester_can_cancel_a_preview(world: SlackWorld) -> None:
    preview, payload = world.preview(PHRASE)
    cancel = button(preview, ActionId.CANCEL)
    assert cancel is not None
    url = world.slack.response_url()
    world.slack.post_interaction(world.url, world.slack.action_payload(
        ActionId.CANCEL, cancel["value"], url, user="U0LA"))  # fmt: skip
    told = wait_for(lambda: world.slack.responses_to(url))[-1]
    assert "Only <@U0DEMO> can cancel" in told["text"]
    assert refusals(world)[-1]["reason"] == "not_owner"
    said = world.press(preview, ActionId.SUBMIT, payload)
    assert "Requested" in said["text"], "the preview was not used up by someone else"


def test_refresh_updates_only_the_recalls_own_answer(world: SlackWorld) -> None:
    for phrase in (PHRASE, "truck 1207 yesterday 4pm"):
        preview, payload = world.preview(phrase)
        world.press(preview, ActionId.SUBMIT, payload)
    first, second = wait_for(lambda: len(world.answered()) == 2 and world.answered())
    refresh = button({"blocks": first.blocks}, ActionId.REFRESH)
    assert refresh is not None
    url = world.slack.response_url()
    world.slack.post_interaction(world.url, world.slack.action_payload(
        ActionId.REFRESH, refresh["value"], url, message_ts=second.ts, ephemeral=False,
        message={"ts": second.ts}))  # fmt: skip
    told = wait_for(lambda: world.slack.responses_to(url))[-1]
    assert told["text"].startswith(":no_entry:")
    assert refusals(world)[-1]["reason"] == "not_its_answer"
    (now,) = [m for m in world.slack.posted("C0SAFETY") if m.ts == second.ts]
    assert text_of(now) == text_of(second), "B's answer was not overwritten with A's links"


def _opened_modal(world: SlackWorld) -> str:
    day = datetime.now(ZoneInfo("America/Chicago")).date() - timedelta(days=1)
    alert = world.slack.say("C0SAFETY", "U0LA", f"Harsh braking - Vehicle 42 - {day} 3:00 PM")
    world.slack.post_interaction(world.url, world.slack.shortcut_on(alert))
    view_id = world.modal()
    # The modal's own check (audited if refused) ends before the test's request is made.
    wait_for(lambda: "Checking footage" not in json.dumps(world.slack.view(view_id)["blocks"]))
    return view_id


@pytest.mark.parametrize(
    "change",
    [
        {"channel_id": "C0INCIDENTS"},
        {"response_url": "http://127.0.0.1:9/anywhere"},
        {"draft_id": "d0123456789abcdef"},
        {"user_id": "U0LA"},
    ],
    ids=["channel", "response_url", "draft_id", "user"],
)
def test_a_modal_whose_context_was_changed_is_refused(
    world: SlackWorld, change: dict[str, str]
) -> None:
    view_id = _opened_modal(world)
    view = world.slack.view(view_id)
    context = json.loads(view["private_metadata"])
    view["private_metadata"] = json.dumps(context | change)
    payload = world.slack.view_payload(view, submitted_values(view))
    answer = world.slack.post_interaction(world.url, payload)
    assert answer.json()["response_action"] == "errors"
    assert "could not be verified" in answer.json()["errors"][BlockId.TARGET]
    # The only refusal: the form's own check found the footage at 3:00 PM (not 3:00 AM).
    assert refusals(world) == [{"reason": "modal_context_not_sealed"}]
    assert world.motive.creates() == 0
    assert world.slack.posted("C0INCIDENTS") == []


def test_a_modal_submitted_by_someone_else_is_refused(world: SlackWorld) -> None:
    view_id = _opened_modal(world)
    view = world.slack.view(view_id)
    payload = world.slack.view_payload(view, submitted_values(view), user="U0LA")
    answer = world.slack.post_interaction(world.url, payload)
    assert answer.json()["response_action"] == "errors"
    assert world.motive.creates() == 0


def test_a_response_url_that_is_not_slacks_is_never_posted_to(sandbox: MotiveSandbox) -> None:
    poster = SlackPoster(WebClient(), response_urls="https://hooks.slack.com/")
    poster.respond(f"{sandbox.url}/v1/video_recall_requests", notice("hi"), False)
    assert sandbox.requests == []


def test_status_shows_a_recall_only_in_its_channel_or_to_its_requester(world: SlackWorld) -> None:
    preview, payload = world.preview(PHRASE)
    world.press(preview, ActionId.SUBMIT, payload)
    (recall,) = world.app.runtime.store.recalls.recent(1)
    cases = [("U0LA", "C0INCIDENTS", False), ("U0LA", "C0SAFETY", True),
             ("U0DEMO", "C0INCIDENTS", True)]  # fmt: skip
    for user, channel, sees in cases:
        answer, sent = world.command(f"status {recall.id}", user=user, channel=channel)
        assert answer.status_code == 200
        said = wait_for(lambda sent=sent: world.slack.responses_to(sent["response_url"]))[-1]
        assert (f"Recall {recall.id}" in said["text"]) is sees, (user, channel, said["text"])
        if not sees:
            assert "you can see here" in said["text"]
            assert "C0SAFETY" not in json.dumps(said)
    assert refusals(world)[-1]["reason"] == "status_elsewhere"
