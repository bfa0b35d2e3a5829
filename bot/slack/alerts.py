"""Safety events as incident threads in ``RECALLBOT_ALERTS_CHANNEL``.

``AlertLoop`` posts what the store says is owed (``store.alerts``), one event at a time on its
own thread and at Slack's posting pace: a new event gets its message, an updated one has its
message edited (never a second one); then, once every message is out, Motive's own clip of an
event goes into its thread through the footage path (``FootageDesk.share``). Posting is claimed
first; an attempt cut short leaves its claim to lapse (``LEASE``), and the next one looks for
the message the first may have posted before posting anew.

``AlertDesk`` also answers the buttons: a click builds the recall centred on the event
(``RECALLBOT_ALERT_WINDOW``) and sends it through the same checks and the same Request path as
``/recall`` (``SlackDesk.check`` then ``SlackDesk.request``), so the status message and the
answer land in the alert's thread. Event types in ``RECALLBOT_AUTO_RECALL`` are requested at
once, as recallbot, within ``RECALLBOT_AUTO_BUDGET`` minutes a day.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from slack_sdk.errors import SlackApiError

from bot.alerts import SafetyEvent
from bot.alerts.auto import AUTO_ACTOR, AutoRules
from bot.alerts.inbox import AlertInbox
from bot.alerts.net import SafetyNet
from bot.alerts.vehicles import VehicleNames
from bot.config import Settings
from bot.fleet import TargetKind
from bot.look.service import LookTarget
from bot.media.clip import Interrupted
from bot.plumbing import logs
from bot.plumbing.sweeper import Sweeper
from bot.plumbing.timefmt import local_text
from bot.recall import CameraPosition, RecallRequest
from bot.slack import blocks
from bot.slack.blocks import Message
from bot.slack.blocks.alert import alert_message, marker
from bot.slack.desk import SlackDesk
from bot.slack.errors import classify
from bot.slack.footage import TRIES, FootageDesk, FootageJob
from bot.slack.looks import LookAsk
from bot.store import AlertRow, Origin, PendingRequest, Store

_log = logging.getLogger("recallbot.alerts")

LEASE = timedelta(seconds=60)
"""A claim on an event's message older than this was cut short: the event is taken up again
(Motive's clip is claimed for ``RECALLBOT_MEDIA_LEASE``, as recall footage is)."""
POST_RETRY_CAP_S = 300.0
"""The longest wait between two posts of an alert that keep failing."""


@dataclass
class AlertDesk:
    """Posts and edits alert messages, and turns their buttons into recalls."""

    settings: Settings
    desk: SlackDesk
    names: VehicleNames
    footage: FootageDesk
    auto: AutoRules

    @property
    def store(self) -> Store:
        """The runtime's store."""
        return self.desk.runtime.store

    # -- the message ------------------------------------------------------------------------

    def post(self, row: AlertRow, attempt: str) -> None:
        """Post or edit one event's message (deciding its automatic request first, so the
        message says what was done), then make that request."""
        event, channel = row.event, self.settings.alerts_channel or ""
        number = row.vehicle_number or self.names.number(event)
        auto = row.auto if row.message_ts is not None else self._decide_auto(row, number)
        message = self._message(event, number, auto, row.recall_id)
        poster = self.desk.poster
        ts = row.message_ts
        if ts is None and row.attempt is not None:  # cut short: it may have posted already
            oldest = row.received_at.timestamp() - 60
            ts = poster.find_own(channel, marker(event.id), oldest)
        if ts is None:
            ts = poster.post(channel, message)
            self.store.audit.add(AUTO_ACTOR, "alert_posted", event=event.id, type=event.type,
                                 vehicle=number, channel=channel)  # fmt: skip
        elif row.posted_digest != row.digest or row.message_ts is None:
            self._edit(channel, ts, message, event.id)
        self.store.alerts.posted(event.id, attempt, row.digest, channel, ts, number)
        if auto == "due" and number:
            self._auto_request(row, number, channel, ts)

    def _edit(self, channel: str, ts: str, message: Message, event_id: str) -> None:
        """Edit the alert; one Slack will never let be edited (deleted, its channel archived)
        is left as it is, said once in the log, rather than tried for ever."""
        try:
            self.desk.poster.update(channel, ts, message)
        except SlackApiError as exc:
            refusal = classify(exc)
            if refusal is None or not refusal.permanent:
                raise
            _log.warning("alert %s left as it is: %s", event_id, refusal.line)
            return
        self.store.audit.add(AUTO_ACTOR, "alert_updated", event=event_id, channel=channel)

    def _message(
        self, event: SafetyEvent, number: str | None, auto: str | None, recall_id: str | None
    ) -> Message:
        s = self.settings
        status = {
            "due": ":robot_face: Requesting the footage automatically (RECALLBOT_AUTO_RECALL)…",
            "requested": f":robot_face: Footage requested automatically: recall `{recall_id}`, "
            "in this thread.",
            "over_budget": f":warning: Not requested automatically: today's budget of "
            f"{s.auto_budget_minutes} min (RECALLBOT_AUTO_BUDGET) is spent. Press a button to "
            "request it.",
            "refused": ":warning: Not requested automatically (see the thread). Press a button "
            "to try again.",
        }.get(auto or "")
        zone = self.desk.zones.default
        return alert_message(event, number, zone, s.alert_window, s.alert_show_driver, status)

    def _decide_auto(self, row: AlertRow, number: str | None) -> str | None:
        """Decide, as the message goes out, whether this event is requested without a click
        (recorded with the event; decided again if this message does not go out)."""
        if not number or not self.auto.wanted(row.event):
            return None
        return self.auto.decide(self.store, row.event, self.settings.alert_window.minutes,
                                self.desk.zones.default, datetime.now(UTC))  # fmt: skip

    def _auto_request(self, row: AlertRow, number: str, channel: str, ts: str) -> None:
        """Request the footage as recallbot: no person's rights apply, but the channel rule
        does (no links in a public channel when RECALLBOT_LINKS_IN_PUBLIC=false). A status
        message Slack may take later (a 5xx, the network) is raised, the request left due:
        the loop tries again with its back-off, as nobody will press Request again."""
        request = self.settings.alert_window.request(row.event, number, self.auto.cameras())
        origin = self._origin(row.event, AUTO_ACTOR, channel, ts)
        public = not self.settings.links_in_public and self.footage.directory.is_public(channel)
        checked = self.desk.runtime.service.preview(request)
        if public or not checked.ready:
            said = " ".join(checked.problems)
            if public:
                said = "links may not be posted in a public channel (RECALLBOT_LINKS_IN_PUBLIC)."
            self.desk.poster.post(channel, blocks.notice(
                f":warning: I did not request the footage automatically: {said}"), ts)  # fmt: skip
            self.store.audit.add(
                AUTO_ACTOR, "refused", event=row.id, problems=list(checked.problems)
            )
            self._auto_done(row, "refused", None)
            return
        draft = self.store.drafts.add(checked.request, AUTO_ACTOR, datetime.now(UTC),
                                      f"(automatic, event {row.id})", origin)  # fmt: skip
        answer = self.desk.request(draft.id, AUTO_ACTOR, gated=False, retries=True)
        used = self.store.drafts.get(draft.id)
        made = used.recall_id if used is not None else None
        _log.info("automatic request for event %s: %s", row.id, answer.text)
        self.store.audit.add(AUTO_ACTOR, "auto_requested" if made else "refused", made,
                             event=row.id, answer=answer.text)  # fmt: skip
        self._auto_done(row, "requested" if made else "refused", made)

    def _auto_done(self, row: AlertRow, outcome: str, recall_id: str | None) -> None:
        self.store.alerts.set_auto(row.id, outcome, recall_id)
        self.store.alerts.touch(row.id)  # its message shows the outcome: edit it

    def _origin(self, event: SafetyEvent, user: str, channel: str, ts: str) -> Origin:
        return Origin(surface="slack", channel_id=channel, thread_ts=ts, user_id=user,
                      zone=getattr(self.desk.zones.default, "key", None),
                      moment=event.start_time)  # fmt: skip

    # -- the buttons ------------------------------------------------------------------------

    def click(self, event_id: str, user: str, every_camera: bool) -> Message:
        """A button: the recall around the event, checked and requested as ``/recall`` would,
        answered in the alert's thread."""
        cameras = None if every_camera else (CameraPosition.FRONT_FACING,)
        found = self._requestable(self.store.alerts.get(event_id), user, cameras)
        if isinstance(found, Message):
            return found
        request, origin = found
        checked = self.desk.check(request, user, origin, f"(alert {event_id})")
        if not isinstance(checked, tuple):
            return blocks.refusal(checked.message)
        preview, draft = checked
        if draft is None:
            return blocks.notice(":no_entry: Not requested: " + " ".join(preview.problems))
        return self.desk.request(draft.id, user)

    def look_ask(self, event_id: str) -> LookAsk | Message:
        """Look now: a road-facing still of the alert's vehicle, answered in its thread."""
        row = self.store.alerts.get(event_id)
        if row is None or row.message_ts is None or row.channel_id is None:
            return blocks.notice("This alert is no longer known to recallbot.")
        if not row.vehicle_number:
            return blocks.notice("The alert's vehicle is not in the fleet: nothing to look at.")
        return LookAsk(LookTarget(TargetKind.VEHICLE, row.vehicle_number), row.channel_id,
                       thread_ts=row.message_ts)  # fmt: skip

    def edit_draft(self, event_id: str, user: str) -> PendingRequest | Message:
        """A draft of the event's recall (every camera), for the modal to open prefilled."""
        found = self._requestable(self.store.alerts.get(event_id), user, None)
        if isinstance(found, Message):
            return found
        request, origin = found
        return self.store.drafts.add(request, user, datetime.now(UTC),
                                     f"(alert {event_id}, edited)", origin)  # fmt: skip

    def _requestable(
        self, row: AlertRow | None, user: str, cameras: tuple[CameraPosition, ...] | None
    ) -> tuple[RecallRequest, Origin] | Message:
        """The recall around the alert's event, asked for in its thread (or why there is none)."""
        if row is None or row.message_ts is None or row.channel_id is None:
            return blocks.notice("This alert is no longer known to recallbot.")
        if not row.vehicle_number:
            return blocks.notice("The alert's vehicle is not in the fleet: no footage to request.")
        request = self.settings.alert_window.request(row.event, row.vehicle_number, cameras)
        return request, self._origin(row.event, user, row.channel_id, row.message_ts)

    # -- Motive's own clip ------------------------------------------------------------------

    def share_media(self, row: AlertRow, attempt: str) -> None:
        """Motive's ~15 s clip of the event, as stills and clips in its thread; a failure is
        tried again later, as recall footage is, and the last one is said in the thread."""
        event, media = row.event, row.event.media
        if media is None or not media.videos or row.message_ts is None:
            self.store.alerts.media_done(row.id, attempt, row.media_wanted)
            return
        start = media.start_time or event.start_time - timedelta(seconds=7)
        end = start + timedelta(seconds=media.duration_s or 15)
        zone = self.desk.zones.default
        job = FootageJob(
            key=f"event-{event.id}", channel=row.channel_id or "", thread_ts=row.message_ts,
            target=f"vehicle {row.vehicle_number}" if row.vehicle_number else "the vehicle",
            start=start, end=end, moment=min(max(event.start_time, start), end), zone=zone,
            cameras=sorted(media.videos.items()),
            heading=f"Motive's own clip of this {event.words.lower()} "
            f"({local_text(start.astimezone(zone))}, {int((end - start).total_seconds())} s).",
            elsewhere=self._in_dashboard(event),
        )  # fmt: skip
        try:
            outcome = self.footage.share(job)
        except Interrupted:  # stopping: owed again at the next start, no try counted
            self.store.alerts.release(row.id, attempt)
            return
        except Exception as exc:
            self._media_failed(row, attempt, exc)
            return
        with self.store.together():
            self.store.alerts.media_done(row.id, attempt, row.media_wanted)
            self.store.audit.add(AUTO_ACTOR, f"alert_media_{outcome.state}", event=row.id,
                                 note=outcome.note)  # fmt: skip

    def _in_dashboard(self, event: SafetyEvent) -> str:
        url = self.settings.motive_event_url.replace("{id}", event.id)
        return f"<{url}|the event in Motive's dashboard>"

    def _media_failed(self, row: AlertRow, attempt: str, exc: Exception) -> None:
        """Back off as recall footage does (``FootageDesk.retry_after_s``, doubling); after
        ``TRIES``, or at once when Slack refuses the channel for good, say so in the thread
        with a link to the event in Motive's dashboard, and stop."""
        refusal = classify(exc)
        why = refusal.line if refusal is not None else f"{type(exc).__name__}: {exc}"
        tries = row.media_tries + 1
        if refusal is not None and refusal.known:
            _log.warning("Motive's clip of event %s not shared (try %d): %s", row.id, tries, why)
        else:
            _log.error("Motive's clip of event %s not shared (try %d)", row.id, tries,
                       exc_info=exc)  # fmt: skip
        permanent = refusal is not None and refusal.permanent
        if tries < TRIES and not permanent:
            wait = self.footage.retry_after_s * 2 ** (tries - 1)
            later = datetime.now(UTC) + timedelta(seconds=wait)
            self.store.alerts.media_failed(row.id, attempt, later)
            return
        if not permanent:  # said first: once recorded, nobody would say it
            try:
                self.desk.poster.post(row.channel_id or "", blocks.notice(
                    ":warning: I couldn't add Motive's own clip of this event to the thread "
                    f"(Slack or the clip's host kept failing). See {self._in_dashboard(row.event)}."
                ), row.message_ts)  # fmt: skip
            except Exception as said:
                _log.warning("could not say in the thread that the clip failed: %s",
                             classify(said) or type(said).__name__)  # fmt: skip
        with self.store.together():
            self.store.alerts.media_done(row.id, attempt, row.media_wanted, note=why)
            self.store.audit.add(AUTO_ACTOR, "alert_media_failed", event=row.id, note=why)


@dataclass
class AlertLoop:
    """Posts owed alert messages on one thread, and shares Motive's clips on another: a clip
    host that trickles (bounded by ``RECALLBOT_DOWNLOAD_DEADLINE``) never holds up a message."""

    desk: AlertDesk
    every_s: float = 1.0
    retry_s: float = 5.0  # the wait after a failed post, doubling to POST_RETRY_CAP_S: the bot
    # not yet invited, or Slack down, never makes a retry storm
    _stop: threading.Event = field(default_factory=threading.Event)
    _posts: Sweeper = field(init=False)
    _clips: Sweeper = field(init=False)

    def __post_init__(self) -> None:
        self._posts = Sweeper("alerts", self.sweep, self.every_s, self._stop)
        self._clips = Sweeper("alert-clips", self.sweep_media, self.every_s, self._stop)

    def start(self) -> None:
        """Post and share in the background."""
        self._posts.start()
        self._clips.start()

    def wake(self) -> None:
        """Look now (a new event arrived)."""
        self._posts.wake()

    def sweep(self) -> bool:
        """Post (or edit) every owed message; whether anything was done."""
        store = self.desk.store
        now = datetime.now(UTC)
        done = False
        for row in store.alerts.owed(now - LEASE, now=now):
            if self._stop.is_set():
                return True
            done |= self._attempt(row, self.desk.post)
        if done:
            self._clips.wake()
        return done

    def sweep_media(self) -> bool:
        """Share one owed clip of Motive's; whether anything was done."""
        now = datetime.now(UTC)
        lease = timedelta(seconds=self.desk.settings.media_lease_s)
        for row in self.desk.store.alerts.owed_media(now - lease, limit=1, now=now):
            return self._attempt(row, self.desk.share_media, lease, released_by_work=True)
        return False

    def _attempt(
        self, row: AlertRow, work: Callable[[AlertRow, str], None],
        lease: timedelta = LEASE, released_by_work: bool = False,
    ) -> bool:  # fmt: skip
        """Claim ``row``, do ``work``; a failed post backs off (doubling, capped), and a
        refusal Slack explains is logged as one line."""
        store = self.desk.store
        attempt = secrets.token_hex(6)
        now = datetime.now(UTC)
        if not store.alerts.claim(row.id, attempt, now, now - lease):
            return False
        with logs.context(event_id=row.id, channel=self.desk.settings.alerts_channel):
            try:
                work(row, attempt)
            except Exception as exc:
                self._post_failed(row, attempt, exc)
                return True
        if not released_by_work:
            store.alerts.release(row.id, attempt)
        return True

    def _post_failed(self, row: AlertRow, attempt: str, exc: Exception) -> None:
        wait = min(POST_RETRY_CAP_S, self.retry_s * 2 ** min(row.post_tries, 16))
        tries = self.desk.store.alerts.post_failed(
            row.id, attempt, datetime.now(UTC) + timedelta(seconds=wait)
        )
        refusal = classify(exc)
        if refusal is not None and refusal.known:
            _log.warning("alert %s not posted (try %d): %s; trying again in %.0f s",
                         row.id, tries, refusal.line, wait)  # fmt: skip
        else:
            _log.error("alert %s not posted (try %d); trying again in %.0f s", row.id, tries,
                       wait, exc_info=exc)  # fmt: skip

    def health(self) -> dict[str, object]:
        """Both threads alive, and which pass is stuck (for readiness)."""
        alive = self._posts.alive and self._clips.alive
        after = self.desk.settings.stall_after_s
        stalled = self._posts.stalled(after) or self._clips.stalled(after)
        return {"ok": alive, "stalled": stalled,
                "problem": None if alive else "the alert poster is not running"}  # fmt: skip

    def close(self) -> None:
        """Stop posting (an attempt under way finishes)."""
        self._posts.close()
        self._clips.close()


@dataclass
class Alerting:
    """Everything that turns safety events into threads, started and stopped together."""

    desk: AlertDesk
    loop: AlertLoop
    inbox: AlertInbox
    net: SafetyNet

    @classmethod
    def build(cls, settings: Settings, desk: SlackDesk, footage: FootageDesk) -> Alerting:
        """The alert desk, its poster, the inbox the webhook feeds, and the safety net."""
        runtime = desk.runtime
        names = VehicleNames(runtime.service.fleet, settings.fleet_cache_ttl_s)
        auto = AutoRules(settings.auto_recall, settings.auto_budget_minutes, settings.policy())
        alerts = AlertDesk(settings, desk, names, footage, auto)
        loop = AlertLoop(alerts)
        shapes = runtime.client.config.shapes.events
        inbox = AlertInbox(runtime.store, shapes, settings.alert_types, on_new=loop.wake)
        return cls(
            alerts, loop, inbox, SafetyNet(runtime.client, inbox, settings.alert_net_every_s)
        )

    def start(self) -> None:
        """Post what is owed, and read Motive's list now and every few minutes."""
        self.loop.start()
        self.net.start()

    def health(self) -> dict[str, object]:
        """Both loops alive."""
        loop, net = self.loop.health(), self.net.health()
        ok = bool(loop["ok"]) and bool(net["ok"])
        return {"ok": ok, "poster": loop, "safety_net": net, "stalled": loop["stalled"],
                "problem": None if ok else loop["problem"] or net["problem"]}  # fmt: skip

    def close(self) -> None:
        """Stop both."""
        self.net.close()
        self.loop.close()
