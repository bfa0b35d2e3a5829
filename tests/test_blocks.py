"""Block Kit builders against Slack's limits, and what each message says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.blocks import SectionBlock

from bot.fleet import Match, NoMatch, TargetKind
from bot.ids import ActionId
from bot.motive import CameraResult
from bot.phrase import ParsedPhrase, parse_phrase
from bot.sandbox.slack_view import button, text_of
from bot.service import FootageCheck, Preview, QuotaCheck
from bot.slack import blocks
from bot.slack.blocks.base import MAX_BLOCKS, MAX_BUTTON_URL, message, section
from bot.store import RecallState, TrackedRecall

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)


def parsed(text: str = "truck 42 yesterday 3pm 2 min front only") -> ParsedPhrase:
    result = parse_phrase(text, CHICAGO, NOW)
    assert isinstance(result, ParsedPhrase)
    return result


def recall(state: RecallState, cameras: list[dict[str, Any]], **fields: Any) -> TrackedRecall:
    request = parsed().request
    return TrackedRecall(
        id="r1", motive_id="5000001", fingerprint="f", request=request, requested_by="U0DEMO",
        state=state, created_at=NOW, updated_at=NOW, deadline_at=NOW + timedelta(hours=2),
        cameras=[CameraResult.model_validate(c) for c in cameras], **fields,
    )  # fmt: skip


def ready(position: str, url: str) -> dict[str, Any]:
    expires = (NOW + timedelta(days=7)).isoformat()
    return {"position": position, "status": "success", "download_url": url, "expires_at": expires}


def sections(built: blocks.Message) -> list[dict[str, Any]]:
    return [b for b in built.blocks if b["type"] == "section"]


def test_a_link_within_slacks_button_limit_is_a_button() -> None:
    url = "https://motive.test/media/1?sig=" + "a" * (MAX_BUTTON_URL - 40)
    built = blocks.answer(recall(RecallState.SUCCESS, [ready("front_facing", url)]), CHICAGO)
    found = button({"blocks": built.blocks}, ActionId.OPEN_LINK)
    assert found is not None
    assert found["url"] == url
    assert found["text"]["text"] == "Download Road-facing"


def test_a_link_too_long_for_a_button_becomes_a_text_link() -> None:
    url = "https://motive.test/media/1?sig=" + "a" * MAX_BUTTON_URL
    built = blocks.answer(recall(RecallState.SUCCESS, [ready("front_facing", url)]), CHICAGO)
    assert button({"blocks": built.blocks}, ActionId.OPEN_LINK) is None
    (rich,) = [b for b in built.blocks if b["type"] == "rich_text"]
    (link,) = [e for e in rich["elements"][0]["elements"] if e["type"] == "link"]
    assert link["url"] == url
    assert link["text"] == "Download Road-facing"
    expected = "Road-facing\nlink expires Sun Dec 6, 12:00 PM CST: \nDownload Road-facing"
    assert expected in text_of({"blocks": built.blocks})


def test_each_camera_is_named_in_words_with_its_expiry_and_failures_say_why() -> None:
    cameras = [
        ready("front_facing", "https://motive.test/a"),
        ready("driver_facing", "https://motive.test/b"),
        {"position": "side_left", "status": "failed", "failure_reason": "Camera was offline"},
    ]
    built = blocks.answer(recall(RecallState.SUCCESS, cameras), CHICAGO)
    text = text_of({"blocks": built.blocks})
    assert "Footage ready" in built.text
    assert "*Road-facing*\nlink expires Sun Dec 6, 12:00 PM CST" in text
    assert "*Driver-facing*" in text
    assert "*Left side* — Camera was offline" in text
    assert button({"blocks": built.blocks}, ActionId.REFRESH) == {
        "type": "button", "text": {"type": "plain_text", "text": "Refresh links", "emoji": True},
        "action_id": ActionId.REFRESH, "value": "r1",
    }  # fmt: skip


def test_a_camera_position_motive_adds_later_is_shown_as_motive_names_it() -> None:
    built = blocks.answer(recall(RecallState.SUCCESS, [ready("cab_rear", "https://m.test/c")]),
                          CHICAGO)  # fmt: skip
    found = button({"blocks": built.blocks}, ActionId.OPEN_LINK)
    assert found is not None
    assert found["text"]["text"] == "Download cab_rear"


def test_when_every_camera_failed_there_is_nothing_to_refresh() -> None:
    cameras = [
        {"position": "front_facing", "status": "failed", "failure_reason": "No footage stored"}
    ]
    built = blocks.answer(recall(RecallState.FAILED, cameras), CHICAGO)
    assert "No camera's footage could be recalled" in built.text
    assert "No footage stored" in text_of({"blocks": built.blocks})
    assert button({"blocks": built.blocks}, ActionId.REFRESH) is None


@pytest.mark.parametrize(
    ("state", "fields", "says"),
    [
        (RecallState.EXPIRED, {}, ["No footage yet", "/recall status r1", "next online"]),
        (RecallState.REFUSED, {"last_error": "Quota exhausted"}, ["refused", "Quota exhausted",
                                                                  "Nothing was spent"]),
        (RecallState.FAILED, {"last_error": "Camera <offline>"}, ["Camera &lt;offline&gt;"]),
    ],
)  # fmt: skip
def test_failure_expiry_and_refusal_say_why_and_what_to_do(
    state: RecallState, fields: dict[str, Any], says: list[str]
) -> None:
    built = blocks.answer(recall(state, [], **fields), CHICAGO)
    text = text_of({"blocks": built.blocks})
    assert [s for s in says if s not in text] == []
    assert button({"blocks": built.blocks}, ActionId.REFRESH) is None


def test_a_message_never_has_more_than_fifty_blocks() -> None:
    built = message("many", [section(f"line {n}") for n in range(80)])
    assert len(built.blocks) == MAX_BLOCKS
    assert built.blocks[MAX_BLOCKS - 2]["text"]["text"] == f"line {MAX_BLOCKS - 2}"
    assert built.blocks[-1]["elements"][0]["text"] == "…and 31 more"


def test_fifty_blocks_exactly_are_kept_as_they_are() -> None:
    built = message("fifty", [section(f"line {n}") for n in range(MAX_BLOCKS)])
    assert [b["text"]["text"] for b in built.blocks] == [f"line {n}" for n in range(MAX_BLOCKS)]


def test_text_longer_than_a_section_holds_is_cut_not_rejected() -> None:
    built = section("x" * 5000).to_dict()
    assert len(built["text"]["text"]) == 3000
    assert built["text"]["text"].endswith("…")
    with pytest.raises(Exception, match="3000"):
        SectionBlock(text="x" * 3001).to_dict()  # what section() protects against


def test_people_and_motive_cannot_inject_mentions_or_links() -> None:
    built = blocks.answer(recall(RecallState.REFUSED, [], last_error="<!channel> <http://x|y>"),
                          CHICAGO)  # fmt: skip
    text = text_of({"blocks": built.blocks})
    assert "<!channel>" not in text
    assert "&lt;!channel&gt;" in text


def checked(ready: bool = True, **fields: Any) -> Preview:
    request = parsed().request
    target: Match | NoMatch = (
        Match(TargetKind.VEHICLE, "Truck 42", "1001") if ready
        else NoMatch(TargetKind.VEHICLE, "42", suggestions=("Truck 42A",), ambiguous=False)
    )  # fmt: skip
    return Preview(request=request, target=target, **fields)


def test_the_preview_shows_the_window_in_both_zones_the_checks_and_the_inferences() -> None:
    quota = QuotaCheck("dashcam", 2, 598, 600)
    built = blocks.preview(parsed(), checked(footage=FootageCheck(True, True), quota=quota), "d1")
    text = text_of({"blocks": built.blocks})
    assert "*vehicle 42* (Motive id 1001) · regular · 2 min · Road-facing" in text
    assert "Sat Nov 28, 3:00 PM CST to 3:02 PM" in text
    assert "*UTC:* 2026-11-28 21:00 UTC to 21:02 UTC" in text
    assert "available for the whole window" in text
    assert "spends 2 of 598 dashcam minutes left" in text
    ids = [e["action_id"] for b in built.blocks if b["type"] == "actions" for e in b["elements"]]
    assert ids == [ActionId.SUBMIT, ActionId.EDIT, ActionId.CANCEL]


def test_a_preview_that_cannot_be_requested_has_no_request_button() -> None:
    problem = "No vehicle named 42; did you mean Truck 42A?"
    for built in (
        blocks.preview(parsed(), checked(ready=False, problems=(problem,)), "d1"),
        blocks.preview(parsed(), checked(), None),
    ):
        assert button({"blocks": built.blocks}, ActionId.SUBMIT) is None
        assert button({"blocks": built.blocks}, ActionId.CANCEL) is not None
