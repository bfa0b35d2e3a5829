"""The team's access policy: each refusal ephemeral, saying why and who can change it, nothing
spent, and audited; links only in the thread that asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.ids import ActionId
from bot.sandbox.slack_view import button, plain, text_of
from tests.slack_world import SlackWorld, slack_world, wait_for

PHRASE = "truck 42 yesterday 3pm 2 min front only"
ADMIN = "<@U0ADMIN>"  # shown to people as @U0ADMIN


def refusals(world: SlackWorld) -> list[dict[str, Any]]:
    return [e.detail for e in world.app.runtime.store.audit.entries() if e.action == "refused"]


def answer_to(world: SlackWorld, text: str, user: str = "U0DEMO",
              channel: str = "C0SAFETY") -> str:  # fmt: skip
    """What replaced "Checking…" after /recall."""
    shown, _ = world.preview(text, user, channel)
    return plain(text_of(shown))


def assert_refused(world: SlackWorld, said: str, reason: str, setting: str) -> None:
    assert said.startswith("⛔"), said
    assert "@U0ADMIN can" in said
    assert setting in said
    assert "Nothing was requested." in said
    assert refusals(world)[-1]["reason"] == reason
    assert world.motive.creates() == 0
    assert world.slack.posted() == []


def test_only_the_listed_channels(tmp_path: Path) -> None:
    with slack_world(tmp_path, allowed_channels=frozenset({"C0INCIDENTS"}),
                     policy_contact=ADMIN) as world:  # fmt: skip
        said = answer_to(world, PHRASE)
        assert "ask in <#C0INCIDENTS>" in said
        assert_refused(world, said, "channel_not_allowed", "RECALLBOT_CHANNELS")
        assert world.motive.requests == [], "a refused request asks Motive nothing"
        assert button(world.preview(PHRASE, channel="C0INCIDENTS")[0], ActionId.SUBMIT)


def test_only_the_listed_people_and_user_groups(tmp_path: Path) -> None:
    with slack_world(tmp_path, requesters=frozenset({"S0SAFETYLEADS"}),
                     policy_contact=ADMIN) as world:  # fmt: skip
        said = answer_to(world, PHRASE, user="U0LA")
        assert "You are not among the people who may request" in said
        assert_refused(world, said, "not_a_requester", "RECALLBOT_REQUESTERS")
        assert button(world.preview(PHRASE)[0], ActionId.SUBMIT), "dana is in the group"
        assert [c.args["usergroup"] for c in world.slack.calls_of("usergroups.users.list")] == [
            "S0SAFETYLEADS"
        ], "the group's members are asked once, then cached"


def test_the_driver_facing_camera_only_for_the_listed(tmp_path: Path) -> None:
    with slack_world(tmp_path, driver_facing=frozenset({"U0DEMO"}),
                     policy_contact=ADMIN) as world:  # fmt: skip
        said = answer_to(world, "truck 42 yesterday 3pm front and driver", user="U0LA")
        assert "You may not request the driver-facing camera." in said
        assert_refused(world, said, "driver_facing_not_allowed", "RECALLBOT_DRIVER_FACING")
        every = answer_to(world, "truck 42 yesterday 3pm", user="U0LA")
        assert "driver-facing camera (every camera includes it)" in every
        assert button(world.preview(PHRASE, user="U0LA")[0], ActionId.SUBMIT), "front only is fine"
        assert button(world.preview("truck 42 yesterday 3pm driver")[0], ActionId.SUBMIT)


def test_no_links_in_public_channels_when_the_team_says_so(tmp_path: Path) -> None:
    with slack_world(tmp_path, links_in_public=False, policy_contact=ADMIN) as world:
        said = answer_to(world, PHRASE)
        assert "may not be posted in a public channel" in said
        assert_refused(world, said, "public_channel", "RECALLBOT_LINKS_IN_PUBLIC")
        preview, payload = world.preview(PHRASE, channel="C0INCIDENTS")
        world.press(preview, ActionId.SUBMIT, payload)
        assert world.answered("C0INCIDENTS")


def test_a_refused_shortcut_and_mention_are_answered_and_audited(tmp_path: Path) -> None:
    with slack_world(tmp_path, requesters=frozenset({"U0LA"}), policy_contact=ADMIN) as world:
        alert = world.slack.say("C0SAFETY", "U0LA", "Vehicle 42 harsh braking at 9:05am")
        shortcut = world.slack.shortcut_on(alert, user="U0DEMO")
        world.slack.post_interaction(world.url, shortcut)
        told = wait_for(lambda: world.slack.responses_to(shortcut["response_url"]))[-1]
        assert "You are not among the people" in told["text"]
        assert world.slack.opened_views() == []
        world.mention("2 min", alert)
        assert "You are not among the people" in text_of(world.ephemeral())
        assert [r["reason"] for r in refusals(world)] == ["not_a_requester"] * 2


def test_links_are_refreshed_only_where_they_belong_and_for_whom(tmp_path: Path) -> None:
    with slack_world(tmp_path, driver_facing=frozenset({"U0DEMO"})) as world:
        preview, payload = world.preview("truck 42 yesterday 3pm front and driver")
        world.press(preview, ActionId.SUBMIT, payload)
        (reply,) = world.answered()
        refresh = button({"blocks": reply.blocks}, ActionId.REFRESH)
        assert refresh is not None
        for user, channel, reason in (("U0LA", "C0SAFETY", "driver_facing_not_allowed"),
                                      ("U0DEMO", "C0INCIDENTS", "other_channel")):  # fmt: skip
            url = world.slack.response_url()
            action = world.slack.action_payload(
                ActionId.REFRESH, refresh["value"], url, user=user, channel=channel,
                message_ts=reply.ts, ephemeral=False, message={"ts": reply.ts},
            )  # fmt: skip
            world.slack.post_interaction(world.url, action)
            told = wait_for(lambda url=url: world.slack.responses_to(url))[-1]
            assert told["replace_original"] is False
            assert told["text"].startswith(":no_entry:")
            assert "Nothing was requested." in told["text"]
            assert refusals(world)[-1]["reason"] == reason
        assert reply.edits == []
        assert "links_refreshed" not in [e.action for e in world.app.runtime.store.audit.entries()]
