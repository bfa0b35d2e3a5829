"""Recalls: each one asked for, where it came from, and how far it has got.

A row is written ('submitting') before Motive is called, followed while Motive works on it
(claimed with a lease, so one tracker checks it at a time), and answered once: the right to
deliver is claimed and recorded, so a crash between the two repeats an answer at most once.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from datetime import datetime, timedelta
from typing import Any

from bot.motive import RecallDetails
from bot.recall import RecallRequest
from bot.store.connection import Connection, placeholders, ts
from bot.store.drafts import release_in, use_in
from bot.store.errors import StoreError
from bot.store.followed import Followed
from bot.store.inbound import record_in
from bot.store.rows import IN_FLIGHT, Origin, RecallState, TrackedRecall, WebhookOutcome

_FINISHED = tuple(state for state in RecallState if state.finished)
_SELECT = (
    "SELECT r.*, o.surface, o.team_id, o.channel_id, o.thread_ts, o.status_ts, o.user_id, o.zone, "
    "o.moment "
)
_FROM = "FROM recalls r LEFT JOIN origins o ON o.recall_id = r.id "


def _state_of(details: RecallDetails) -> RecallState:
    return RecallState(details.status.value)


class Recalls:
    """Named queries over the recalls and where each came from (its origin)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._followed = Followed(connection, "recalls", _FINISHED, on_claim=", poked = 0")

    # -- reading recalls ----------------------------------------------------------------------

    def select(
        self, where: str, params: tuple[Any, ...] = (), tail: str = ""
    ) -> list[TrackedRecall]:
        """Recalls (with their origin, ``o``) matching an SQL condition on ``r``; the other
        parts of the store that keep columns of a recall (``media``) read through it too."""
        with self._connection.read() as db:
            found = list(db.query(f"{_SELECT}{_FROM}WHERE {where} {tail}", params))
        return [self._recall(row) for row in found]

    @staticmethod
    def _recall(row: dict[str, Any]) -> TrackedRecall:
        origin = None
        if row.get("surface"):
            origin = Origin(**{k: row[k] for k in Origin.model_fields})
        values = {k: v for k, v in row.items() if k in TrackedRecall.model_fields and v is not None}
        values["request"] = RecallRequest.model_validate_json(row["request"])
        values["cameras"] = json.loads(row["cameras"])
        return TrackedRecall.model_validate(values | {"origin": origin})

    def get(self, recall_id: str) -> TrackedRecall | None:
        """A recall by recallbot's id."""
        found = self.select("r.id = ?", (recall_id,))
        return found[0] if found else None

    def recent(self, limit: int = 20, requested_by: str | None = None) -> list[TrackedRecall]:
        """The latest recalls, newest first (optionally one requester's)."""
        if requested_by is None:
            return self.select("1 = 1", (), f"ORDER BY r.created_at DESC LIMIT {int(limit)}")
        tail = f"ORDER BY r.created_at DESC LIMIT {int(limit)}"
        return self.select("r.requested_by = ?", (requested_by,), tail)

    def next_due(self) -> datetime | None:
        """When the earliest scheduled check is due (None when nothing is followed)."""
        return self._followed.next_due()

    # -- asking for a recall ------------------------------------------------------------------

    def add_submitting_many(
        self,
        requests: list[RecallRequest],
        requested_by: str,
        origin: Origin | None,
        now: datetime,
        deadline: datetime,
        dedup_since: datetime,
        settle_by: datetime,
        draft_id: str | None = None,
    ) -> list[tuple[TrackedRecall, bool]]:
        """Write each request's row before Motive is called, or find the recall it duplicates:
        one (recall, is new) per request, in order, all in one transaction (a crash keeps all
        of them or none), fsynced before it returns (a power loss keeps them too).

        A duplicate is a recall of the same footage still in flight, or delivered successfully
        since ``dedup_since``. The caller owns the new rows until ``settle_by``; a row still
        'submitting' then is settled by a tracker. ``draft_id``: the preview being requested,
        used up in the same transaction and naming the first recall (so a crash can neither
        lose the click nor leave the preview used without a recall); raises ``DraftUsed`` when
        it was used already or is not ``requested_by``'s."""
        made: list[tuple[str, TrackedRecall | None]] = []
        with self._connection.write(durable=True) as db:  # Slack and Motive come next
            for request in requests:
                fingerprint = request.fingerprint()
                existing = self._duplicate(fingerprint, dedup_since)
                if existing is not None:
                    made.append((existing.id, existing))
                    continue
                recall_id = "r" + secrets.token_hex(5)
                db.table("recalls").insert({
                    "id": recall_id, "fingerprint": fingerprint,
                    "request": request.model_dump_json(), "requested_by": requested_by,
                    "state": RecallState.SUBMITTING.value, "created_at": ts(now),
                    "updated_at": ts(now), "deadline_at": ts(deadline),
                    "next_check_at": ts(settle_by),
                })  # fmt: skip
                if origin is not None:
                    moment = ts(origin.moment) if origin.moment else None
                    db.table("origins").insert(
                        {"recall_id": recall_id, **origin.model_dump(), "moment": moment}
                    )
                made.append((recall_id, None))
            if draft_id is not None:
                use_in(db, draft_id, requested_by, made[0][0], now)
        return [(existing, False) if existing is not None else (self.must(recall_id), True)
                for recall_id, existing in made]  # fmt: skip

    def sharing_status(self, channel: str, status_ts: str) -> list[TrackedRecall]:
        """The recalls one status message speaks for (several targets asked for at once)."""
        return self.select("o.channel_id = ? AND o.status_ts = ?", (channel, status_ts),
                           "ORDER BY r.created_at, r.rowid")  # fmt: skip

    def duplicate_of(self, request: RecallRequest, since: datetime) -> TrackedRecall | None:
        """The recall asking for the same footage that is in flight, or delivered successfully
        since ``since`` (what ``add_submitting_many`` would give back instead of a new one)."""
        return self._duplicate(request.fingerprint(), since)

    def _duplicate(self, fingerprint: str, since: datetime) -> TrackedRecall | None:
        in_flight = placeholders(IN_FLIGHT)
        found = self.select(
            f"r.fingerprint = ? AND (r.state IN ({in_flight}) "
            "OR (r.state = 'success' AND r.finished_at >= ?))",
            (fingerprint, *IN_FLIGHT, ts(since)),
            "ORDER BY r.created_at DESC LIMIT 1",
        )
        return found[0] if found else None

    def mark_submitted(
        self, recall_id: str, details: RecallDetails, now: datetime, next_check: datetime
    ) -> TrackedRecall:
        """Motive accepted the recall: remember its id and when to look at it first.

        Only a row still 'submitting' changes: when its submitter and a tracker settling it
        both learn the answer, the later one finds it settled and changes nothing."""
        state = _state_of(details)
        with self._connection.write() as db:
            db.execute(
                "UPDATE recalls SET motive_id = ?, state = ?, submitted_at = ?, updated_at = ?, "
                "next_check_at = ?, lease_until = NULL, cameras = ?, "
                "finished_at = CASE WHEN ? THEN ? ELSE finished_at END "
                "WHERE id = ? AND state = 'submitting'",
                (details.id, state.value, ts(now), ts(now),
                 None if state.finished else ts(next_check),
                 json.dumps([c.model_dump(mode="json") for c in details.cameras]),
                 state.finished, ts(now), recall_id),
            )  # fmt: skip
        return self.must(recall_id)

    def mark_ended(self, recall_id: str, state: RecallState, reason: str, now: datetime) -> None:
        """End a recall without Motive's final word (refused, outcome unknown, expired); a
        recall that already ended keeps its first ending."""
        with self._connection.write() as db:
            db.execute(
                "UPDATE recalls SET state = ?, last_error = ?, finished_at = ?, updated_at = ?, "
                f"next_check_at = NULL, lease_until = NULL WHERE id = ? AND state IN "
                f"({placeholders(IN_FLIGHT)})",
                (state.value, reason, ts(now), ts(now), recall_id, *IN_FLIGHT),
            )

    def withdraw(self, recall_id: str, draft_id: str | None) -> bool:
        """Take back a recall that never reached Motive because its status message could not
        be posted: the row goes, and its preview can be requested again. False when a tracker
        already took the row over (it will settle it)."""
        with self._connection.write() as db:
            untouched = db.execute(
                "SELECT 1 FROM recalls WHERE id = ? AND state = 'submitting' AND motive_id IS NULL "
                "AND lease_until IS NULL AND NOT EXISTS (SELECT 1 FROM origins "
                "WHERE recall_id = ? AND status_ts IS NOT NULL)",
                (recall_id, recall_id),
            ).fetchone()
            if untouched is None:
                return False
            db.execute("DELETE FROM origins WHERE recall_id = ?", (recall_id,))
            db.execute("DELETE FROM recalls WHERE id = ?", (recall_id,))
            if draft_id is not None:
                release_in(db, draft_id, recall_id)
        return True

    def set_status_message(
        self, recall_id: str, status_ts: str, patience_s: float = 60.0
    ) -> tuple[TrackedRecall, bool]:
        """The status message just posted for a recall (its thread, when it had none yet);
        and whether it is the recall's: the first one recorded wins (a slow submitter and a
        tracker settling its row may both have posted one), and the loser deletes its own.

        The message exists in Slack already: if this write failed, the next attempt would post
        a second one and leave this one saying "requesting" forever. So a lock held past the
        busy timeout is waited out, for up to ``patience_s`` more."""
        deadline = time.monotonic() + patience_s
        pause = 0.05
        while True:
            try:
                with self._connection.write() as db:
                    db.execute(
                        "UPDATE origins SET status_ts = ?, thread_ts = COALESCE(thread_ts, ?) "
                        "WHERE recall_id = ? AND status_ts IS NULL",
                        (status_ts, status_ts, recall_id),
                    )
                recorded = self.must(recall_id)
                # Not "did this write change the row": a tracker may have found this very
                # message (by the recall id it shows) and recorded it first. Deleting it then
                # would leave the recall with no status message at all.
                return (
                    recorded,
                    recorded.origin is not None and recorded.origin.status_ts == status_ts,
                )
            except sqlite3.OperationalError:
                if time.monotonic() + pause > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 2.0)

    # -- following ----------------------------------------------------------------------------

    def claim_due(
        self, now: datetime, limit: int, lease: timedelta, only: str | None = None
    ) -> list[TrackedRecall]:
        """Take up to ``limit`` recalls whose check is due, leasing them so no one else does."""
        ids = tuple(self._followed.claim_due(now, limit, lease, only))
        return self.select(f"r.id IN ({placeholders(ids)})", ids) if ids else []

    def record_check(
        self, recall_id: str, details: RecallDetails, now: datetime, next_check: datetime
    ) -> TrackedRecall:
        """What a check found; the next check is ``next_check`` unless a webhook poked it."""
        state = _state_of(details)
        cameras = json.dumps([c.model_dump(mode="json") for c in details.cameras])
        with self._connection.write() as db:
            db.execute(
                "UPDATE recalls SET state = ?, cameras = ?, attempts = attempts + 1, "
                "last_error = NULL, updated_at = ?, lease_until = NULL, "
                "finished_at = CASE WHEN ? THEN ? ELSE finished_at END, "
                "next_check_at = CASE WHEN ? THEN NULL WHEN poked THEN ? ELSE ? END, poked = 0 "
                f"WHERE id = ? AND state IN ({placeholders(IN_FLIGHT)})",
                (state.value, cameras, ts(now), state.finished, ts(now), state.finished,
                 ts(now), ts(next_check), recall_id, *IN_FLIGHT),
            )  # fmt: skip
        return self.must(recall_id)

    def record_check_failure(
        self, recall_id: str, error: str, now: datetime, next_check: datetime
    ) -> bool:
        """A check could not reach Motive: keep the recall, try again later. Only a recall still
        in flight: one a webhook or another tracker finished meanwhile is never made due again
        (it would be checked for ever); whether it was."""
        with self._connection.write() as db:
            return bool(db.execute(
                "UPDATE recalls SET attempts = attempts + 1, last_error = ?, updated_at = ?, "
                f"lease_until = NULL, next_check_at = ? WHERE id = ? AND state IN "
                f"({placeholders(IN_FLIGHT)})",
                (error, ts(now), ts(next_check), recall_id, *IN_FLIGHT),
            ).rowcount)  # fmt: skip

    def apply_webhook(self, details: RecallDetails, now: datetime) -> WebhookOutcome:
        """Record what Motive's signed webhook says, once per recall and status.

        Returns "accepted", "duplicate" (seen before: a retry or a replay) or "unknown" (not a
        recall of ours, or not recorded yet; the event is not marked seen, so Motive's retry is
        still accepted later). A final status is stored like a check's result and delivered by
        the tracker (one path for polls and webhooks); any other only makes the recall due now.
        A recall that is already finished is left as it is.
        """
        state = _state_of(details)
        in_flight = placeholders(IN_FLIGHT)
        with self._connection.write() as db:
            if (
                db.execute("SELECT 1 FROM recalls WHERE motive_id = ?", (details.id,)).fetchone()
                is None
            ):
                return "unknown"
            if not record_in(db, f"motive-webhook:{details.id}:{state.value}", now):
                return "duplicate"
            if state.finished:
                cameras = json.dumps([c.model_dump(mode="json") for c in details.cameras])
                db.execute(
                    "UPDATE recalls SET state = ?, cameras = ?, finished_at = ?, updated_at = ?, "
                    f"next_check_at = NULL WHERE motive_id = ? AND state IN ({in_flight})",
                    (state.value, cameras, ts(now), ts(now), details.id, *IN_FLIGHT),
                )
            else:
                db.execute(
                    "UPDATE recalls SET next_check_at = ?, poked = 1, updated_at = ? "
                    f"WHERE motive_id = ? AND state IN ({in_flight})",
                    (ts(now), ts(now), details.id, *IN_FLIGHT),
                )
        return "accepted"

    def record_status_notified(self, recall_id: str, state: RecallState, now: datetime) -> None:
        """The requester was shown this status."""
        self._followed.record_status_notified(recall_id, state.value, now)

    # -- delivering ---------------------------------------------------------------------------

    def claim_delivery(
        self, recall_id: str, attempt: str, now: datetime, stale_before: datetime
    ) -> TrackedRecall | None:
        """Take the right to deliver a finished recall's answer (``Followed.claim_delivery``)."""
        claimed = self._followed.claim_delivery(recall_id, attempt, now, stale_before)
        return self.get(recall_id) if claimed else None

    def record_delivery(
        self, recall_id: str, attempt: str, now: datetime, answer_ts: str | None = None
    ) -> bool:
        """The answer reached the requester (only the attempt that holds the claim counts);
        ``answer_ts``: the message that holds it, the only one whose Refresh may refresh it."""
        return self._followed.record_delivery(recall_id, attempt, now, answer_ts)

    def retry_delivery(self, recall_id: str, attempt: str, note: str, at: datetime) -> bool:
        """The attempt holding the claim failed: give the claim back, to be tried at ``at``."""
        return self._followed.retry_delivery(recall_id, attempt, note, at)

    def give_up_delivery(self, recall_id: str, attempt: str, note: str) -> bool:
        """The attempt holding the claim met a refusal for good: the answer ends
        'undeliverable', saying why."""
        return self._followed.give_up_delivery(recall_id, attempt, note)

    def undelivered(self, stale_before: datetime, now: datetime) -> list[TrackedRecall]:
        """Finished recalls whose answer is owed now (never claimed, or a stale claim, and any
        back-off after a failed try over)."""
        finished = placeholders(_FINISHED)
        return self.select(
            f"r.state IN ({finished}) AND (r.delivery = 'none' OR "
            "(r.delivery = 'claimed' AND r.delivery_claimed_at <= ?)) "
            "AND (r.delivery_next_at IS NULL OR r.delivery_next_at <= ?)",
            (*_FINISHED, ts(stale_before), ts(now)),
        )

    def status_behind(self, since: datetime) -> list[TrackedRecall]:
        """Recalls answered since ``since`` whose status message does not show their final
        state yet (the edit after the answer failed, or a crash came between)."""
        return self.select(
            "r.delivery = 'delivered' AND r.finished_at >= ? AND o.status_ts IS NOT NULL "
            "AND (r.notified_state IS NULL OR r.notified_state != r.state)",
            (ts(since),),
        )

    def outstanding(self) -> int:
        """Recalls still in flight or whose answer is still owed (not delivered, nor given
        up)."""
        in_flight = placeholders(IN_FLIGHT)
        with self._connection.read() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM recalls "
                f"WHERE state IN ({in_flight}) "
                "OR delivery NOT IN ('delivered', 'undeliverable')",
                IN_FLIGHT,
            ).fetchone()
        return int(row[0])

    def count_by_state(self) -> dict[str, int]:
        """How many recalls are in each state (for ``/metrics``)."""
        with self._connection.read() as db:
            rows = db.execute("SELECT state, COUNT(*) FROM recalls GROUP BY state").fetchall()
        return {str(state): int(count) for state, count in rows}

    def must(self, recall_id: str) -> TrackedRecall:
        """A recall that must exist (StoreError if it vanished)."""
        found = self.get(recall_id)
        if found is None:
            raise StoreError(f"recall {recall_id} vanished from the store")
        return found

    def record_refresh(
        self, recall_id: str, details: RecallDetails, now: datetime
    ) -> TrackedRecall:
        """Fresh camera links from Motive for a finished recall."""
        cameras = json.dumps([c.model_dump(mode="json") for c in details.cameras])
        with self._connection.write() as db:
            db.execute(
                "UPDATE recalls SET cameras = ?, updated_at = ? WHERE id = ?",
                (cameras, ts(now), recall_id),
            )
        return self.must(recall_id)

