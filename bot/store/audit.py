"""The append-only audit log: who asked for or refused what, about which recall."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from bot.store.connection import Connection, placeholders, ts
from bot.store.rows import AuditEntry
from bot.store.schema import ROUTINE_AUDIT

_log = logging.getLogger("recallbot.audit")


class AuditLog:
    """Lines are only ever appended; ``recallbot audit`` reads them."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, actor: str, action: str, recall_id: str | None = None, **detail: Any) -> None:
        """Append one line (who did what to which recall, and the details), in the caller's
        ``store.together()`` when there is one; once that commits, the same line goes to the
        log at INFO, so the log tells each recall's story (and never of a change rolled back)."""
        detail_json = json.dumps(detail, default=str, sort_keys=True)
        with self._connection.write() as db:
            db.execute(
                "INSERT INTO audit (at, actor, action, recall_id, detail) VALUES (?, ?, ?, ?, ?)",
                (ts(datetime.now(UTC)), actor, action, recall_id, detail_json),
            )
            self._connection.on_commit(lambda: _log.info(
                "%s by %s %s", action, actor, detail_json, extra={"recall_id": recall_id}))

    def prune_routine(self, before: datetime, batch: int = 1000) -> int:
        """Remove up to ``batch`` routine lines (``ROUTINE_AUDIT``) older than ``before``; how
        many. Requests and refusals are never removed: the store's trigger refuses it."""
        kinds = tuple(ROUTINE_AUDIT)
        with self._connection.write() as db:
            return db.execute(
                "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ? AND action "
                f"IN ({placeholders(kinds)}) ORDER BY at LIMIT ?)",
                (ts(before), *kinds, batch),
            ).rowcount

    def entries(self, since: datetime | None = None) -> list[AuditEntry]:
        """The log, oldest first (optionally from ``since``)."""
        with self._connection.read() as db:
            rows = list(
                db.query(
                    "SELECT * FROM audit WHERE at >= ? ORDER BY id",
                    (ts(since or datetime(1970, 1, 1, tzinfo=UTC)),),
                )
            )
        return [
            AuditEntry.model_validate(row | {"detail": json.loads(row["detail"])}) for row in rows
        ]
