"""Our Slack's external uploads, driven by slack_sdk's own files_upload_v2."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.slack import SlackSandbox, SlackSettings


def _client(slack: SlackSandbox) -> WebClient:
    return WebClient(token=slack.settings.bot_token, base_url=slack.api_url)


def test_files_upload_v2_shares_the_files_in_the_thread_as_one_message() -> None:
    with SlackSandbox() as slack:
        client = _client(slack)
        root = client.chat_postMessage(channel="C0SAFETY", text="status")["ts"]
        done = client.files_upload_v2(
            file_uploads=[
                {"content": b"\x00\x01" * 500, "filename": "front.mp4", "title": "Road-facing"},
                {"content": b"\xff\xd8\xff", "filename": "front.jpg", "title": "Still"},
            ],
            channel="C0SAFETY",
            thread_ts=root,
        )
        assert done["ok"]
        shared = slack.shared_files("C0SAFETY", root)
        assert [(f.name, f.title, len(f.data)) for f in shared] == [
            ("front.mp4", "Road-facing", 1000), ("front.jpg", "Still", 3),
        ]  # fmt: skip
        (message,) = [m for m in slack.thread("C0SAFETY", root) if m.files]
        assert message.files == [f.id for f in shared]
        info = client.files_info(file=shared[0].id)["file"]
        assert (info["mimetype"], info["size"]) == ("video/mp4", 1000)
        again = client.files_completeUploadExternal(
            files=[{"id": shared[0].id, "title": "Road-facing"}], channel_id="C0SAFETY",
            thread_ts=root,
        )  # fmt: skip
        assert again["ok"]
        assert len([m for m in slack.thread("C0SAFETY", root) if m.files]) == 1, "shared once"


def test_uploading_needs_files_write_and_a_channel_the_bot_is_in() -> None:
    only_chat = SlackSettings(scopes=frozenset({"chat:write"}))
    with SlackSandbox(only_chat) as slack, pytest.raises(SlackApiError, match="missing_scope"):
        _client(slack).files_upload_v2(content=b"x", filename="a.mp4", channel="C0SAFETY")
    with SlackSandbox() as slack, pytest.raises(SlackApiError, match="not_in_channel"):
        _client(slack).files_upload_v2(content=b"x", filename="a.mp4", channel="C0RANDOM")
