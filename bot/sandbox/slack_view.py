"""Reading Block Kit the way a person sees it: buttons to press, text to read, a terminal view.

The tests find buttons and read text through these, and ``recallbot demo`` prints the
conversation with ``render``; nothing here talks to Slack.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.sandbox.slack import Posted

Shown = Mapping[str, Any] | Posted
"""A message as an app answered it (a dict with ``blocks``) or as the emulator keeps it."""

_EMOJI = {
    "gear": "⚙️",
    "grey_question": "❔",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
    "movie_camera": "🎥",
    "no_entry": "⛔",
    "outbox_tray": "📤",
    "repeat": "🔁",
    "robot_face": "🤖",
    "rotating_light": "🚨",
    "warning": "⚠️",
    "white_check_mark": "✅",
    "x": "❌",
}
_EMOJI_CODE = re.compile(r":([a-z0-9_+-]+):")
_MENTION = re.compile(r"<@([A-Z0-9]+)>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")


def blocks_of(message: Shown) -> list[dict[str, Any]]:
    """A message's blocks."""
    return message.blocks if isinstance(message, Posted) else list(message.get("blocks", []))


def button(message: Shown, action_id: str) -> dict[str, Any] | None:
    """The button with this action id in a message's blocks (in an actions block or beside text)."""
    for block in blocks_of(message):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return dict(element)
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == action_id:
            return dict(accessory)
    return None


def text_of(message: Shown) -> str:
    """All the text a person would read in a message's blocks (and the URLs of its links)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            if node.get("type") == "link":
                parts.append(node.get("url", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks_of(message))
    return "\n".join(parts)


def plain(mrkdwn: str, name_of: Callable[[str], str] = lambda user: user) -> str:
    """mrkdwn as a terminal shows it: emoji drawn, bold marks and escapes gone, @names."""
    text = _EMOJI_CODE.sub(lambda m: _EMOJI.get(m[1], m[0]), mrkdwn)
    text = _MENTION.sub(lambda m: "@" + name_of(m[1]), text)
    text = _LINK.sub(lambda m: f"{m[2]} ({m[1]})", text)
    return html.unescape(_BOLD.sub(r"\1", text))


def render(
    blocks: list[dict[str, Any]], name_of: Callable[[str], str] = lambda user: user
) -> list[str]:
    """A message's blocks as terminal lines: text, then its buttons as ``[Label]``."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "section":
            lines.extend(plain(block.get("text", {}).get("text", ""), name_of).splitlines())
            if block.get("accessory"):
                lines.append(_button(block["accessory"]))
        elif kind == "actions":
            lines.append(" ".join(_button(e) for e in block.get("elements", [])))
        elif kind == "context":
            texts = [plain(e.get("text", ""), name_of) for e in block.get("elements", [])]
            lines.extend(f"  {line}" for line in "\n".join(texts).splitlines())
        elif kind == "rich_text":
            lines.extend(_rich_text(block).splitlines())
    return lines


def _button(element: Mapping[str, Any]) -> str:
    label = f"[{element.get('text', {}).get('text', '?')}]"
    url = element.get("url")
    return f"{label} {_short(url)}" if url else label


def _rich_text(block: Mapping[str, Any]) -> str:
    out: list[str] = []
    for section in block.get("elements", []):
        for element in section.get("elements", []):
            if element.get("type") == "link":
                out.append(f"[{element.get('text') or 'link'}] {_short(element.get('url', ''))}")
            else:
                out.append(element.get("text", ""))
    return "".join(out)


def _short(url: str, width: int = 72) -> str:
    """A long signed link, cut for reading (the demo downloads the full one)."""
    return url if len(url) <= width else url[: width - 1] + "…"


_INITIAL = {
    "plain_text_input": ("initial_value", "value"),
    "datepicker": ("initial_date", "selected_date"),
    "timepicker": ("initial_time", "selected_time"),
    "checkboxes": ("initial_options", "selected_options"),
}


def submitted_values(view: Mapping[str, Any], **changes: dict[str, Any]) -> dict[str, Any]:
    """A view's input blocks as Slack reports them on submit (``view.state.values``): what they
    were prefilled with, then what the person changed (by block id)."""
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        initial, selected = _INITIAL.get(kind, ("initial_option", "selected_option"))
        empty: list[Any] | None = [] if kind == "checkboxes" else None  # as Slack sends them
        current = {"type": kind, selected: element.get(initial, empty)}
        current.update(changes.get(block["block_id"], {}))
        values[block["block_id"]] = {element["action_id"]: current}
    return values
