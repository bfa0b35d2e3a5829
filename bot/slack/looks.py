"""Look now from Slack: ``/recall look truck 42`` and the Look now buttons of alerts and recall
answers, all through ``LookDesk.look``.

The order is the recall's, for the same reasons: the core checks the look and writes its rows
(the access policy, audited, with the channel for the public-channel rule); the status message
goes up (proving recallbot may post there, and making the thread); then Motive is asked, once
per camera, within the submitter's grace. A crash in between leaves the rows to the capture
follower, which sends them once and posts the status message if it is missing. When Slack
will not take the status message, Motive is not asked: the rows are taken back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.fleet import TargetKind
from bot.look.service import LookTarget
from bot.phrase.questions import LookPhrase, read_phrase
from bot.phrase.result import Target
from bot.plumbing.crashpoints import checkpoint
from bot.policy import Refusal
from bot.recall import CameraPosition
from bot.runtime import Runtime
from bot.slack import blocks
from bot.slack.blocks import Message
from bot.slack.blocks.look import look_status, looking
from bot.slack.desk import UserZones
from bot.slack.errors import classify
from bot.slack.look_notify import SlackLookNotifier
from bot.slack.notify import SlackPoster
from bot.store import Origin, TrackedCapture

_log = logging.getLogger("recallbot.slack")


@dataclass(frozen=True)
class LookAsk:
    """A look as a surface asked for it: what, which cameras (none: road-facing), and the
    thread its status message and answer go to (None: a new thread at the channel's top)."""

    target: LookTarget
    channel: str
    positions: tuple[CameraPosition, ...] = ()
    thread_ts: str | None = None
    team_id: str | None = None


def _target(target: Target) -> LookTarget:
    if target.vehicle_number is not None:
        return LookTarget(TargetKind.VEHICLE, target.vehicle_number)
    return LookTarget(TargetKind.ASSET, target.asset_name or "")


@dataclass
class LookDesk:
    """recallbot's looks, asked from Slack."""

    runtime: Runtime
    poster: SlackPoster
    zones: UserZones
    notifier: SlackLookNotifier
    max_targets: int = 5

    def read(self, text: str, now: datetime) -> LookPhrase | None:
        """The phrase when it asks for a look ("look truck 42", "snapshot of 42", "what does
        truck 42 see"), else None (a recall, or another question). A look is always now, so
        the default zone reads it: no Slack call is needed before the ack."""
        read = read_phrase(text, self.zones.default, now, max_targets=self.max_targets)
        return read if isinstance(read, LookPhrase) else None

    def look_phrase(
        self, phrase: LookPhrase, user: str, channel: str, team_id: str | None = None,
        thread_ts: str | None = None,
    ) -> Message:  # fmt: skip
        """``/recall look …`` (each target its own status message and thread) or a mention
        in a thread (``thread_ts``: answered there); what the asker is told of each."""
        told = [self.look(LookAsk(_target(t), channel, phrase.camera_positions, thread_ts,
                                  team_id), user) for t in phrase.targets]  # fmt: skip
        if len(told) == 1:
            return told[0]
        return blocks.notice("\n".join(message.text for message in told))

    def look(self, ask: LookAsk, user: str) -> Message:
        """Check, record, post the status message, ask Motive; what the asker is told."""
        zone = self.zones.zone(user)
        origin = Origin(surface="slack", team_id=ask.team_id, channel_id=ask.channel,
                        thread_ts=ask.thread_ts, user_id=user,
                        zone=getattr(zone, "key", None))  # fmt: skip
        recorded = self.runtime.look.record(ask.target, ask.positions, user, origin)
        if isinstance(recorded, Refusal):
            return blocks.refusal(recorded.message)
        look_id = recorded[0].look_id
        try:
            status_ts = self.poster.post(ask.channel, look_status(recorded, zone), ask.thread_ts)
        except Exception as exc:
            return self._not_posted(look_id, user, ask.channel, exc)
        checkpoint("look_after_status_post")
        captures = self.runtime.store.captures
        captures.set_status_message(look_id, status_ts)
        recorded = captures.of_look(look_id)
        kept = recorded[0].origin.status_ts if recorded[0].origin else None
        if kept != status_ts:  # slower than the grace: a follower took it over and posted
            self.poster.delete(ask.channel, status_ts)
            return looking(recorded, self._thread_link(ask.channel, kept))
        sent = [self.runtime.look.send(capture) for capture in recorded]
        self._show(sent[0])
        return looking(sent, self._thread_link(ask.channel, ask.thread_ts or status_ts))

    def for_recall(self, recall_id: str, user: str, channel: str) -> Message:
        """Look now on a recall's answer: a road-facing still of its vehicle, in its thread."""
        recall = self.runtime.store.recalls.get(recall_id)
        if recall is None or recall.request.vehicle_number is None:
            return blocks.notice("recallbot no longer knows this recall's vehicle.")
        origin = recall.origin
        if origin is None or origin.channel_id != channel:
            self.runtime.store.audit.add(user, "refused", recall.id, reason="other_channel",
                                         channel=channel)  # fmt: skip
            return blocks.refusal("This recall's Look now answers in the thread that asked.")
        target = LookTarget(TargetKind.VEHICLE, recall.request.vehicle_number)
        return self.look(LookAsk(target, channel, thread_ts=origin.thread_ts or origin.status_ts,
                                 team_id=origin.team_id), user)  # fmt: skip

    def _show(self, capture: TrackedCapture) -> None:
        """Best effort: if this edit fails, the follower's next change makes it."""
        try:
            self.notifier.status_changed(capture)
        except Exception as exc:
            _log.warning("status message of look %s not updated (%s); the follower will",
                         capture.look_id, type(exc).__name__)  # fmt: skip

    def _thread_link(self, channel: str, ts: str | None) -> str:
        where = self.poster.permalink(channel, ts)
        return f"<{where}|the thread>" if where else "the thread"

    def _not_posted(self, look_id: str, user: str, channel: str, exc: Exception) -> Message:
        """Slack would not take the status message: Motive was not asked, so the rows are taken
        back (unless a follower already took them over: it answers in the channel)."""
        store = self.runtime.store
        refusal = classify(exc)
        if not store.captures.withdraw(look_id):
            _log.exception("status message of look %s failed; the follower has it", look_id)
            return blocks.notice(":hourglass: Slack had trouble; recallbot keeps trying and will "
                                 "answer in this channel.")  # fmt: skip
        store.audit.add(user, "refused", look=look_id, channel=channel,
                        reason=refusal.code if refusal else type(exc).__name__)  # fmt: skip
        if refusal is not None and refusal.permanent:
            return blocks.notice(
                f":no_entry: I can't post in this channel ({refusal.meaning}: `{refusal.code}`), "
                "so I did not ask Motive for a picture. Invite me with `/invite @recallbot` and "
                "ask again."
            )
        _log.error("status message of look %s failed: %s", look_id,
                   refusal.line if refusal else repr(exc))  # fmt: skip
        return blocks.notice(
            ":warning: Something went wrong: Slack would not take the look's status message, so "
            "Motive was not asked. Ask again."
        )
