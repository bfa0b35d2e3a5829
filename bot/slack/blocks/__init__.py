"""Block Kit builders: pure functions from recallbot's domain to Slack messages.

Built with ``slack_sdk.models`` so every block is validated against Slack's limits when built;
nothing here calls Slack.
"""

from bot.slack.blocks.answer import answer
from bot.slack.blocks.base import Message
from bot.slack.blocks.info import (
    help_message,
    list_message,
    notice,
    quota_message,
    refusal,
    status_message,
)
from bot.slack.blocks.preview import checking, phrase_error, preview
from bot.slack.blocks.progress import progress_message

__all__ = [
    "Message",
    "answer",
    "checking",
    "help_message",
    "list_message",
    "notice",
    "phrase_error",
    "preview",
    "progress_message",
    "quota_message",
    "refusal",
    "status_message",
]
