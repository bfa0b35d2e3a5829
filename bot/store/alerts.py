"""Safety events, each kept once however often Motive delivers it, and the message it became.

An event is recorded with the digest of what its message shows (``SafetyEvent.digest``): the
same id delivered again with the same digest (a retry, a replay, the safety net reading it) is
a duplicate and changes nothing; a new digest (Motive's clip now transcoded, a coaching state,
an ``…_updated``) makes the message owed again, to be edited in place. Posting is claimed with
an attempt id first and recorded with the message's ts after, like a delivery: a crash between
the two is found again by the poster (it looks for its own message before posting anew).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from bot.alerts.events import SafetyEvent, unsigned
from bot.plumbing.timefmt import utcnow
from bot.store.connection import Connection, ts
from bot.store.schema import ALERT_MEDIA_OWED, ALERT_POST_OWED

AlertOutcome = Literal["accepted", "updated", "duplicate"]
AutoDecision = Literal["due", "over_budget"]
"""What became of an event: new, new to its message, or nothing new."""


class AlertRow(BaseModel):
    """One event as the store holds it, with its message and what was done for it."""

    model_config = ConfigDict(frozen=True)

    id: str
    event: SafetyEvent
    digest: str
    received_at: AwareDatetime
    deliveries: int
    posted_digest: str | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    vehicle_number: str | None = None
    attempt: str | None = None  # set on a row found owed: an earlier attempt was cut short
    auto: str | None = None  # 'due', 'requested', 'over_budget', 'refused'
    recall_id: str | None = None  # the recall requested for it automatically
    media_wanted: str | None = None  # Motive's own clip in the latest delivery (its digest)
    media_digest: str | None = None  # Motive's own clip as last put in the thread
    media_tries: int = 0
    media_note: str | None = None  # why Motive's clip will never be in the thread
    post_tries: int = 0  # posts of its message that failed in a row


def media_key(event: SafetyEvent) -> str | None:
    """The identity of Motive's own clip in this delivery (None while it is not transcoded):
    its URLs without their signatures, so the same clip signed afresh is the same clip."""
    if event.media is None or not event.media.videos:
        return None
    videos = {position: unsigned(url) for position, url in event.media.videos.items()}
    return hashlib.sha256(json.dumps(videos, sort_keys=True).encode()).hexdigest()[:16]


def _row(values: dict[str, object]) -> AlertRow:
    event = SafetyEvent.model_validate_json(str(values["event"]))
    return AlertRow.model_validate({k: v for k, v in values.items() if v is not None} |
                                   {"event": event})  # fmt: skip


class Alerts:
    """Named queries over ``alerts``."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, event: SafetyEvent, now: datetime) -> AlertOutcome:
        """Keep this delivery of an event: new, an update to show, or a duplicate.

        Deliveries can arrive out of order (a retried ``…_created`` after its ``…_updated``):
        one older than the version kept changes nothing, and a newer one that leaves out the
        clip keeps the clip. A redelivery that differs only in its links' signatures is kept
        (its links are the freshest) without making anything owed."""
        with self._connection.write() as db:
            found = list(db.query("SELECT event, digest FROM alerts WHERE id = ?", (event.id,)))
            if not found:
                db.table("alerts").insert({
                    "id": event.id, "type": event.type, "event": event.model_dump_json(),
                    "digest": event.digest(), "event_at": ts(event.start_time),
                    "received_at": ts(now), "updated_at": ts(now), "deliveries": 1,
                    "media_wanted": media_key(event), "post_tries": 0,
                })  # fmt: skip
                return "accepted"
            kept = SafetyEvent.model_validate_json(found[0]["event"])
            if event.is_older_than(kept):
                db.execute("UPDATE alerts SET deliveries = deliveries + 1 WHERE id = ?",
                           (event.id,))  # fmt: skip
                return "duplicate"
            newest = event.keeping_media_of(kept)
            digest = newest.digest()
            changed = found[0]["digest"] != digest
            db.execute(
                "UPDATE alerts SET deliveries = deliveries + 1, event = ?, digest = ?, "
                "updated_at = CASE WHEN ? THEN ? ELSE updated_at END, media_wanted = ? "
                "WHERE id = ?",
                (newest.model_dump_json(), digest, changed, ts(now), media_key(newest), event.id),
            )  # fmt: skip
            return "updated" if changed else "duplicate"

    def get(self, alert_id: str) -> AlertRow | None:
        """An event by Motive's id."""
        with self._connection.read() as db:
            rows = list(db.query("SELECT * FROM alerts WHERE id = ?", (alert_id,)))
        return _row(rows[0]) if rows else None

    def owed(
        self, stale_before: datetime, limit: int = 50, now: datetime | None = None
    ) -> list[AlertRow]:
        """Events whose message is not posted, not showing their latest delivery, or whose
        automatic request is due; not backing off after a failed post (at ``now``), and that
        nobody is working on (a claim older than ``stale_before`` was cut short)."""
        return self._owed(f"{ALERT_POST_OWED} AND (post_next_at IS NULL OR post_next_at <= ?)",
                          (ts(now or utcnow()),), stale_before, limit)  # fmt: skip

    def owed_media(
        self, stale_before: datetime, limit: int = 10, now: datetime | None = None
    ) -> list[AlertRow]:
        """Posted events whose thread lacks Motive's latest clip, not backing off after a
        failed attempt, and that nobody is working on."""
        return self._owed(
            f"{ALERT_MEDIA_OWED} AND message_ts IS NOT NULL AND "
            "(media_next_at IS NULL OR media_next_at <= ?)",
            (ts(now or utcnow()),), stale_before, limit,
        )  # fmt: skip

    def _owed(
        self, condition: str, more: tuple[object, ...], stale_before: datetime, limit: int
    ) -> list[AlertRow]:
        with self._connection.read() as db:
            rows = list(db.query(
                f"SELECT * FROM alerts WHERE {condition} AND (claimed_at IS NULL OR "
                "claimed_at <= ?) ORDER BY event_at LIMIT ?",
                (*more, ts(stale_before), limit),
            ))  # fmt: skip
        return [_row(r) for r in rows]

    def decide(
        self, alert_id: str, minutes: int, budget: int, day_start: datetime, now: datetime
    ) -> tuple[AutoDecision, int, bool]:
        """Decide this event's automatic request against the day's budget, in one transaction
        (so two deciders cannot both take the last minutes); the decision, the minutes
        already taken, and whether the decision is new (not the one the event had).

        Every 'due' and 'requested' decision since ``day_start`` counts, not only recalls
        Motive created: events decided while their message could not be posted hold their
        minutes. An event whose message is not out yet is decided again at each attempt
        (against the budget then), its own earlier decision set aside."""
        with self._connection.write() as db:
            before = list(db.query("SELECT auto FROM alerts WHERE id = ?", (alert_id,)))
            spent = int(next(db.query(
                "SELECT COALESCE(SUM(COALESCE(auto_minutes, ?)), 0) AS spent FROM alerts "
                "WHERE auto IS NOT NULL AND auto_at >= ? AND auto IN ('due', 'requested') "
                "AND id != ?", (minutes, ts(day_start), alert_id),
            ))["spent"])  # fmt: skip
            decision: AutoDecision = "due" if spent + minutes <= budget else "over_budget"
            db.execute(
                "UPDATE alerts SET auto = ?, auto_at = ?, auto_minutes = ? WHERE id = ?",
                (decision, ts(now), minutes if decision == "due" else 0, alert_id),
            )
        return decision, spent, not before or before[0]["auto"] != decision

    def post_failed(self, alert_id: str, attempt: str, retry_at: datetime) -> int:
        """A post (or edit) failed: back off until ``retry_at`` and end the claim; how many
        posts of this event have failed in a row. The attempt's id stays: Slack may have made
        the message before failing to say so (a 5xx, a timeout), so the next attempt looks for
        it before posting anew, as after a crash."""
        with self._connection.write() as db:
            db.execute(
                "UPDATE alerts SET post_tries = COALESCE(post_tries, 0) + 1, post_next_at = ?, "
                "claimed_at = NULL WHERE id = ? AND attempt = ?",
                (ts(retry_at), alert_id, attempt),
            )
            rows = list(db.query("SELECT post_tries FROM alerts WHERE id = ?", (alert_id,)))
        return int(rows[0]["post_tries"] or 0) if rows else 0

    def claim(self, alert_id: str, attempt: str, now: datetime, stale_before: datetime) -> bool:
        """Take the right to post (or edit) this event's message."""
        with self._connection.write() as db:
            return bool(db.execute(
                "UPDATE alerts SET attempt = ?, claimed_at = ? WHERE id = ? AND "
                "(claimed_at IS NULL OR claimed_at <= ?)",
                (attempt, ts(now), alert_id, ts(stale_before)),
            ).rowcount)  # fmt: skip

    def posted(
        self, alert_id: str, attempt: str, digest: str, channel: str, message_ts: str,
        vehicle_number: str | None,
    ) -> bool:  # fmt: skip
        """The message shows ``digest`` now (the claim holds until ``release``)."""
        with self._connection.write() as db:
            return bool(db.execute(
                "UPDATE alerts SET posted_digest = ?, channel_id = ?, message_ts = ?, "
                "vehicle_number = COALESCE(?, vehicle_number), post_tries = 0, "
                "post_next_at = NULL WHERE id = ? AND attempt = ?",
                (digest, channel, message_ts, vehicle_number, alert_id, attempt),
            ).rowcount)  # fmt: skip

    def release(self, alert_id: str, attempt: str) -> None:
        """The attempt ended, and nothing of it is left to look for."""
        with self._connection.write() as db:
            db.execute(
                "UPDATE alerts SET attempt = NULL, claimed_at = NULL WHERE id = ? AND attempt = ?",
                (alert_id, attempt),
            )

    def set_auto(self, alert_id: str, outcome: str, recall_id: str | None = None) -> None:
        """What the automatic request did for this event (once: it is never redone)."""
        with self._connection.write() as db:
            db.execute(
                "UPDATE alerts SET auto = ?, recall_id = COALESCE(?, recall_id) WHERE id = ?",
                (outcome, recall_id, alert_id),
            )

    def touch(self, alert_id: str) -> None:
        """Its message is to be shown again (edited: something done for it changed)."""
        with self._connection.write() as db:
            db.execute("UPDATE alerts SET posted_digest = NULL WHERE id = ?", (alert_id,))

    def media_done(self, alert_id: str, attempt: str, shared: str | None,
                   note: str | None = None) -> None:  # fmt: skip
        """Motive's clip ``shared`` (its ``media_key``) is in the thread, or will never be
        (``note`` says why); the claim ends."""
        with self._connection.write() as db:
            db.execute(
                "UPDATE alerts SET media_digest = ?, media_note = ?, media_tries = 0, "
                "media_next_at = NULL, attempt = NULL, claimed_at = NULL "
                "WHERE id = ? AND attempt = ?",
                (shared, note, alert_id, attempt),
            )

    def media_failed(self, alert_id: str, attempt: str, retry_at: datetime) -> None:
        """This attempt at Motive's clip failed: one more try counted, the next not before
        ``retry_at``; the claim ends."""
        with self._connection.write() as db:
            db.execute(
                "UPDATE alerts SET media_tries = media_tries + 1, media_next_at = ?, "
                "attempt = NULL, claimed_at = NULL WHERE id = ? AND attempt = ?",
                (ts(retry_at), alert_id, attempt),
            )

    def prune(self, before: datetime, batch: int = 500) -> int:
        """Forget events last delivered before ``before`` with nothing owed or under way (a
        batch at a time, so the store's lock is never held long); how many were removed."""
        with self._connection.write() as db:
            return db.execute(
                "DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE updated_at < ? "
                f"AND NOT {ALERT_POST_OWED} AND NOT {ALERT_MEDIA_OWED} "
                "AND (claimed_at IS NULL OR claimed_at < ?) LIMIT ?)",
                (ts(before), ts(before), batch),
            ).rowcount

    def latest_received_at(self) -> datetime | None:
        """When the newest delivery arrived (after a restart, the safety net reads Motive's
        list from a little before it)."""
        with self._connection.read() as db:
            rows = list(db.query("SELECT MAX(updated_at) AS latest FROM alerts"))
        latest = rows[0]["latest"] if rows else None
        return datetime.fromisoformat(latest) if latest else None
