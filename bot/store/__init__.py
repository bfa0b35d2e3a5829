"""The store: every recall, where it came from, inbound event ids and the audit log, in SQLite.

A thin layer of named queries over ``sqlite_utils.Database`` on one file (``RECALLBOT_DB``):
WAL so readers never wait for the tracker, a busy timeout so processes take turns, foreign keys
on, the file private to its owner (0600), and the schema migrated forward at start-up. Writes
that read before they write run in ``BEGIN IMMEDIATE`` transactions, so two processes (the app
and ``recallbot track``, say) cannot both claim the same recall or the same delivery.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.motive import RecallDetails
from bot.recall import RecallRequest
from bot.store.rows import (
    IN_FLIGHT,
    AuditEntry,
    Delivery,
    Origin,
    PendingRequest,
    RecallState,
    TrackedRecall,
    WebhookOutcome,
)
from bot.store.schema import MIGRATIONS

__all__ = [
    "AuditEntry",
    "Delivery",
    "DraftUsed",
    "Origin",
    "PendingRequest",
    "RecallState",
    "Store",
    "StoreError",
    "TrackedRecall",
    "WebhookOutcome",
]

_FINISHED = tuple(state for state in RecallState if state.finished)
_SELECT = (
    "SELECT r.*, o.surface, o.team_id, o.channel_id, o.thread_ts, o.status_ts, o.user_id, o.zone "
)
_FROM = "FROM recalls r LEFT JOIN origins o ON o.recall_id = r.id "


class StoreError(Exception):
    """The store cannot be used (e.g. it was made by a newer recallbot)."""


class DraftUsed(StoreError):
    """A preview's Request came again (a second press, or another person's tampered id)."""


def ts(moment: datetime) -> str:
    """A fixed-width UTC timestamp, so text order is time order in SQL comparisons."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _placeholders(values: tuple[Any, ...]) -> str:
    return ", ".join("?" for _ in values)


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (driver video is sensitive)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


def _state_of(details: RecallDetails) -> RecallState:
    return RecallState(details.status.value)


class Store:
    """Named queries over one SQLite file. Thread-safe: one connection, one lock."""

    def __init__(
        self, path: str | Path, busy_timeout_s: float = 10.0, read_only: bool = False
    ) -> None:
        """Open (and, unless ``read_only``, create and migrate) the store at ``path``.

        ``read_only`` never creates the file and never writes, so it works on a read-only
        copy (a backup, a mounted snapshot). Every way the file can be unusable raises
        ``StoreError`` naming the file and what to do."""
        self.path = Path(path)
        try:
            connection = self._connect(busy_timeout_s, read_only)
            self.db = Database(connection)
            self._lock = threading.RLock()
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            if read_only:
                self._check_version()
            else:
                self.db.enable_wal()
                self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(self._explain(exc)) from exc

    def _connect(self, busy_timeout_s: float, read_only: bool) -> sqlite3.Connection:
        if read_only:
            if not self.path.is_file():
                raise StoreError(
                    f"no recallbot database at {self.path}: set RECALLBOT_DB to the file that "
                    "`recallbot run` or `recallbot track` uses"
                )
            return self._connect_read_only(busy_timeout_s)
        try:
            _create_private(self.path)
        except OSError as exc:
            raise StoreError(
                f"cannot create the database {self.path} ({exc.strerror}): point "
                "RECALLBOT_DB at a writable place"
            ) from exc
        uri = f"file:{self.path.resolve()}"
        return sqlite3.connect(
            uri, uri=True, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
        )

    def _connect_read_only(self, busy_timeout_s: float) -> sqlite3.Connection:
        """Read-only, and on a copy in a folder we may not write (where SQLite cannot make the
        WAL's shared-memory file) as an immutable file: nobody writes a copy."""
        uri = f"file:{self.path.resolve()}?mode=ro"
        for suffix in ("", "&immutable=1"):
            connection = sqlite3.connect(
                uri + suffix, uri=True, timeout=busy_timeout_s, isolation_level=None,
                check_same_thread=False,
            )  # fmt: skip
            try:
                connection.execute("PRAGMA user_version").fetchone()
            except sqlite3.OperationalError:
                connection.close()
                if suffix:
                    raise
                continue
            return connection
        raise AssertionError("unreachable")  # pragma: no cover

    def _explain(self, exc: sqlite3.DatabaseError) -> str:
        text = str(exc)
        if "not a database" in text:
            return (
                f"{self.path} is not a recallbot database (not an SQLite file): check RECALLBOT_DB"
            )
        if "unable to open" in text or "readonly" in text or "read-only" in text:
            return (
                f"cannot open {self.path} for writing ({text}): check RECALLBOT_DB and the file's "
                "and its folder's permissions"
            )
        if "locked" in text:
            return f"{self.path} stayed locked by another process ({text}); try again"
        return f"{self.path} cannot be used ({text})"

    def _check_version(self) -> None:
        version = self.schema_version()
        if version > len(MIGRATIONS):
            raise StoreError(self._newer(version))
        if version < len(MIGRATIONS):
            raise StoreError(
                f"{self.path} has schema version {version}, older than this recallbot "
                f"({len(MIGRATIONS)}): run `recallbot track --until-done` once to upgrade it"
            )

    def _newer(self, version: int) -> str:
        return (
            f"{self.path} has schema version {version}, newer than this recallbot "
            f"({len(MIGRATIONS)}); upgrade recallbot instead of opening it"
        )

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self.db.close()

    @contextmanager
    def _write(self) -> Iterator[Database]:
        """A write transaction that holds the database's write lock from its first statement."""
        with self._lock:
            connection = self.db.conn
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                connection.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (a full disk, a lock) leaves the transaction open: roll it
                # back, or every later write fails with "cannot start a transaction".
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def writable(self, timeout_s: float = 0.25) -> str | None:
        """None when a write could start now, else why not (for health checks).

        Uses a connection of its own with a short timeout, so a held lock answers in
        ``timeout_s`` instead of waiting behind this store's busy timeout."""
        try:
            probe = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=timeout_s)
        except sqlite3.Error as exc:
            return str(exc)
        try:
            probe.isolation_level = None
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
        except sqlite3.Error as exc:
            return str(exc)
        finally:
            probe.close()
        return None

    def _migrate(self) -> None:
        with self._write() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > len(MIGRATIONS):
                raise StoreError(self._newer(version))
            for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
                migration(db)
                db.execute(f"PRAGMA user_version = {number}")

    def schema_version(self) -> int:
        """The schema version the file is at."""
        with self._lock:
            return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    # -- reading recalls ----------------------------------------------------------------------

    def _rows(
        self, where: str, params: tuple[Any, ...] = (), tail: str = ""
    ) -> list[TrackedRecall]:
        with self._lock:
            found = list(self.db.query(f"{_SELECT}{_FROM}WHERE {where} {tail}", params))
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
        found = self._rows("r.id = ?", (recall_id,))
        return found[0] if found else None

    def by_motive_id(self, motive_id: str) -> TrackedRecall | None:
        """The latest recall following Motive's recall ``motive_id`` (a repeat request may follow
        the same one as an earlier recall)."""
        found = self._rows("r.motive_id = ?", (motive_id,), "ORDER BY r.created_at DESC LIMIT 1")
        return found[0] if found else None

    def recent(self, limit: int = 20, requested_by: str | None = None) -> list[TrackedRecall]:
        """The latest recalls, newest first (optionally one requester's)."""
        if requested_by is None:
            return self._rows("1 = 1", (), f"ORDER BY r.created_at DESC LIMIT {int(limit)}")
        tail = f"ORDER BY r.created_at DESC LIMIT {int(limit)}"
        return self._rows("r.requested_by = ?", (requested_by,), tail)

    def next_due(self) -> datetime | None:
        """When the earliest scheduled check is due (None when nothing is followed)."""
        with self._lock:
            row = self.db.execute(
                "SELECT MIN(next_check_at) FROM recalls WHERE next_check_at IS NOT NULL"
            ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    # -- asking for a recall ------------------------------------------------------------------

    def add_submitting(
        self,
        request: RecallRequest,
        requested_by: str,
        origin: Origin | None,
        now: datetime,
        deadline: datetime,
        dedup_since: datetime,
        settle_by: datetime,
        draft_id: str | None = None,
    ) -> tuple[TrackedRecall, bool]:
        """Write the row before Motive is called, or find the recall this one duplicates.

        Returns the recall and whether it is new. A duplicate is a recall of the same footage
        still in flight, or delivered successfully since ``dedup_since``. The caller owns the
        new row until ``settle_by``; a row still 'submitting' then is settled by a tracker.
        ``draft_id``: the preview being requested, used up in the same transaction (so a crash
        can neither lose the click nor leave the preview used without a recall); raises
        ``DraftUsed`` when it was used already or is not ``requested_by``'s.
        """
        fingerprint = request.fingerprint()
        recall_id = "r" + secrets.token_hex(5)
        with self._write() as db:
            existing = self._duplicate(fingerprint, dedup_since)
            if draft_id is not None:
                became = existing.id if existing is not None else recall_id
                self._use_draft(db, draft_id, requested_by, became, now)
            if existing is not None:
                return existing, False
            db.table("recalls").insert(
                {
                    "id": recall_id,
                    "fingerprint": fingerprint,
                    "request": request.model_dump_json(),
                    "requested_by": requested_by,
                    "state": RecallState.SUBMITTING.value,
                    "created_at": ts(now),
                    "updated_at": ts(now),
                    "deadline_at": ts(deadline),
                    "next_check_at": ts(settle_by),
                }
            )
            if origin is not None:
                db.table("origins").insert({"recall_id": recall_id, **origin.model_dump()})
        created = self.get(recall_id)
        assert created is not None  # noqa: S101 - inserted above
        return created, True

    def _duplicate(self, fingerprint: str, since: datetime) -> TrackedRecall | None:
        in_flight = _placeholders(IN_FLIGHT)
        found = self._rows(
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
        with self._write() as db:
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
        with self._write() as db:
            db.execute(
                "UPDATE recalls SET state = ?, last_error = ?, finished_at = ?, updated_at = ?, "
                f"next_check_at = NULL, lease_until = NULL WHERE id = ? AND state IN "
                f"({_placeholders(IN_FLIGHT)})",
                (state.value, reason, ts(now), ts(now), recall_id, *IN_FLIGHT),
            )

    def withdraw(self, recall_id: str, draft_id: str | None) -> bool:
        """Take back a recall that never reached Motive because its status message could not
        be posted: the row goes, and its preview can be requested again. False when a tracker
        already took the row over (it will settle it)."""
        with self._write() as db:
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
                db.execute(
                    "UPDATE drafts SET used_at = NULL, recall_id = NULL "
                    "WHERE id = ? AND recall_id = ?",
                    (draft_id, recall_id),
                )
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
                with self._write() as db:
                    won = db.execute(
                        "UPDATE origins SET status_ts = ?, thread_ts = COALESCE(thread_ts, ?) "
                        "WHERE recall_id = ? AND status_ts IS NULL",
                        (status_ts, status_ts, recall_id),
                    ).rowcount
                return self.must(recall_id), bool(won)
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
        where = "next_check_at IS NOT NULL AND next_check_at <= ? AND " \
                "(lease_until IS NULL OR lease_until <= ?)"  # fmt: skip
        params: tuple[Any, ...] = (ts(now), ts(now))
        if only is not None:
            where, params = f"{where} AND id = ?", (*params, only)
        with self._write() as db:
            ids = [
                row[0]
                for row in db.execute(
                    f"SELECT id FROM recalls WHERE {where} ORDER BY next_check_at LIMIT ?",
                    (*params, limit),
                ).fetchall()
            ]
            if ids:
                db.execute(
                    f"UPDATE recalls SET lease_until = ?, poked = 0 WHERE id IN "
                    f"({_placeholders(tuple(ids))})",
                    (ts(now + lease), *ids),
                )
        return self._rows(f"r.id IN ({_placeholders(tuple(ids))})", tuple(ids)) if ids else []

    def record_check(
        self, recall_id: str, details: RecallDetails, now: datetime, next_check: datetime
    ) -> TrackedRecall:
        """What a check found; the next check is ``next_check`` unless a webhook poked it."""
        state = _state_of(details)
        cameras = json.dumps([c.model_dump(mode="json") for c in details.cameras])
        with self._write() as db:
            db.execute(
                "UPDATE recalls SET state = ?, cameras = ?, attempts = attempts + 1, "
                "last_error = NULL, updated_at = ?, lease_until = NULL, "
                "finished_at = CASE WHEN ? THEN ? ELSE finished_at END, "
                "next_check_at = CASE WHEN ? THEN NULL WHEN poked THEN ? ELSE ? END, poked = 0 "
                f"WHERE id = ? AND state IN ({_placeholders(IN_FLIGHT)})",
                (state.value, cameras, ts(now), state.finished, ts(now), state.finished,
                 ts(now), ts(next_check), recall_id, *IN_FLIGHT),
            )  # fmt: skip
        return self.must(recall_id)

    def record_check_failure(
        self, recall_id: str, error: str, now: datetime, next_check: datetime
    ) -> None:
        """A check could not reach Motive: keep the recall, try again later."""
        with self._write() as db:
            db.execute(
                "UPDATE recalls SET attempts = attempts + 1, last_error = ?, updated_at = ?, "
                "lease_until = NULL, next_check_at = ? WHERE id = ?",
                (error, ts(now), ts(next_check), recall_id),
            )

    def apply_webhook(self, details: RecallDetails, now: datetime) -> WebhookOutcome:
        """Record what Motive's signed webhook says, once per recall and status.

        Returns "accepted", "duplicate" (seen before: a retry or a replay) or "unknown" (not a
        recall of ours, or not recorded yet; the event is not marked seen, so Motive's retry is
        still accepted later). A final status is stored like a check's result and delivered by
        the tracker (one path for polls and webhooks); any other only makes the recall due now.
        A recall that is already finished is left as it is.
        """
        state = _state_of(details)
        in_flight = _placeholders(IN_FLIGHT)
        with self._write() as db:
            if (
                db.execute("SELECT 1 FROM recalls WHERE motive_id = ?", (details.id,)).fetchone()
                is None
            ):
                return "unknown"
            key = f"motive-webhook:{details.id}:{state.value}"
            if not db.execute(
                "INSERT OR IGNORE INTO inbound_events (key, received_at) VALUES (?, ?)",
                (key, ts(now)),
            ).rowcount:
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
        with self._write() as db:
            db.execute(
                "UPDATE recalls SET notified_state = ?, notified_at = ? WHERE id = ?",
                (state.value, ts(now), recall_id),
            )

    # -- delivering ---------------------------------------------------------------------------

    def claim_delivery(
        self, recall_id: str, attempt: str, now: datetime, stale_before: datetime
    ) -> TrackedRecall | None:
        """Take the right to deliver a finished recall's answer, recording the attempt first.

        A claim older than ``stale_before`` that was never recorded was cut short (a crash
        between delivering and recording) and may be claimed again: at worst one repeat.
        """
        finished = _placeholders(_FINISHED)
        with self._write() as db:
            changed = db.execute(
                "UPDATE recalls SET delivery = 'claimed', delivery_attempt = ?, "
                f"delivery_claimed_at = ? WHERE id = ? AND state IN ({finished}) AND "
                "(delivery = 'none' OR (delivery = 'claimed' AND delivery_claimed_at <= ?))",
                (attempt, ts(now), recall_id, *_FINISHED, ts(stale_before)),
            ).rowcount
        return self.get(recall_id) if changed else None

    def record_delivery(
        self, recall_id: str, attempt: str, now: datetime, answer_ts: str | None = None
    ) -> bool:
        """The answer reached the requester (only the attempt that holds the claim counts);
        ``answer_ts``: the message that holds it, the only one whose Refresh may refresh it."""
        with self._write() as db:
            return bool(
                db.execute(
                    "UPDATE recalls SET delivery = 'delivered', delivered_at = ?, answer_ts = ? "
                    "WHERE id = ? AND delivery = 'claimed' AND delivery_attempt = ?",
                    (ts(now), answer_ts, recall_id, attempt),
                ).rowcount
            )

    def undelivered(self, stale_before: datetime) -> list[TrackedRecall]:
        """Finished recalls whose answer is still owed (never claimed, or a stale claim)."""
        finished = _placeholders(_FINISHED)
        return self._rows(
            f"r.state IN ({finished}) AND (r.delivery = 'none' OR "
            "(r.delivery = 'claimed' AND r.delivery_claimed_at <= ?))",
            (*_FINISHED, ts(stale_before)),
        )

    def status_behind(self, since: datetime) -> list[TrackedRecall]:
        """Recalls answered since ``since`` whose status message does not show their final
        state yet (the edit after the answer failed, or a crash came between)."""
        return self._rows(
            "r.delivery = 'delivered' AND r.finished_at >= ? AND o.status_ts IS NOT NULL "
            "AND (r.notified_state IS NULL OR r.notified_state != r.state)",
            (ts(since),),
        )

    def outstanding(self) -> int:
        """Recalls still in flight or whose answer is still owed."""
        in_flight = _placeholders(IN_FLIGHT)
        with self._lock:
            row = self.db.execute(
                "SELECT COUNT(*) FROM recalls "
                f"WHERE state IN ({in_flight}) OR delivery != 'delivered'",
                IN_FLIGHT,
            ).fetchone()
        return int(row[0])

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
        with self._write() as db:
            db.execute(
                "UPDATE recalls SET cameras = ?, updated_at = ? WHERE id = ?",
                (cameras, ts(now), recall_id),
            )
        return self.must(recall_id)

    # -- drafts -------------------------------------------------------------------------------

    def add_draft(
        self,
        request: RecallRequest,
        requested_by: str,
        now: datetime,
        phrase: str | None = None,
        origin: Origin | None = None,
        response_url: str | None = None,
    ) -> PendingRequest:
        """Keep a previewed request until its Request button is pressed."""
        draft_id = "d" + secrets.token_hex(8)
        with self._write() as db:
            db.table("drafts").insert(
                {
                    "id": draft_id,
                    "request": request.model_dump_json(),
                    "phrase": phrase,
                    "requested_by": requested_by,
                    "team_id": origin.team_id if origin else None,
                    "channel_id": origin.channel_id if origin else None,
                    "thread_ts": origin.thread_ts if origin else None,
                    "response_url": response_url,
                    "created_at": ts(now),
                }
            )
        found = self.draft(draft_id)
        assert found is not None  # noqa: S101 - inserted above
        return found

    def draft(self, draft_id: str) -> PendingRequest | None:
        """A draft by id."""
        with self._lock:
            rows = list(self.db.query("SELECT * FROM drafts WHERE id = ?", (draft_id,)))
        if not rows:
            return None
        row = {k: v for k, v in rows[0].items() if v is not None}
        return PendingRequest.model_validate(row | {"request": json.loads(rows[0]["request"])})

    def use_draft(self, draft_id: str, user: str, now: datetime) -> bool:
        """Use up ``user``'s draft without a recall (Cancel, or a modal that replaced it);
        False when it is unknown, someone else's, or was already used."""
        try:
            with self._write() as db:
                self._use_draft(db, draft_id, user, None, now)
        except DraftUsed:
            return False
        return True

    @staticmethod
    def _use_draft(
        db: Database, draft_id: str, user: str, recall_id: str | None, now: datetime
    ) -> None:
        used = db.execute(
            "UPDATE drafts SET used_at = ?, recall_id = ? "
            "WHERE id = ? AND requested_by = ? AND used_at IS NULL",
            (ts(now), recall_id, draft_id, user),
        ).rowcount
        if not used:
            raise DraftUsed(f"draft {draft_id} is unknown, not {user}'s, or already used")

    # -- inbound events, audit, learned limits ------------------------------------------------

    def first_time(self, key: str, now: datetime) -> bool:
        """Record an inbound event id; False when it was already seen (a redelivery)."""
        with self._write() as db:
            return bool(
                db.execute(
                    "INSERT OR IGNORE INTO inbound_events (key, received_at) VALUES (?, ?)",
                    (key, ts(now)),
                ).rowcount
            )

    def forget_events(self, before: datetime) -> int:
        """Drop inbound event ids older than ``before`` (redeliveries come within hours)."""
        with self._write() as db:
            cursor = db.execute("DELETE FROM inbound_events WHERE received_at < ?", (ts(before),))
            return int(cursor.rowcount)

    def audit(self, actor: str, action: str, recall_id: str | None = None, **detail: Any) -> None:
        """Append one line to the audit log (who did what to which recall, and the details)."""
        with self._write() as db:
            db.table("audit").insert(
                {
                    "at": ts(datetime.now(UTC)),
                    "actor": actor,
                    "action": action,
                    "recall_id": recall_id,
                    "detail": json.dumps(detail, default=str, sort_keys=True),
                }
            )

    def audit_log(self, since: datetime | None = None) -> list[AuditEntry]:
        """The audit log, oldest first (optionally from ``since``)."""
        with self._lock:
            rows = list(
                self.db.query(
                    "SELECT * FROM audit WHERE at >= ? ORDER BY id",
                    (ts(since or datetime(1970, 1, 1, tzinfo=UTC)),),
                )
            )
        return [
            AuditEntry.model_validate(row | {"detail": json.loads(row["detail"])}) for row in rows
        ]

    def learn_smart_dashcam(self, vehicle_number: str, now: datetime) -> None:
        """Remember that Motive said this vehicle has a smart dashcam."""
        with self._write() as db:
            db.table("vehicle_limits").upsert(
                {"vehicle_number": vehicle_number, "smart_dashcam": 1, "learned_at": ts(now)},
                pk="vehicle_number",
            )

    def smart_dashcams(self) -> set[str]:
        """Vehicles known to have smart dashcams."""
        with self._lock:
            return {
                row["vehicle_number"]
                for row in self.db.query(
                    "SELECT vehicle_number FROM vehicle_limits WHERE smart_dashcam"
                )
            }
