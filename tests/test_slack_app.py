"""/recall end to end: signed requests through the real Bolt app, over HTTP, to both emulators."""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.ids import ActionId
from bot.sandbox.faults import Fault, FaultKind
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack_view import button, text_of
from bot.store import Delivery, RecallState
from tests.slack_world import SlackWorld, running_app, slack_world, wait_for

PHRASE = "truck 42 yesterday 3pm 2 min front only"


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    with slack_world(tmp_path) as running:
        yield running


def test_a_recall_from_slash_command_to_links_in_the_thread(world: SlackWorld) -> None:
    answer, payload = world.command(PHRASE)
    assert answer.status_code == 200
    assert "Checking" in answer.json()["text"]
    assert answer.json()["response_type"] == "ephemeral"
    preview = wait_for(lambda: world.slack.responses_to(payload["response_url"]))[-1]
    shown = text_of(preview)
    assert preview["replace_original"] is True
    assert "vehicle 42" in shown
    assert "Sat" in shown or "Sun" in shown or "CST" in shown  # local time, with its zone
    assert "21:00 UTC" in shown
    assert "Road-facing" in shown
    assert "regular · 2 min" in shown
    assert "available for the whole window" in shown
    assert "spends 2 of 600 regular minutes" in shown
    assert "Times read in America/Chicago" in shown
    assert [button(preview, a) is not None for a in ActionId][:3] == [True, True, True]
    assert world.motive.creates() == 0, "a preview spends nothing"

    requested = world.press(preview, ActionId.SUBMIT, payload)
    assert "Requested: recall" in requested["text"]
    (anchor,) = [m for m in world.slack.posted("C0SAFETY") if m.thread_ts is None]
    assert "asked by <@U0DEMO>" in text_of(anchor)
    replies = world.answered()
    assert len(replies) == 1
    reply = replies[0]
    assert reply.thread_ts == anchor.ts
    shown = text_of(reply)
    assert "Footage ready for vehicle 42" in shown
    assert "Road-facing" in shown
    assert "link expires" in shown
    link = button({"blocks": reply.blocks}, ActionId.OPEN_LINK)
    assert link is not None
    assert "/media/" in link["url"]
    assert button({"blocks": reply.blocks}, ActionId.REFRESH) is not None
    wait_for(lambda: "Ready" in text_of(anchor))
    edits = [text for _, text, _ in anchor.edits]
    assert edits[0].endswith("pending")
    assert edits[-1].endswith("success")
    store = world.app.runtime.store
    delivered = [Delivery.DELIVERED]
    recall = wait_for(
        lambda: next((r for r in store.recalls.recent(1) if r.delivery in delivered), None)
    )
    assert recall.origin is not None
    assert (recall.origin.channel_id, recall.origin.thread_ts) == ("C0SAFETY", anchor.ts)
    actions = [e.action for e in world.app.runtime.store.audit.entries()]
    assert actions == ["requested", "submitted", "delivered"]
    assert world.motive.creates() == 1


def test_a_phrase_error_is_answered_with_an_example_and_spends_nothing(world: SlackWorld) -> None:
    """A person's first /recall needs their zone from Slack, so it is read after the ack."""
    answer, payload = world.command("truck 42 tomorrow 3pm")
    assert "Checking" in text_of(answer.json())
    (shown,) = wait_for(lambda: world.slack.responses_to(payload["response_url"]))
    text = text_of(shown)
    assert "tomorrow" in text
    assert "e.g." in text
    assert shown["replace_original"] is True
    assert button(shown, ActionId.SUBMIT) is None
    assert world.motive.creates() == 0
    assert world.app.runtime.store.audit.entries()[-1].action == "refused"


def test_once_the_zone_is_known_a_phrase_error_is_the_ack_itself(world: SlackWorld) -> None:
    world.preview(PHRASE)  # recallbot now knows dana's zone
    calls = len(world.slack.calls_of("users.info"))
    answer, payload = world.command("truck 42 tomorrow 3pm")
    text = text_of(answer.json())
    assert "tomorrow" in text
    assert "e.g." in text
    assert world.slack.responses_to(payload["response_url"]) == []
    assert len(world.slack.calls_of("users.info")) == calls
    assert world.motive.creates() == 0


def test_no_footage_is_shown_before_anything_is_spent(world: SlackWorld) -> None:
    preview, _ = world.preview("truck 42 yesterday 2am")
    shown = text_of(preview)
    assert "*Footage:* :x: none for this window" in shown
    assert "There is no footage for this window" in shown
    assert "Footage nearby" in shown
    assert button(preview, ActionId.SUBMIT) is None
    assert button(preview, ActionId.CANCEL) is not None


def test_an_exhausted_quota_is_shown_before_anything_is_spent(tmp_path: Path) -> None:
    with slack_world(tmp_path, SandboxSettings(quota_regular_minutes=1)) as world:
        preview, _ = world.preview(PHRASE)
        assert "Not enough regular quota" in text_of(preview)
        assert button(preview, ActionId.SUBMIT) is None


def test_a_smart_dashcam_refusal_reaches_the_thread_and_is_learned(world: SlackWorld) -> None:
    preview, payload = world.preview("truck 7 yesterday 3pm 2 min")
    refused = world.press(preview, ActionId.SUBMIT, payload)
    assert "Motive refused it" in refused["text"]
    assert "limited to 1 minute" in refused["text"]
    (reply,) = world.answered()
    assert "Motive refused the recall" in text_of(reply)
    assert "Nothing was spent" in text_of(reply)
    again, _ = world.preview("truck 7 yesterday 4pm 2 min")
    assert "smart dashcam" in text_of(again)
    assert button(again, ActionId.SUBMIT) is None


def test_a_channel_the_bot_is_not_in_gets_an_explanation_and_nothing_is_spent(
    world: SlackWorld,
) -> None:
    preview, payload = world.preview(PHRASE, channel="C0RANDOM")
    answer = world.press(preview, ActionId.SUBMIT, payload)
    assert "not_in_channel" in answer["text"]
    assert "/invite @recallbot" in answer["text"]
    assert world.motive.creates() == 0
    assert world.slack.posted("C0RANDOM") == []


def test_a_429_from_slack_when_posting_is_waited_out(world: SlackWorld) -> None:
    world.slack.fail("chat.postMessage", "ratelimited", status=429, retry_after=1)
    preview, payload = world.preview(PHRASE)
    world.press(preview, ActionId.SUBMIT, payload)
    assert len(world.answered()) == 1
    anchors = [m for m in world.slack.posted("C0SAFETY") if m.thread_ts is None]
    assert len(anchors) == 1
    assert next(c.error for c in world.slack.calls_of("chat.postMessage")) == "ratelimited"


@pytest.mark.parametrize("forgery", ["wrong-secret", "stale-timestamp"])
def test_forged_or_stale_requests_are_rejected_and_spend_nothing(
    world: SlackWorld, forgery: str
) -> None:
    payload = world.slack.command_payload(PHRASE)
    sign = (
        {"secret": "not-the-secret"}
        if forgery == "wrong-secret"
        else {"timestamp": int(time.time()) - 600}
    )
    answer = world.slack.post_form(world.url, payload, **sign)
    assert answer.status_code == 401
    time.sleep(0.3)
    assert world.slack.responses_to(payload["response_url"]) == []
    assert world.motive.creates() == 0
    assert world.slack.calls_of("users.info") == []


def test_a_redelivered_event_is_answered_once(world: SlackWorld) -> None:
    event = {
        "type": "app_mention",
        "user": "U0DEMO",
        "channel": "C0SAFETY",
        "text": "<@U0RECALLBOT> truck 42 yesterday 3pm",
        "ts": f"{time.time():.6f}",
    }
    payload = world.slack.event_payload(event, event_id="Ev0REDELIVERED")
    for _ in range(3):
        assert world.slack.post_event(world.url, payload).status_code == 200
    wait_for(lambda: world.slack.ephemerals)
    time.sleep(0.5)
    assert len(world.slack.ephemerals) == 1


def test_asking_again_for_the_same_footage_points_to_the_first_thread(world: SlackWorld) -> None:
    preview, payload = world.preview(PHRASE)
    world.press(preview, ActionId.SUBMIT, payload)
    world.answered()
    again, payload_again = world.preview(PHRASE)
    pointed = world.press(again, ActionId.SUBMIT, payload_again)
    assert "already requested" in pointed["text"]
    assert "sandbox.slack.com/archives/C0SAFETY" in pointed["text"]
    assert world.motive.creates() == 1
    assert len([m for m in world.slack.posted("C0SAFETY") if m.thread_ts is None]) == 1


def test_refresh_links_fetches_fresh_links_into_the_same_reply(world: SlackWorld) -> None:
    preview, payload = world.preview(PHRASE)
    world.press(preview, ActionId.SUBMIT, payload)
    (reply,) = world.answered()
    old = button({"blocks": reply.blocks}, ActionId.OPEN_LINK)
    refresh = button({"blocks": reply.blocks}, ActionId.REFRESH)
    assert old is not None
    assert refresh is not None
    world.motive.clock.advance(3600)
    action = world.slack.action_payload(
        ActionId.REFRESH,
        refresh["value"],
        world.slack.response_url(),
        message_ts=reply.ts,
        ephemeral=False,
        message={"ts": reply.ts, "blocks": reply.blocks},
    )
    assert world.slack.post_interaction(world.url, action).status_code == 200
    wait_for(lambda: reply.edits)
    new = button({"blocks": reply.blocks}, ActionId.OPEN_LINK)
    assert new is not None
    assert new["url"] != old["url"]
    assert "links_refreshed" in [e.action for e in world.app.runtime.store.audit.entries()]


def test_cancel_spends_nothing_and_the_preview_cannot_be_used_after(world: SlackWorld) -> None:
    preview, payload = world.preview(PHRASE)
    cancelled = world.press(preview, ActionId.CANCEL, payload)
    assert "Cancelled" in cancelled["text"]
    late = world.press(preview, ActionId.SUBMIT, payload)
    assert "already used" in late["text"]
    assert world.motive.creates() == 0


def test_never_confirm_requests_at_once(tmp_path: Path) -> None:
    with slack_world(tmp_path, confirm="never") as world:
        _, payload = world.command(PHRASE)
        done = wait_for(lambda: world.slack.responses_to(payload["response_url"]))[-1]
        assert "Requested: recall" in done["text"]
        assert len(world.answered()) == 1


def test_subcommands_help_status_list_and_quota(world: SlackWorld) -> None:
    help_answer, _ = world.command("help")
    assert "/recall truck 42 yesterday 3pm 2 min front only" in text_of(help_answer.json())
    preview, payload = world.preview(PHRASE)
    world.press(preview, ActionId.SUBMIT, payload)
    world.answered()
    recall = world.app.runtime.store.recalls.recent(1)[0]
    for text, expected in (
        (f"status {recall.id}", recall.id),
        ("list", recall.id),
        ("quota", "2 of 600 minutes used"),
        ("status r404", "no recall"),
    ):
        answer, sent = world.command(text)
        assert answer.status_code == 200
        response = wait_for(lambda sent=sent: world.slack.responses_to(sent["response_url"]))
        assert expected.lower() in text_of(response[-1]).lower()


def test_a_restart_between_request_and_completion_still_answers_in_the_thread(
    world: SlackWorld,
) -> None:
    world.motive.clock.set_speed(0)  # Motive holds still while recallbot is down
    preview, payload = world.preview(PHRASE)
    world.press(preview, ActionId.SUBMIT, payload)
    (anchor,) = world.slack.posted("C0SAFETY")
    world.served.close()
    world.app.close()
    world.motive.clock.advance(20 * 60)
    with running_app(world.settings) as (restarted, _):
        (reply,) = world.answered()
        assert reply.thread_ts == anchor.ts
        recall = restarted.runtime.store.recalls.recent(1)[0]
        wait_for(
            lambda: restarted.runtime.store.recalls.get(recall.id).delivery is Delivery.DELIVERED
        )  # type: ignore[union-attr]
        assert restarted.runtime.store.recalls.get(recall.id).state is RecallState.SUCCESS  # type: ignore[union-attr]
    assert world.motive.creates() == 1


def test_a_slow_motive_never_holds_up_the_acks(world: SlackWorld) -> None:
    """Every /recall of a burst larger than Bolt's listener threads and recallbot's workers is
    acked while Motive is still sitting on the first checks; the previews follow."""
    world.motive.faults.arm(Fault(kind=FaultKind.SLOW, delay=3.0, count=30))
    burst = [f"truck 42 yesterday 3:{m:02d}pm 1 min front only" for m in range(16)]
    with ThreadPoolExecutor(16) as pool:
        sent = list(pool.map(world.command, burst))
    assert all("Checking" in answer.json()["text"] for answer, _ in sent)
    assert [world.slack.responses_to(p["response_url"]) for _, p in sent] == [[]] * len(sent)
    previews = [wait_for(lambda p=p: world.slack.responses_to(p["response_url"]), timeout=60)
                for _, p in sent]  # fmt: skip
    assert all(button(shown[-1], ActionId.SUBMIT) for shown in previews)


def test_a_slack_server_error_when_posting_is_retried(world: SlackWorld) -> None:
    world.slack.fail("chat.postMessage", "internal_error", status=503)
    preview, payload = world.preview(PHRASE)
    assert "Requested: recall" in world.press(preview, ActionId.SUBMIT, payload)["text"]
    assert [c.error for c in world.slack.calls_of("chat.postMessage")][:2] == [
        "internal_error",
        None,
    ]
    assert len([m for m in world.slack.posted("C0SAFETY") if m.thread_ts is None]) == 1
    assert world.motive.creates() == 1


@pytest.mark.parametrize(
    ("error", "says"),
    [
        ("channel_not_found", "I can't post in this channel (`channel_not_found`)"),
        ("invalid_auth", "Something went wrong while requesting it"),
    ],
)
def test_when_slack_refuses_the_status_message_nothing_is_spent(
    world: SlackWorld, error: str, says: str
) -> None:
    preview, payload = world.preview(PHRASE)
    world.slack.fail("chat.postMessage", error)
    answer = world.press(preview, ActionId.SUBMIT, payload)
    assert says in answer["text"]
    assert world.motive.creates() == 0
    assert world.slack.posted("C0SAFETY") == []
    assert world.app.runtime.store.recalls.recent(5) == []


def test_slack_text_in_a_command_is_read_as_words(world: SlackWorld) -> None:
    preview, _ = world.preview("truck 42 yesterday 3pm front &amp; driver <@U456DEF> "
                               "<https://x.example/i/12|incident 12>")  # fmt: skip
    shown = text_of(preview)
    assert "Road-facing, Driver-facing" in shown
    assert "more than one vehicle" not in shown
    assert "incident 12" in shown  # reported as ignored
    assert button(preview, ActionId.SUBMIT) is not None


def test_a_person_slack_gives_no_zone_is_told_the_default_was_used(world: SlackWorld) -> None:
    preview, _ = world.preview("truck 42 yesterday 3pm", user="U0NOTZ")
    assert "the team's default zone (RECALLBOT_DEFAULT_TZ" in json.dumps(preview), preview
    mine, _ = world.preview("truck 42 yesterday 3pm")
    assert "your time zone" in json.dumps(mine)
