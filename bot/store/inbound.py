"""Inbound event ids (Slack's event ids, Motive's webhook deliveries), so a redelivery is
recognised and changes nothing. Kept a week: redeliveries come within hours."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.store.connection import Connection, ts


def record_in(db: Database, key: str, now: datetime) -> bool:
    """Inside a caller's transaction: record ``key``; False when it was seen before."""
    return bool(
        db.execute(
            "INSERT OR IGNORE INTO inbound_events (key, received_at) VALUES (?, ?)",
            (key, ts(now)),
        ).rowcount
    )


class InboundEvents:
    """The ids of events already received."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def first_time(self, key: str, now: datetime) -> bool:
        """Record an inbound event id; False when it was already seen (a redelivery)."""
        with self._connection.write() as db:
            return record_in(db, key, now)

    def forget(self, before: datetime) -> int:
        """Drop inbound event ids older than ``before``; how many went."""
        with self._connection.write() as db:
            cursor = db.execute("DELETE FROM inbound_events WHERE received_at < ?", (ts(before),))
            return int(cursor.rowcount)
