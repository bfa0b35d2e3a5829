"""Posting to Slack: paced messages, and the tracker's notifier for recalls asked in Slack.

The WebClient itself retries 429s (honouring Retry-After) and server errors; ``SlackPoster``
also paces messages to about one per second per channel, as Slack asks, so a burst of answers
(a webhook storm, a restart with a backlog) does not get the bot rate-limited in the first place.
What Slack still refuses reaches the tracker as ``DeliveryRefused`` when ``bot.slack.errors``
knows the code (so the channel archived ends the answer, and the log has one line), and as it is
otherwise.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.plumbing.pacing import RateLimiter
from bot.plumbing.striped import StripedLocks
from bot.slack.blocks import Message, answer, notice, progress_message
from bot.slack.blocks.group import group_progress
from bot.slack.errors import Reach, WorkspaceStanding, classify
from bot.slack.hooks import ResponseUrls
from bot.store import Origin, TrackedRecall
from bot.store.rows import asker
from bot.tracking.notifier import DeliveryRefused, Notifier

_log = logging.getLogger("recallbot.slack")


class SlackPoster:
    """chat.postMessage / update / postEphemeral / getPermalink, paced per channel; answers
    to response_urls, unpaced (each answers one person once) and over kept-alive connections
    (a preview is not worth a new connection, a TLS handshake with Slack, each)."""

    def __init__(
        self,
        client: WebClient,
        rate_per_s: float = 1.0,
        response_urls: str = "https://hooks.slack.com/",
    ) -> None:
        """``response_urls``: the prefix every response_url recallbot answers must have."""
        self.client = client
        self._rate = rate_per_s
        self._response_urls = response_urls
        self._limiters: dict[str, RateLimiter] = {}
        self._lock = threading.Lock()
        self._hooks = ResponseUrls(timeout_s=30)

    def close(self) -> None:
        """Close the response_url connections."""
        self._hooks.close()

    def _pace(self, channel: str) -> None:
        with self._lock:
            limiter = self._limiters.setdefault(channel, RateLimiter(self._rate, burst=2))
        limiter.acquire()

    def post(self, channel: str, message: Message, thread_ts: str | None = None) -> str:
        """Post a message (in a thread when ``thread_ts`` is given); returns its ts."""
        self._pace(channel)
        response = self.client.chat_postMessage(
            channel=channel, text=message.text, blocks=message.blocks, thread_ts=thread_ts,
            unfurl_links=False, unfurl_media=False,
        )  # fmt: skip
        return str(response["ts"])

    def find_own(
        self, channel: str, marker: str, oldest: float, thread_ts: str | None = None
    ) -> str | None:
        """The ts of a message recallbot posted since ``oldest`` (in ``thread_ts``, or at the
        top of the channel) whose text or blocks contain ``marker``; None if there is none."""
        if thread_ts:
            found = self.client.conversations_replies(
                channel=channel, ts=thread_ts, oldest=f"{oldest:.6f}", limit=200
            )
        else:
            found = self.client.conversations_history(
                channel=channel, oldest=f"{oldest:.6f}", limit=200
            )
        for message in found.get("messages") or []:
            said = str(message.get("text") or "") + json.dumps(message.get("blocks") or [])
            if message.get("bot_id") and marker in said:
                return str(message["ts"])
        return None

    def update(self, channel: str, ts: str, message: Message) -> None:
        """Replace a message the bot posted."""
        self._pace(channel)
        self.client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)

    def delete(self, channel: str, ts: str) -> bool:
        """Remove a message the bot posted (best effort: False, and logged, when Slack would
        not)."""
        try:
            self.client.chat_delete(channel=channel, ts=ts)
        except (SlackApiError, SlackClientError, OSError) as exc:
            _log.warning("could not delete message %s in %s: %s", ts, channel, type(exc).__name__)
            return False
        return True

    def ephemeral(
        self, channel: str, user: str, message: Message, thread_ts: str | None = None
    ) -> None:
        """A message only ``user`` sees."""
        self.client.chat_postEphemeral(
            channel=channel, user=user, text=message.text, blocks=message.blocks,
            thread_ts=thread_ts,
        )  # fmt: skip

    def respond(self, response_url: str, message: Message, replace_original: bool) -> None:
        """Answer through a response_url, ephemerally (replacing the message it came from).

        Only Slack's: recallbot never POSTs to a URL that merely arrived in a payload. A
        refusal is logged (Slack says why in its body: expired, used too often)."""
        if not response_url.startswith(self._response_urls):
            _log.warning("not answering a response_url outside %s", self._response_urls)
            return
        answer = self._hooks.post(
            response_url, message.ephemeral(replace_original=replace_original)
        )
        if answer.is_error:
            _log.warning("a response_url refused the answer: %s %s", answer.status,
                         answer.body[:200].decode(errors="replace"))  # fmt: skip

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> tuple[str, str]:
        """Open a modal; its id and hash (for updating it later)."""
        opened = self.client.views_open(trigger_id=trigger_id, view=view)["view"]
        return str(opened["id"]), str(opened.get("hash", ""))

    def update_view(self, view_id: str, view: dict[str, Any], hash: str | None = None) -> bool:
        """Replace a modal's content; False when the person has moved on (a newer version, or
        the modal closed)."""
        try:
            self.client.views_update(view_id=view_id, view=view, hash=hash)
        except SlackApiError as exc:
            if exc.response.get("error") in ("hash_conflict", "not_found", "view_not_found"):
                return False
            raise
        return True

    def permalink(self, channel: str | None, ts: str | None) -> str | None:
        """A link to a message, or None when Slack cannot give one."""
        if not channel or not ts:
            return None
        try:
            return str(self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
        except Exception:  # a missing link is not worth failing an answer for
            _log.warning("no permalink for %s/%s", channel, ts)
            return None


def zone_of(name: str | None, default: tzinfo) -> tzinfo:
    """A stored zone name as a tzinfo (the default when missing or unknown)."""
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default


def asked_in(origin: Origin | None) -> str:
    """The channel something was asked in, as Slack links it ("its channel" when unknown)."""
    return f"<#{origin.channel_id}>" if origin and origin.channel_id else "its channel"


@contextmanager
def refusals(standing: WorkspaceStanding) -> Iterator[None]:
    """Slack's known refusals raised as ``DeliveryRefused`` (one line, permanent or not);
    anything else raised as it is (its traceback is wanted). ``standing`` learns of every
    workspace-wide refusal (said once, in the log and in readiness) and of every success."""
    try:
        yield
    except (SlackApiError, SlackClientError, OSError) as exc:
        refusal = classify(exc)
        if refusal is None or not refusal.known:
            raise
        if standing.refused(refusal):
            _log.error("%s: every answer waits until an admin fixes it", refusal.line)
        raise DeliveryRefused(refusal.line, permanent=refusal.permanent,
                              needs_admin=refusal.reach is Reach.WORKSPACE) from None  # fmt: skip
    standing.accepted()


class SlackNotifier:
    """Keeps a Slack recall's status message current and answers in its thread."""

    def __init__(
        self,
        poster: SlackPoster,
        default_zone: tzinfo,
        on_change: Callable[[TrackedRecall], None] = lambda recall: None,
        latest: Callable[[str], TrackedRecall | None] = lambda recall_id: None,
        group: Callable[[str, str], list[TrackedRecall]] = lambda channel, ts: [],
    ) -> None:
        """``on_change``: told of every change after the thread is (e.g. the Home tab);
        ``latest``: the recall as the store holds it now (``store.recalls.get``); ``group``:
        every recall one status message speaks for (``store.recalls.sharing_status``)."""
        self._group = group
        self._poster = poster
        self._default_zone = default_zone
        self.on_change = on_change
        self._latest = latest
        self._locks = StripedLocks()
        self.standing = WorkspaceStanding()  # whether Slack refuses the app's setup, for readiness

    def status_changed(self, recall: TrackedRecall) -> None:
        """Edit the status message in place, to the recall's state as the store holds it now.

        Edits of one recall's message are taken one at a time and each shows the latest state,
        so a slow edit (Slack retrying, pacing) can never land after a newer one and put
        "pending" back over "success"."""
        origin = recall.origin
        if origin is None or not origin.status_ts:  # recorded since: read it (it never changes)
            origin = (self._latest(recall.id) or recall).origin
        if origin is None or not origin.channel_id or not origin.status_ts:
            return
        with self._locks.of(origin.status_ts):  # one message, one edit
            together = self._group(origin.channel_id, origin.status_ts)  # as the store has them
            latest = next((r for r in together if r.id == recall.id), None)
            latest = latest or self._latest(recall.id) or recall
            if len(together) > 1:
                shown = group_progress(together, zone_of(origin.zone, self._default_zone))
            else:
                shown = self._progress(latest)
            with refusals(self.standing):
                self._poster.update(origin.channel_id, origin.status_ts, shown)
        self.on_change(latest)

    def announce(self, recall: TrackedRecall) -> str | None:
        """The status message its submitter did not record: the one it posted just before it
        stopped, found by the recall id it shows, or else a new one (the thread's root)."""
        origin = recall.origin
        if origin is None or not origin.channel_id:
            return None
        oldest = recall.created_at.timestamp() - 1
        marker = f"Recall `{recall.id}`"
        posted = self._poster.find_own(origin.channel_id, marker, oldest, origin.thread_ts)
        if posted is not None:
            return posted
        return self._poster.post(origin.channel_id, self._progress(recall), origin.thread_ts)

    def withdraw(self, recall: TrackedRecall, message: str) -> None:
        """Delete a second status message (best effort: it would only say "requesting")."""
        origin = recall.origin
        if origin is not None and origin.channel_id:
            self._poster.delete(origin.channel_id, message)

    def deliver(self, recall: TrackedRecall, attempt: str) -> str | None:
        """The answer in the thread (the tracker then edits the status message to the final
        state). A failure to post raises (``DeliveryRefused`` when Slack said why), so the
        tracker tries again or, when the thread cannot be reached for good, gives up."""
        origin = recall.origin
        if origin is None or not origin.channel_id:
            raise DeliveryRefused(f"recall {recall.id} has no Slack channel to answer in",
                                  permanent=True)  # fmt: skip
        zone = zone_of(origin.zone, self._default_zone)
        thread = origin.thread_ts or origin.status_ts
        with refusals(self.standing):
            answer_ts = self._poster.post(
                origin.channel_id, answer(recall, zone), thread_ts=thread
            )
        self.on_change(recall)
        return answer_ts

    def undeliverable(self, recall: TrackedRecall, reason: str) -> None:
        """A direct message to the requester (``chat.postMessage`` to a user id opens it):
        what happened and how to go on, never the links, which go only to the thread that
        asked."""
        origin = recall.origin
        user, where = asker(origin, recall.requested_by), asked_in(origin)
        text = (
            f":warning: I couldn't post the answer to your recall `{recall.id}` "
            f"({recall.request.target}) in {where}, and have stopped trying: {reason}. "
            f"It ended {recall.state}; `/recall status {recall.id}` (or an operator's "
            f"`recallbot status {recall.id}`) shows it. To ask again, use `/recall` in a "
            "channel I'm a member of."
        )
        with refusals(self.standing):
            self._poster.post(user, notice(text))

    def _progress(self, recall: TrackedRecall) -> Message:
        origin = recall.origin
        zone = zone_of(origin.zone if origin else None, self._default_zone)
        return progress_message(
            recall.request, recall.state, recall.requested_by, zone, recall.id, recall.motive_id
        )


class SurfaceNotifier:
    """Sends each recall's news to the surface it was asked on (Slack, or anything else)."""

    def __init__(self, slack: Notifier, other: Notifier) -> None:
        self._slack = slack
        self._other = other

    def _for(self, recall: TrackedRecall) -> Notifier:
        if recall.origin is not None and recall.origin.surface == "slack":
            return self._slack
        return self._other

    def announce(self, recall: TrackedRecall) -> str | None:
        """Route a missing status message."""
        return self._for(recall).announce(recall)

    def withdraw(self, recall: TrackedRecall, message: str) -> None:
        """Route the removal of a second status message."""
        self._for(recall).withdraw(recall, message)

    def status_changed(self, recall: TrackedRecall) -> None:
        """Route a status change."""
        self._for(recall).status_changed(recall)

    def deliver(self, recall: TrackedRecall, attempt: str) -> str | None:
        """Route a final answer."""
        return self._for(recall).deliver(recall, attempt)

    def undeliverable(self, recall: TrackedRecall, reason: str) -> None:
        """Route the word that an answer was given up."""
        self._for(recall).undeliverable(recall, reason)
