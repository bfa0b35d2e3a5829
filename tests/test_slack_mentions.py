"""@recallbot in a thread: the preview in the thread, what the mention leaves out taken from the
thread's first message, and the status message and answer in that thread."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.ids import ActionId
from bot.sandbox.slack_view import button, plain, text_of
from tests.slack_world import SlackWorld, slack_world, wait_for


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as running:
        yield running


def press_request(world: SlackWorld, shown: dict[str, Any]) -> dict[str, Any]:
    """Press Request on an ephemeral preview; what replaced it."""
    found = button(shown, ActionId.SUBMIT)
    assert found is not None, text_of(shown)
    url = world.slack.response_url()
    action = world.slack.action_payload(ActionId.SUBMIT, found["value"], url,
                                        channel=shown["channel"])  # fmt: skip
    world.slack.post_interaction(world.url, action)
    return dict(wait_for(lambda: world.slack.responses_to(url))[-1])


def test_a_full_phrase_in_a_thread_is_previewed_and_answered_there(world: SlackWorld) -> None:
    root = world.slack.say("C0SAFETY", "U0LA", "Incident review for last week")
    world.mention("truck 42 yesterday 3pm 2 min front only", root)
    shown = world.ephemeral()
    assert (shown["thread_ts"], shown["user"]) == (root.ts, "U0DEMO")
    assert "vehicle 42" in text_of(shown)
    assert "taken from" not in text_of(shown)
    assert "Requested: recall" in press_request(world, shown)["text"]
    answer = wait_for(lambda: [m for m in world.slack.thread("C0SAFETY", root.ts)
                               if "Footage ready" in text_of(m)])  # fmt: skip
    assert answer
    statuses = [m for m in world.slack.posted("C0SAFETY") if "asked by" in text_of(m)]
    assert [m.thread_ts for m in statuses] == [root.ts]


def test_what_the_mention_leaves_out_comes_from_the_thread_root(world: SlackWorld) -> None:
    root = world.slack.say("C0SAFETY", "U0LA", "Truck 42 hit a pole at 9:05am")
    world.mention("2 min front only", root)
    shown = plain(text_of(world.ephemeral()))
    assert "The vehicle (“42”) taken from the thread's first message." in shown
    assert "The time (“9:05am”) taken from the thread's first message, read as of when it " in shown
    assert "9:05 AM" in shown
    assert button(world.ephemeral(), ActionId.SUBMIT) is not None
    replies = world.slack.calls_of("conversations.replies")
    assert replies[0].args["ts"] == root.ts


def test_a_mention_outside_a_thread_answers_in_a_new_thread_under_it(world: SlackWorld) -> None:
    event = world.mention("truck 42 yesterday 3pm")
    shown = world.ephemeral()
    assert shown["thread_ts"] == event["ts"]
    assert world.slack.calls_of("conversations.replies") == []
    press_request(world, shown)
    statuses = wait_for(lambda: [m for m in world.slack.posted("C0SAFETY") if m.thread_ts])
    assert statuses[0].thread_ts == event["ts"]


def test_a_mention_the_root_cannot_complete_says_what_is_missing(world: SlackWorld) -> None:
    root = world.slack.say("C0SAFETY", "U0LA", "Team lunch on Friday?")
    world.mention("2 min front only", root)
    shown = text_of(world.ephemeral())
    assert "couldn't tell which vehicle" in shown
    assert world.motive.creates() == 0


def test_entities_and_mentions_are_unescaped(world: SlackWorld) -> None:
    root = world.slack.say("C0SAFETY", "U0LA", "Check this")
    world.mention("asset &quot;Yard Jockey 3&quot; yesterday 9:15am &amp; <@U0LA>", root)
    assert "asset Yard Jockey 3" in text_of(world.ephemeral())


def test_never_confirm_requests_from_a_mention_at_once(tmp_path: Path) -> None:
    with slack_world(tmp_path, confirm="never") as world:
        root = world.slack.say("C0SAFETY", "U0LA", "Vehicle 1207 swerved at 10:30am")
        world.mention("1 min", root)
        assert "Requested: recall" in text_of(world.ephemeral())
        statuses = wait_for(lambda: [m for m in world.slack.posted("C0SAFETY") if m.thread_ts])
        assert statuses[0].thread_ts == root.ts
