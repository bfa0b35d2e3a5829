"""Several vehicles or assets in one request ("trucks 42 and 43 yesterday 3pm").

One preview lists every target with its own checks; the policy and the duplicate check apply
per target (a refused one is refused on its line, a repeat points to its thread, the others go
ahead). One Request records every row in one transaction, posts one status message (one thread
for all of them) and creates each recall on Motive; the tracker keeps that message showing
every recall of the group and answers each in the thread.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError

from bot.motive import MotiveError
from bot.phrase import ParsedPhrase
from bot.plumbing.crashpoints import checkpoint
from bot.recall import RecallRequest
from bot.slack import blocks
from bot.slack.blocks import Message
from bot.slack.blocks.base import escape
from bot.slack.blocks.group import TargetLine, group_preview, group_progress
from bot.slack.notify import zone_of
from bot.store import DraftUsed, Origin, PendingRequest, TrackedRecall

if TYPE_CHECKING:
    from bot.slack.desk import SlackDesk

_log = logging.getLogger("recallbot.slack")


def preview_several(
    desk: SlackDesk, phrase: str, parsed: ParsedPhrase, user: str, origin: Origin,
    response_url: str | None, about: str | None = None, visits: Mapping[str, str] | None = None,
) -> Message:  # fmt: skip
    """Check each target (policy, then Motive) and keep those that may go ahead as one draft.
    Asked by place: ``about`` says which place was resolved, ``visits`` when each vehicle
    (by number) entered and left it."""
    visits = visits or {}
    store = desk.runtime.store
    lines: list[TargetLine] = []
    for request in parsed.every:
        refused = desk.gate.request(user, origin.channel_id, request)
        visit = visits.get(request.target)
        if refused is not None:
            lines.append(TargetLine(request, refused=refused.message, visit=visit))
            continue
        checked = desk.runtime.service.preview(request)
        if not checked.ready:
            store.audit.add(user, "refused", phrase=phrase, problems=list(checked.problems))
        thread = desk.thread_link(checked.duplicate, "its thread") if checked.duplicate else None
        lines.append(TargetLine(checked.request, checked, thread=thread, visit=visit))
    going = [line.request for line in lines if line.goes_ahead]
    draft = (store.drafts.add(going[0], user, desk.clock(), phrase, origin, response_url,
                              more=going[1:]) if going else None)  # fmt: skip
    if draft is not None and desk.confirm == "never":
        return request_several(desk, draft, user)
    return group_preview(parsed, lines, draft.id if draft else None, about)


def request_several(desk: SlackDesk, draft: PendingRequest, user: str) -> Message:
    """Every target of a draft: rows, one status message, then Motive's creates."""
    allowed: list[RecallRequest] = []
    said: list[str] = []
    for request in draft.every:  # the policy may have changed since the preview
        refused = desk.gate.request(user, draft.channel_id, request)
        if refused is None:
            allowed.append(request)
        else:
            said.append(f":no_entry: {escape(request.target)}: {refused.message}")
    if not allowed:
        return blocks.refusal(" ".join(said))
    origin = draft.origin_for(user, getattr(desk.zones.zone(user), "key", None))
    try:
        submissions = desk.runtime.service.record_many(allowed, user, origin, draft.id)
    except DraftUsed:
        return blocks.notice("This preview was already used (requested or cancelled).")
    new = [s.recall for s in submissions if s.new]
    said += [_repeat(desk, s.recall) for s in submissions if not s.new]
    if not new:
        return blocks.notice("Nothing new to request. " + " ".join(said))
    posted = _post_status(desk, new, origin, draft.id)
    if isinstance(posted, Message):
        return posted
    created = _create_each(desk, posted, user)
    desk.wake()
    if created:
        desk.show_progress(created[0])
    thread = desk.thread_link(created[0] if created else new[0], "the thread")
    head = (f":white_check_mark: Requested {len(new)} recalls "
            f"({', '.join(f'`{r.id}`' for r in new)}): one status message, and each answer, in "
            f"{thread}.")  # fmt: skip
    return blocks.notice(" ".join([head, *said]))


def _repeat(desk: SlackDesk, recall: TrackedRecall) -> str:
    where = desk.thread_link(recall, "its thread")
    target = escape(recall.request.target)
    return f":repeat: {target}: already requested (recall `{recall.id}`, {where})"


def _post_status(
    desk: SlackDesk, recalls: list[TrackedRecall], origin: Origin, draft_id: str
) -> list[TrackedRecall] | Message:
    """The one status message; the recalls it now speaks for (a tracker that took a row over
    posted that one's own), or what to tell the person when Slack would not take it."""
    store = desk.runtime.store
    channel = origin.channel_id or ""
    message = group_progress(recalls, zone_of(origin.zone, desk.zones.default))
    try:
        status_ts = desk.poster.post(channel, message, thread_ts=origin.thread_ts)
    except Exception as exc:
        taken_back = [store.recalls.withdraw(r.id, draft_id) for r in recalls]
        if not all(taken_back):
            _log.exception("group status message failed; the tracker has some of its rows")
            return blocks.notice(":hourglass: Slack had trouble; recallbot keeps trying and will "
                                 "answer in this channel.")  # fmt: skip
        error = str(exc.response.get("error", "")) if isinstance(exc, SlackApiError) else ""
        return blocks.notice(
            ":warning: Slack would not take the status message"
            + (f" (`{error}`)" if error else "")
            + ", so Motive was not asked and nothing was spent. Press Request again."
        )
    checkpoint("after_status_post")
    ours = []
    for recall in recalls:
        recorded, mine = store.recalls.set_status_message(recall.id, status_ts)
        if mine:
            ours.append(recorded)
    checkpoint("after_status")
    return ours


def _create_each(desk: SlackDesk, recalls: list[TrackedRecall], user: str) -> list[TrackedRecall]:
    """Motive's create for each (a refusal is recorded and answered in the thread)."""
    created = []
    for recall in recalls:
        try:
            created.append(desk.runtime.service.create(recall, user))
        except MotiveError as exc:
            _log.info("Motive refused recall %s of a group: %s", recall.id, exc)
    return created
