"""What every builder shares: a message type, text helpers, and Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    RichTextBlock,
    RichTextElementParts,
    RichTextSectionElement,
    SectionBlock,
)

MAX_BLOCKS = 50  # per message (and per modal: 100; recallbot never needs more than 50)
MAX_BUTTON_URL = 3000
MAX_TEXT = 3000


@dataclass(frozen=True)
class Message:
    """A Slack message: the notification text and the blocks shown."""

    text: str
    blocks: list[dict[str, Any]]

    def ephemeral(self, **extra: Any) -> dict[str, Any]:
        """The message as an ephemeral answer (``ack``, ``respond`` or a response_url)."""
        return {"text": self.text, "blocks": self.blocks, "response_type": "ephemeral", **extra}


def message(text: str, blocks: Sequence[Block]) -> Message:
    """Validate blocks against Slack's limits (``to_dict`` raises) and cap their number."""
    built = [block.to_dict() for block in blocks]
    if len(built) > MAX_BLOCKS:
        built = [
            *built[: MAX_BLOCKS - 1],
            note(f"…and {len(built) - MAX_BLOCKS + 1} more").to_dict(),
        ]
    return Message(text=text[:MAX_TEXT], blocks=built)


def section(text: str, block_id: str | None = None) -> SectionBlock:
    """A section of mrkdwn text (cut to Slack's 3,000 characters if ever longer)."""
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    return SectionBlock(text=MarkdownTextObject(text=text), block_id=block_id)


def note(text: str) -> ContextBlock:
    """Small grey text."""
    return ContextBlock(elements=[MarkdownTextObject(text=text[:MAX_TEXT])])


def escape(text: str) -> str:
    """Text from people or Motive, made safe for mrkdwn (no accidental links or mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(label: str, url: str, action_id: str, description: str) -> Block:
    """A section with a link button; a URL too long for a button becomes a rich-text link."""
    if len(url) <= MAX_BUTTON_URL:
        button = ButtonElement(text=label, url=url, action_id=action_id)
        return SectionBlock(text=MarkdownTextObject(text=description), accessory=button)
    parts = [
        RichTextElementParts.Text(text=f"{description.replace('*', '')}: "),
        RichTextElementParts.Link(url=url, text=label),
    ]
    return RichTextBlock(elements=[RichTextSectionElement(elements=parts)])
