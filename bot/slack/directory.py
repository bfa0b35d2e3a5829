"""What the access policy asks of Slack: who is in a user group, whether a channel is public.

Asked only when a rule needs it (a user group named in the policy; links kept out of public
channels) and cached for a few minutes, so a busy channel costs Slack one lookup, not one per
request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.plumbing.ttl import TtlCache
from bot.policy import DirectoryError

T = TypeVar("T")


class SlackDirectory:
    """``bot.policy.Directory`` over the Web API (usergroups.users.list, conversations.info)."""

    def __init__(
        self, client: WebClient, ttl_s: float = 300.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client = client
        self._groups: TtlCache[str, frozenset[str]] = TtlCache(ttl_s, clock)
        self._public: TtlCache[str, bool] = TtlCache(ttl_s, clock)

    def group_members(self, group_id: str) -> frozenset[str]:
        """The users in a user group."""
        return self._cached(self._groups, group_id, lambda: frozenset(
            self._client.usergroups_users_list(usergroup=group_id)["users"]))  # fmt: skip

    def is_public(self, channel_id: str) -> bool:
        """Whether anyone in the workspace can read the channel."""

        def ask() -> bool:
            channel = self._client.conversations_info(channel=channel_id)["channel"]
            private = channel.get("is_private") or channel.get("is_im") or channel.get("is_mpim")
            return not private

        return self._cached(self._public, channel_id, ask)

    @staticmethod
    def _cached(cache: TtlCache[str, T], key: str, ask: Callable[[], T]) -> T:
        try:
            return cache.get(key, ask)
        except SlackApiError as exc:
            raise DirectoryError(f"Slack said {exc.response.get('error')}") from exc
        except (SlackClientError, OSError) as exc:
            raise DirectoryError("Slack did not answer") from exc
