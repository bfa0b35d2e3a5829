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

from bot.alerts.events import SafetyEvent
from bot.store.connection import Connection, ts

AlertOutcome = Literal["accepted", "updated", "duplicate"]
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


def media_key(event: SafetyEvent) -> str | None:
    """The digest of Motive's own clip in this delivery (None while it is not transcoded)."""
    if event.media is None or not event.media.videos:
        return None
    return hashlib.sha256(json.dumps(event.media.videos, sort_keys=True).encode()).hexdigest()[:16]


def _row(values: dict[str, object]) -> AlertRow:
    event = SafetyEvent.model_validate_json(str(values["event"]))
    return AlertRow.model_validate({k: v for k, v in values.items() if v is not None} |
                                   {"event": event})  # fmt: skip


class Alerts:
    """Named queries over ``alerts``."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, event: SafetyEvent, now: datetime) -> AlertOutcome:
        """Keep this delivery of an event: new, an update to show, or a duplicate."""
        digest = event.digest()
        with self._connection.write() as db:
            found = list(db.query("SELECT digest FROM alerts WHERE id = ?", (event.id,)))
            if not found:
                db.table("alerts").insert({
                    "id": event.id, "type": event.type, "event": event.model_dump_json(),
                    "digest": digest, "event_at": ts(event.start_time), "received_at": ts(now),
                    "updated_at": ts(now), "deliveries": 1, "media_wanted": media_key(event),
                })  # fmt: skip
                return "accepted"
            changed = found[0]["digest"] != digest
            db.execute(
                "UPDATE alerts SET deliveries = deliveries + 1, event = CASE WHEN ? THEN ? "
                "ELSE event END, digest = ?, updated_at = CASE WHEN ? THEN ? ELSE updated_at END, "
                "media_wanted = CASE WHEN ? THEN ? ELSE media_wanted END WHERE id = ?",
                (changed, event.model_dump_json(), digest, changed, ts(now), changed,
                 media_key(event), event.id),
            )  # fmt: skip
            return "updated" if changed else "duplicate"

    def get(self, alert_id: str) -> AlertRow | None:
        """An event by Motive's id."""
        with self._connection.read() as db:
            rows = list(db.query("SELECT * FROM alerts WHERE id = ?", (alert_id,)))
        return _row(rows[0]) if rows else None

    def owed(self, stale_before: datetime, limit: int = 50) -> list[AlertRow]:
        """Events whose message is not posted, not showing their latest delivery, or whose
        automatic request is due, and that nobody is working on (a claim older than
        ``stale_before`` was cut short)."""
        return self._owed("(posted_digest IS NULL OR posted_digest != digest OR auto = 'due')",
                          stale_before, limit)  # fmt: skip

    def owed_media(self, stale_before: datetime, tries: int, limit: int = 10) -> list[AlertRow]:
        """Posted events whose thread lacks Motive's latest clip (fewer than ``tries`` failed
        attempts), and that nobody is working on."""
        return self._owed(
            "message_ts IS NOT NULL AND media_wanted IS NOT NULL AND "
            "(media_digest IS NULL OR media_digest != media_wanted) AND media_tries < ?",
            stale_before, limit, (tries,),
        )  # fmt: skip

    def _owed(
        self, condition: str, stale_before: datetime, limit: int, more: tuple[object, ...] = ()
    ) -> list[AlertRow]:
        with self._connection.read() as db:
            rows = list(db.query(
                f"SELECT * FROM alerts WHERE {condition} AND (claimed_at IS NULL OR "
                "claimed_at <= ?) ORDER BY event_at LIMIT ?",
                (*more, ts(stale_before), limit),
            ))  # fmt: skip
        return [_row(r) for r in rows]

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
                "vehicle_number = COALESCE(?, vehicle_number) WHERE id = ? AND attempt = ?",
                (digest, channel, message_ts, vehicle_number, alert_id, attempt),
            ).rowcount)  # fmt: skip

    def release(self, alert_id: str, attempt: str) -> None:
        """The attempt ended (a failed one is left to lapse instead, as its back-off)."""
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

    def media_done(self, alert_id: str, attempt: str, shared: str | None) -> None:
        """Motive's clip ``shared`` (its ``media_key``) is in the thread, or this attempt
        failed (``shared`` None: one more try counted); the claim ends."""
        with self._connection.write() as db:
            db.execute(
                "UPDATE alerts SET media_digest = COALESCE(?, media_digest), media_tries = "
                "CASE WHEN ? IS NULL THEN media_tries + 1 ELSE 0 END, attempt = NULL, "
                "claimed_at = NULL WHERE id = ? AND attempt = ?",
                (shared, shared, alert_id, attempt),
            )

    def latest_received_at(self) -> datetime | None:
        """When the newest delivery arrived (after a restart, the safety net reads Motive's
        list from a little before it)."""
        with self._connection.read() as db:
            rows = list(db.query("SELECT MAX(updated_at) AS latest FROM alerts"))
        latest = rows[0]["latest"] if rows else None
        return datetime.fromisoformat(latest) if latest else None
