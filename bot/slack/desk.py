"""What recallbot does for each Slack interaction, independent of Bolt.

Handlers ack and call one of these; each returns the ``Message`` to show the person (or does
its posting through ``SlackPoster``). The order of the Request path is the point: find a
duplicate (spend nothing), post the status message in the channel (proves the bot may post
there, and makes the thread), then create the recall, then keep the status message current.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.motive import MotiveError
from bot.phrase import Context, ParsedPhrase, PhraseError
from bot.phrase.questions import LookPhrase, PlacePhrase, Reading, WherePhrase, read_phrase
from bot.plumbing.crashpoints import checkpoint
from bot.plumbing.metrics import LINK_REFRESHES
from bot.plumbing.ttl import TtlCache
from bot.policy import Gate, Refusal
from bot.recall import RecallRequest
from bot.runtime import Runtime
from bot.service import Preview
from bot.slack import blocks
from bot.slack.blocks import Message
from bot.slack.errors import classify
from bot.slack.notify import SlackPoster, zone_of
from bot.slack.places import at_place, where_was
from bot.slack.several import preview_several, request_several
from bot.store import DraftUsed, Origin, PendingRequest, RecallState, TrackedRecall

_log = logging.getLogger("recallbot.slack")

# Slack errors that mean "recallbot may not post here": nothing is spent, the person is told.
_CANNOT_POST = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}


def _misplaced(recall: TrackedRecall, channel: str, message_ts: str) -> str | None:
    """Why a Refresh pressed here may not refresh this recall's links (None: it may): links
    stay in the asking channel, and only the recall's own answer message shows them."""
    if recall.origin is None or recall.origin.channel_id != channel:
        return "other_channel"
    if recall.answer_ts != message_ts:
        return "not_its_answer"
    return None


class UserZones:
    """Each person's Slack time zone (``users.info``), cached for an hour."""

    def __init__(self, client: WebClient, default: tzinfo, ttl_s: float = 3600.0) -> None:
        self._client = client
        self._default = default
        self._cache: TtlCache[str, tzinfo] = TtlCache(ttl_s)
        self._defaulted: set[str] = set()  # people Slack gave no zone for

    @property
    def default(self) -> tzinfo:
        """The configured zone for people Slack gives none."""
        return self._default

    def cached(self, user_id: str) -> tzinfo | None:
        """The user's zone if known without asking Slack (so it can be used before an ack)."""
        return self._cache.peek(user_id)

    def zone(self, user_id: str) -> tzinfo:
        """The user's zone, or the configured default when Slack does not say."""
        known = self.cached(user_id)
        if known is not None:
            return known
        if not user_id.startswith(("U", "W")):  # recallbot itself (automatic requests)
            return self._default
        try:
            name = self._client.users_info(user=user_id)["user"].get("tz")
        except SlackApiError as exc:
            _log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
            return self._default
        except (SlackClientError, OSError) as exc:  # Slack unreachable: not the person's fault
            _log.warning("users.info for %s failed: %s", user_id, type(exc).__name__)
            return self._default
        defaulted = zone_of(name, UTC) is UTC  # Slack named no zone recallbot knows
        zone = zone_of(name, self._default)
        self.remember(user_id, zone, defaulted)
        return zone

    def remember(self, user_id: str, zone: tzinfo, defaulted: bool) -> None:
        """Keep a zone Slack gave (here, or in a preview process: ``learned``)."""
        if defaulted:
            self._defaulted.add(user_id)
        else:
            self._defaulted.discard(user_id)
        self._cache.put(user_id, zone)

    def forget(self, user_id: str) -> None:
        """Ask Slack again next time (a preview process, when the app's zone has expired)."""
        self._cache.forget(user_id)

    def learned(self, user_id: str) -> tuple[tzinfo, bool] | None:
        """The user's zone, if known, and whether it is the default for want of Slack's."""
        known = self.cached(user_id)
        return None if known is None else (known, user_id in self._defaulted)

    def whose(self, user_id: str) -> str:
        """Whose zone ``zone`` gave, in words, for the reading the preview reports."""
        if user_id in self._defaulted or not user_id.startswith(("U", "W")):
            return "the team's default zone (RECALLBOT_DEFAULT_TZ: Slack gave none for you)"
        return "your time zone"


@dataclass
class SlackDesk:
    """recallbot's answers to Slack, on top of the core."""

    runtime: Runtime
    poster: SlackPoster
    zones: UserZones
    gate: Gate
    confirm: Literal["always", "never"] = "always"
    wake: Callable[[], None] = lambda: None
    show_status: Callable[[TrackedRecall], None] | None = None
    """Edits a recall's status message (``SlackNotifier.status_changed``: one edit of a recall
    at a time, each with its latest state)."""
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    # -- /recall <phrase> ---------------------------------------------------------------------

    def read(
        self, phrase: str, user: str, now: datetime | None = None, context: Context | None = None
    ) -> Reading:
        """The phrase in the user's time zone (``now``: when it was written; ``context``: the
        message it answers, for what it leaves out): a recall, another question, or why not."""
        zone = self.zones.zone(user)
        return read_phrase(phrase, zone, now or self.clock(), context,
                           self.runtime.settings.max_targets, self.zones.whose(user))  # fmt: skip

    def thread_root(self, channel: str, thread_ts: str) -> Context | None:
        """A thread's first message, as context for a mention in the thread (None when Slack
        will not show it; the mention is then read on its own)."""
        try:
            answer = self.poster.client.conversations_replies(
                channel=channel, ts=thread_ts, limit=1
            )
        except SlackApiError as exc:
            _log.warning("no root for %s/%s: %s", channel, thread_ts, exc.response.get("error"))
            return None
        root = next((m for m in answer.get("messages") or [] if m.get("ts") == thread_ts), None)
        if root is None:
            return None
        written = datetime.fromtimestamp(float(thread_ts), UTC)
        return Context(text=root.get("text") or "", written=written)

    def preview(
        self,
        phrase: str,
        parsed: ParsedPhrase | LookPhrase | WherePhrase | PlacePhrase,
        user: str,
        origin: Origin,
        response_url: str | None = None,
    ) -> Message:
        """The preview with Request/Edit/Cancel (or, with RECALLBOT_CONFIRM=never, the request
        itself); for a where-was its answer, for a place the preview of its vehicles."""
        if isinstance(parsed, WherePhrase):
            return where_was(self, parsed, user, origin.channel_id)
        if isinstance(parsed, PlacePhrase):
            return at_place(self, phrase, parsed, user, origin, response_url)
        if isinstance(parsed, LookPhrase):
            return blocks.notice("A look is asked for with `/recall`, e.g. `/recall look truck "
                                 "42`. Nothing was spent.")  # fmt: skip
        origin = origin.model_copy(update={"moment": parsed.moment})
        if len(parsed.every) > 1:
            return preview_several(self, phrase, parsed, user, origin, response_url)
        checked = self.check(parsed.request, user, origin, phrase, response_url)
        if isinstance(checked, Refusal):
            return blocks.refusal(checked.message)
        found, draft = checked
        if draft is not None and self.confirm == "never":
            return self.request(draft.id, user)
        return blocks.preview(parsed, found, draft.id if draft else None)

    def check(
        self,
        request: RecallRequest,
        user: str,
        origin: Origin,
        phrase: str | None = None,
        response_url: str | None = None,
        keep: bool = True,
    ) -> Refusal | tuple[Preview, PendingRequest | None]:
        """A request looked at before anything is spent: refused by the policy (nothing asked
        of Motive), or checked with Motive and, when it may be requested and ``keep``, kept as
        a draft for its Request button."""
        refused = self.gate.request(user, origin.channel_id, request)
        if refused is not None:
            return refused
        store = self.runtime.store
        checked = self.runtime.service.preview(request)
        if not checked.ready:
            store.audit.add(user, "refused", phrase=phrase, problems=list(checked.problems))
            return checked, None
        if not keep:
            return checked, None
        draft = store.drafts.add(checked.request, user, self.clock(), phrase, origin, response_url)
        return checked, draft

    def record_refusal(self, phrase: str, error: PhraseError, user: str) -> None:
        """Audit a phrase that is not a recall (the person is answered with
        ``blocks.phrase_error``, without waiting for the store)."""
        self.runtime.store.audit.add(user, "refused", phrase=phrase, code=str(error.code))

    # -- Request / Cancel -----------------------------------------------------------------------

    def request(
        self, draft_id: str, user: str, gated: bool = True, retries: bool = False
    ) -> Message:
        """Request a previewed recall: its row (using up the preview in the same transaction,
        so a crash loses neither), the status message in the channel, then Motive's create.
        ``gated`` False: recallbot's own automatic request, which no person's rights limit.
        ``retries``: the caller tries again by itself (nobody is there to press Request
        again), so a status message Slack may take later is raised, the preview kept."""
        store = self.runtime.store
        draft = store.drafts.get(draft_id)
        if draft is None:
            return blocks.notice("This preview is no longer known. Ask again with `/recall`.")
        if draft.requested_by != user:
            store.audit.add(user, "refused", reason="not_owner", draft=draft_id)
            return blocks.notice(f"Only <@{draft.requested_by}> can request this preview.")
        if len(draft.every) > 1:
            return request_several(self, draft, user)
        refused = (self.gate.request(user, draft.channel_id, draft.request)  # it may have changed
                   if gated else None)  # fmt: skip
        if refused is not None:
            return blocks.refusal(refused.message)
        zone = self.zones.zone(user)
        origin = draft.origin_for(user, getattr(zone, "key", None))
        try:
            submission = self.runtime.service.record(draft.request, user, origin, draft_id)
        except DraftUsed:
            return blocks.notice("This preview was already used (requested or cancelled).")
        if not submission.new:
            return self._already(submission.recall)
        return self._post_and_create(submission.recall, user, zone, draft_id, retries)

    def thread_link(self, recall: TrackedRecall, words: str) -> str:
        """``words`` linked to the recall's thread (plain when Slack gives no link)."""
        origin = recall.origin
        where = self.poster.permalink(
            origin.channel_id if origin else None, origin.status_ts if origin else None
        )
        return f"<{where}|{words}>" if where else words

    def _already(self, existing: TrackedRecall) -> Message:
        thread = self.thread_link(existing, "its thread")
        return blocks.notice(
            f"This footage was already requested: recall `{existing.id}` is "
            f"*{existing.state}* — see {thread}. Nothing more was spent."
        )

    def _post_and_create(
        self, recall: TrackedRecall, user: str, zone: tzinfo, draft_id: str, retries: bool
    ) -> Message:
        """The status message (proving recallbot may post there, and making the thread), then
        Motive. A crash half-way leaves the row to the tracker, which settles it."""
        store = self.runtime.store
        channel = recall.origin.channel_id if recall.origin else None
        requesting = blocks.progress_message(recall.request, "requesting", user, zone, recall.id)
        try:
            status_ts = self.poster.post(channel or "", requesting,
                                         thread_ts=recall.origin.thread_ts if recall.origin
                                         else None)  # fmt: skip
        except Exception as exc:
            return self._not_posted(recall, user, draft_id, exc, retries)
        checkpoint("after_status_post")
        recall, ours = store.recalls.set_status_message(recall.id, status_ts)
        if not ours:  # slower than the grace: a tracker took the row over and posted its own
            self.poster.delete(channel or "", status_ts)
            self.wake()
            return self._requested(recall)
        checkpoint("after_status")
        try:
            recall = self.runtime.service.create(recall, user)
        except MotiveError as exc:
            self.wake()  # the refused recall's answer goes to the thread like any other
            return blocks.notice(f":no_entry: Motive refused it: {exc.motive_message or exc}")
        self.wake()
        if recall.state is RecallState.SUBMITTING:
            return blocks.notice(
                f":hourglass: Motive did not answer clearly ({recall.last_error}). recallbot "
                "keeps asking, without spending quota twice, and will answer in "
                f"{self.thread_link(recall, 'the thread')}."
            )
        self.show_progress(recall)
        return self._requested(recall)

    def _requested(self, recall: TrackedRecall) -> Message:
        return blocks.notice(
            f":white_check_mark: Requested: recall `{recall.id}`. Its status and the footage "
            f"will appear in {self.thread_link(recall, 'the thread')}."
        )

    def _not_posted(
        self, recall: TrackedRecall, user: str, draft_id: str, exc: Exception, retries: bool
    ) -> Message:
        """Slack would not take the status message: Motive was not asked, so the row is taken
        back and the preview can be requested again (unless a tracker already took it over);
        ``retries``: a failure that may pass is raised for the caller to try again."""
        store = self.runtime.store
        error = str(exc.response.get("error", "")) if isinstance(exc, SlackApiError) else ""
        channel = recall.origin.channel_id if recall.origin else None
        if not store.recalls.withdraw(recall.id, draft_id):
            _log.exception("status message for %s failed; the tracker has it", recall.id)
            return blocks.notice(
                ":hourglass: Slack had trouble; recallbot keeps trying and will answer in this "
                "channel. `/recall list` shows the recall."
            )
        refusal = classify(exc)
        if retries and (refusal is None or not refusal.permanent):
            raise exc
        store.audit.add(user, "refused", recall.id, reason=error or type(exc).__name__,
                    channel=channel)  # fmt: skip
        if error in _CANNOT_POST:
            return blocks.notice(
                f":no_entry: I can't post in this channel (`{error}`), so I did not ask Motive "
                "for anything. Invite me with `/invite @recallbot` and press Request again."
            )
        _log.error("status message for %s failed: %s", recall.id, error or repr(exc))
        return blocks.notice(
            ":warning: Something went wrong while requesting it: Slack would not take the status "
            "message, so Motive was not asked and nothing was spent. Press Request again."
        )

    def show_progress(self, recall: TrackedRecall) -> None:
        """Best effort: if this edit fails, the tracker's next status update makes it."""
        if self.show_status is None:
            return
        try:
            self.show_status(recall)
        except (SlackApiError, SlackClientError, OSError):
            _log.warning("status message of %s not updated; the tracker will", recall.id)

    def cancel(self, draft_id: str, user: str) -> Message:
        """Drop a preview without spending anything (only its requester may)."""
        store = self.runtime.store
        if store.drafts.use(draft_id, user, self.clock()):
            store.audit.add(user, "cancelled", draft=draft_id)
            return blocks.notice("Cancelled. Nothing was requested.")
        draft = store.drafts.get(draft_id)
        if draft is not None and draft.requested_by != user:
            store.audit.add(user, "refused", reason="not_owner", draft=draft_id)
            return blocks.notice(f"Only <@{draft.requested_by}> can cancel this preview.")
        return blocks.notice("This preview was already used (requested or cancelled).")

    # -- answers in threads ---------------------------------------------------------------------

    def refresh(self, recall_id: str, user: str, channel: str, message_ts: str) -> Message | None:
        """Fetch fresh links from Motive and update the answer where it was pressed (None), or
        say why not (only to the person who pressed)."""
        store = self.runtime.store
        recall = store.recalls.get(recall_id)
        if recall is None or recall.motive_id is None:
            return blocks.notice("recallbot no longer knows this recall.")
        origin = recall.origin
        wrong = _misplaced(recall, channel, message_ts)
        if origin is None or wrong is not None:
            store.audit.add(user, "refused", recall.id, reason=wrong or "other_channel",
                        channel=channel)  # fmt: skip
            return blocks.refusal("This recall's links belong to the thread that asked for it.")
        refused = self.gate.request(user, channel, recall.request, recall.id)
        if refused is not None:
            return blocks.refusal(refused.message)
        details = self.runtime.client.get_recall(recall.motive_id)
        updated = store.recalls.record_refresh(recall.id, details, self.clock())
        store.audit.add(user, "links_refreshed", recall.id, channel=channel)
        LINK_REFRESHES.inc()
        zone = zone_of(origin.zone, self.zones.zone(user))
        self.poster.update(channel, message_ts, blocks.answer(updated, zone))
        return None

    # -- subcommands ----------------------------------------------------------------------------

    def status(self, recall_id: str, user: str, channel: str) -> Message:
        """One recall's state, with a link to its thread."""
        refused = self.gate.use(user, channel)
        if refused is not None:
            return blocks.refusal(refused.message)
        recall = self.runtime.store.recalls.get(recall_id.strip())
        origin = recall.origin if recall else None
        visible = recall is not None and (
            recall.requested_by == user or (origin is not None and origin.channel_id == channel)
        )
        if recall is None or not visible:
            if recall is not None:
                self.runtime.store.audit.add(user, "refused", recall.id, reason="status_elsewhere",
                                         channel=channel)  # fmt: skip
            return blocks.notice(
                f"There is no recall `{recall_id}` you can see here. A recall shows in the "
                "channel it was requested in, or to the person who asked. `/recall list` shows "
                "yours."
            )
        link = self.poster.permalink(origin.channel_id, origin.status_ts) if origin else None
        return blocks.status_message(recall, self.zones.zone(user), link)

    def recent(self, user: str, channel: str) -> Message:
        """The user's latest recalls."""
        refused = self.gate.use(user, channel)
        if refused is not None:
            return blocks.refusal(refused.message)
        return blocks.list_message(self.with_threads(user, 10), self.zones.zone(user))

    def with_threads(self, user: str, count: int) -> list[tuple[TrackedRecall, str | None]]:
        """The user's latest recalls, each with a link to its thread (when Slack gives one)."""
        recalls = self.runtime.store.recalls.recent(count, requested_by=user)
        return [(r, self.poster.permalink(r.origin.channel_id, r.origin.status_ts)
                 if r.origin else None) for r in recalls]  # fmt: skip

    def quota(self) -> Message:
        """The company's recall minutes."""
        return blocks.quota_message(self.runtime.client.quota().quota_info)
