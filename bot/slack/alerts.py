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

from bot.alerts import SafetyEvent
from bot.alerts.auto import AUTO_ACTOR, AutoRules
from bot.alerts.inbox import AlertInbox
from bot.alerts.net import SafetyNet
from bot.alerts.vehicles import VehicleNames
from bot.config import Settings
from bot.media.clip import Interrupted
from bot.plumbing import logs
from bot.plumbing.timefmt import local_text
from bot.recall import CameraPosition, RecallRequest
from bot.slack import blocks
from bot.slack.blocks import Message
from bot.slack.blocks.alert import alert_message, marker
from bot.slack.desk import SlackDesk
from bot.slack.footage import FootageDesk, FootageJob
from bot.store import AlertRow, Origin, PendingRequest, Store

_log = logging.getLogger("recallbot.alerts")

LEASE = timedelta(seconds=60)
"""A claim on an event older than this was cut short: the event is taken up again."""
MEDIA_TRIES = 3


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
        auto = row.auto or self._decide_auto(row, number)
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
            poster.update(channel, ts, message)
            self.store.audit.add(AUTO_ACTOR, "alert_updated", event=event.id, channel=channel)
        self.store.alerts.posted(event.id, attempt, row.digest, channel, ts, number)
        if auto == "due" and number:
            self._auto_request(row, number, channel, ts)

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
        """Decide (once, recorded) whether this event is requested without a click."""
        if not number:
            return None
        decided = self.auto.decide(self.store, row.event, self.settings.alert_window.minutes,
                                   self.desk.zones.default, datetime.now(UTC))  # fmt: skip
        if decided is not None:
            self.store.alerts.set_auto(row.id, decided)
        return decided

    def _auto_request(self, row: AlertRow, number: str, channel: str, ts: str) -> None:
        """Request the footage as recallbot: no person's rights apply, but the channel rule
        does (no links in a public channel when RECALLBOT_LINKS_IN_PUBLIC=false)."""
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
        answer = self.desk.request(draft.id, AUTO_ACTOR, gated=False)
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
        """Motive's ~15 s clip of the event, as stills and clips in its thread."""
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
        )  # fmt: skip
        try:
            outcome = self.footage.share(job)
        except Interrupted:  # stopping: owed again at the next start, no try counted
            return
        except Exception:
            _log.exception("Motive's clip of event %s not shared; trying again later", row.id)
            self.store.alerts.media_done(row.id, attempt, None)
            return
        self.store.alerts.media_done(row.id, attempt, row.media_wanted)
        self.store.audit.add(AUTO_ACTOR, f"alert_media_{outcome.state}", event=row.id,
                             note=outcome.note)  # fmt: skip


@dataclass
class AlertLoop:
    """Posts owed alert messages, then Motive's clips, on one thread."""

    desk: AlertDesk
    every_s: float = 1.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _wake: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Post in the background."""
        self._thread = threading.Thread(target=self._run, name="recallbot-alerts", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look now (a new event arrived)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.sweep()
            except Exception:  # a locked store, a bug: say it, and look again next time
                _log.exception("alert sweep failed; trying again")
                busy = False
            if not busy:
                self._wake.wait(self.every_s)
                self._wake.clear()

    def sweep(self) -> bool:
        """Post every owed message, then one owed clip; whether anything was done."""
        store = self.desk.store
        now = datetime.now(UTC)
        done = False
        for row in store.alerts.owed(now - LEASE):
            if self._stop.is_set():
                return True
            done |= self._attempt(row, self.desk.post)
        for row in store.alerts.owed_media(now - LEASE, MEDIA_TRIES, limit=1):
            done |= self._attempt(row, self.desk.share_media)
        return done

    def _attempt(self, row: AlertRow, work: Callable[[AlertRow, str], None]) -> bool:
        store = self.desk.store
        attempt = secrets.token_hex(6)
        if not store.alerts.claim(row.id, attempt, datetime.now(UTC), datetime.now(UTC) - LEASE):
            return False
        with logs.context(event_id=row.id, channel=self.desk.settings.alerts_channel):
            try:
                work(row, attempt)
            except Exception:  # its claim lapses after LEASE: the back-off before a retry
                _log.exception("alert %s not posted; trying again in %s", row.id, LEASE)
                return True
        store.alerts.release(row.id, attempt)
        return True

    def health(self) -> dict[str, object]:
        """Alive."""
        alive = self._thread is not None and self._thread.is_alive()
        return {"ok": alive, "problem": None if alive else "the alert poster is not running"}

    def close(self) -> None:
        """Stop posting (an attempt under way finishes)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


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
        return {"ok": ok, "poster": loop, "safety_net": net,
                "problem": None if ok else loop["problem"] or net["problem"]}  # fmt: skip

    def close(self) -> None:
        """Stop both."""
        self.net.close()
        self.loop.close()
