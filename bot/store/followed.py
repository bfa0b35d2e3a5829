"""The queries every followed thing shares (recalls, image captures): claiming what is due
under a lease, and the right to deliver its answer once.

Both tables keep ``next_check_at`` and ``lease_until`` (one follower checks a row at a time) and
the delivery columns (``delivery``, ``delivery_attempt``, ``delivery_claimed_at``,
``delivered_at``, ``delivery_tries``, ``delivery_next_at``, ``delivery_note``, ``answer_ts``,
``notified_state``, ``notified_at``). The right to deliver is claimed and recorded, so a crash
between the two repeats an answer at most once and never loses it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.store.connection import Connection, placeholders, ts


class Followed:
    """Lease and deliver-once queries over one table; ids in, ids or yes/no out (the table's
    own part reads its rows)."""

    def __init__(
        self, connection: Connection, table: str, finished: tuple[str, ...], on_claim: str = ""
    ) -> None:
        """``finished``: the states whose answer is due; ``on_claim``: more ``SET`` clauses
        for a claimed row (``, poked = 0``)."""
        self._connection = connection
        self._table = table
        self._finished = finished
        self._on_claim = on_claim

    def claim_due(
        self, now: datetime, limit: int, lease: timedelta, only: str | None = None
    ) -> list[str]:
        """Lease up to ``limit`` rows whose check is due, so no one else checks them; their ids."""
        where = "next_check_at IS NOT NULL AND next_check_at <= ? AND " \
                "(lease_until IS NULL OR lease_until <= ?)"  # fmt: skip
        params: tuple[Any, ...] = (ts(now), ts(now))
        if only is not None:
            where, params = f"{where} AND id = ?", (*params, only)
        with self._connection.write() as db:
            ids = [
                str(row[0])
                for row in db.execute(
                    f"SELECT id FROM {self._table} WHERE {where} ORDER BY next_check_at LIMIT ?",
                    (*params, limit),
                ).fetchall()
            ]
            if ids:
                db.execute(
                    f"UPDATE {self._table} SET lease_until = ?{self._on_claim} WHERE id IN "
                    f"({placeholders(tuple(ids))})",
                    (ts(now + lease), *ids),
                )
        return ids

    def next_due(self) -> datetime | None:
        """When the earliest scheduled check is due (None when nothing is followed)."""
        with self._connection.read() as db:
            row = db.execute(
                f"SELECT MIN(next_check_at) FROM {self._table} WHERE next_check_at IS NOT NULL"
            ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def claim_delivery(
        self, item_id: str, attempt: str, now: datetime, stale_before: datetime
    ) -> bool:
        """Take the right to deliver a finished row's answer, recording the attempt first.

        A claim older than ``stale_before`` that was never recorded was cut short (a crash
        between delivering and recording) and may be claimed again: at worst one repeat. An
        answer that failed waits for its ``delivery_next_at``.
        """
        finished = placeholders(self._finished)
        with self._connection.write() as db:
            return bool(db.execute(
                f"UPDATE {self._table} SET delivery = 'claimed', delivery_attempt = ?, "
                f"delivery_claimed_at = ? WHERE id = ? AND state IN ({finished}) AND "
                "(delivery = 'none' OR (delivery = 'claimed' AND delivery_claimed_at <= ?)) "
                "AND (delivery_next_at IS NULL OR delivery_next_at <= ?)",
                (attempt, ts(now), item_id, *self._finished, ts(stale_before), ts(now)),
            ).rowcount)  # fmt: skip

    def record_delivery(
        self, item_id: str, attempt: str, now: datetime, answer_ts: str | None = None
    ) -> bool:
        """The answer reached the requester (only the attempt that holds the claim counts);
        ``answer_ts``: the message that holds it."""
        return self._holding(
            "delivery = 'delivered', delivered_at = ?, answer_ts = ?, delivery_next_at = NULL",
            (ts(now), answer_ts), item_id, attempt,
        )  # fmt: skip

    def retry_delivery(self, item_id: str, attempt: str, note: str, at: datetime) -> bool:
        """The attempt holding the claim failed: give the claim back, to be tried at ``at``
        (False when this attempt no longer held it)."""
        return self._holding(
            "delivery = 'none', delivery_tries = delivery_tries + 1, delivery_next_at = ?, "
            "delivery_note = ?", (ts(at), note), item_id, attempt,
        )  # fmt: skip

    def give_up_delivery(self, item_id: str, attempt: str, note: str) -> bool:
        """The attempt holding the claim met a refusal for good: the answer ends
        'undeliverable', saying why (False when this attempt no longer held the claim)."""
        return self._holding(
            "delivery = 'undeliverable', delivery_tries = delivery_tries + 1, "
            "delivery_next_at = NULL, delivery_note = ?", (note,), item_id, attempt,
        )  # fmt: skip

    def _holding(self, changes: str, values: tuple[Any, ...], item_id: str, attempt: str) -> bool:
        with self._connection.write() as db:
            return bool(db.execute(
                f"UPDATE {self._table} SET {changes} "
                "WHERE id = ? AND delivery = 'claimed' AND delivery_attempt = ?",
                (*values, item_id, attempt),
            ).rowcount)  # fmt: skip

    def record_status_notified(self, item_id: str, state: str, now: datetime) -> None:
        """The requester was shown this state."""
        with self._connection.write() as db:
            db.execute(
                f"UPDATE {self._table} SET notified_state = ?, notified_at = ? WHERE id = ?",
                (state, ts(now), item_id),
            )
