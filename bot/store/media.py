"""Whether each answered recall's footage (clips, stills, all angles) was put in its thread.

Like a delivery, the right to upload is claimed with an attempt id before anything is sent
and recorded when Slack has shared the files: a crash between the two repeats the upload at
most once, after ``stale_before`` (the documented window). The footage goes up in two
messages, each recorded once Slack has shared it: the stills and clips (``shared``, kept in
``media_files`` while the claim is held, so a later attempt makes only All angles), then All
angles (``finish``). A failed attempt is tried again
later, up to a limit, then ends 'failed' (the links are in the thread already).
"""

from __future__ import annotations

import json
from datetime import datetime

from bot.store.connection import Connection, ts
from bot.store.recalls import Recalls
from bot.store.rows import TrackedRecall
from bot.store.schema import MEDIA_OWED


class MediaRecords:
    """The footage state of recalls (columns ``media*`` of ``recalls``)."""

    def __init__(self, connection: Connection, recalls: Recalls) -> None:
        self._connection = connection
        self._recalls = recalls

    def owed(self, now: datetime, stale_before: datetime, limit: int = 20) -> list[TrackedRecall]:
        """Answered successful Slack recalls whose footage is still to be put in the thread."""
        return self._recalls.select(
            f"{MEDIA_OWED} AND o.surface = 'slack' AND "
            "(r.media IS NULL OR (r.media = 'claimed' AND r.media_claimed_at <= ?) "
            "OR (r.media = 'retry' AND r.media_next_at <= ?))",
            (ts(stale_before), ts(now)),
            f"ORDER BY r.delivered_at LIMIT {int(limit)}",
        )

    def claim(self, recall_id: str, attempt: str, now: datetime, stale_before: datetime) -> bool:
        """Take the right to upload this recall's footage (recorded before anything is sent)."""
        with self._connection.write() as db:
            return bool(
                db.execute(
                    "UPDATE recalls SET media = 'claimed', media_attempt = ?, media_claimed_at = ? "
                    "WHERE id = ? AND (media IS NULL OR (media = 'claimed' AND "
                    "media_claimed_at <= ?) OR (media = 'retry' AND media_next_at <= ?))",
                    (attempt, ts(now), recall_id, ts(stale_before), ts(now)),
                ).rowcount
            )

    def shared(self, recall_id: str, attempt: str, files: list[str]) -> bool:
        """The first group (stills and clips) is in the thread; All angles is still to come.
        Only the attempt holding the claim counts."""
        with self._connection.write() as db:
            return bool(
                db.execute(
                    "UPDATE recalls SET media_files = ? "
                    "WHERE id = ? AND media = 'claimed' AND media_attempt = ?",
                    (json.dumps(files), recall_id, attempt),
                ).rowcount
            )

    def finish(
        self,
        recall_id: str,
        attempt: str,
        state: str,
        note: str | None,
        files: list[str] | None,
        tries: int | None = None,
    ) -> bool:
        """The attempt ended: 'done' (``files`` shared), 'skipped' or 'failed' (``note``: why;
        ``tries``: the failed attempts in all; ``files`` None: what is shared already stays
        recorded). Only the attempt holding the claim counts."""
        listed = None if files is None else json.dumps(files)
        with self._connection.write() as db:
            return bool(
                db.execute(
                    "UPDATE recalls SET media = ?, media_note = ?, "
                    "media_files = COALESCE(?, media_files), "
                    "media_tries = COALESCE(?, media_tries) "
                    "WHERE id = ? AND media = 'claimed' AND media_attempt = ?",
                    (state, note, listed, tries, recall_id, attempt),
                ).rowcount
            )

    def release(self, recall_id: str, attempt: str) -> bool:
        """The attempt was left off on purpose (recallbot is stopping): owed again at once,
        without waiting for the lease or counting a failure."""
        with self._connection.write() as db:
            return bool(
                db.execute(
                    "UPDATE recalls SET media = NULL, media_attempt = NULL "
                    "WHERE id = ? AND media = 'claimed' AND media_attempt = ?",
                    (recall_id, attempt),
                ).rowcount
            )

    def retry(
        self, recall_id: str, attempt: str, note: str, at: datetime, counted: bool = True
    ) -> None:
        """The attempt failed in a way a later one may not: try again at ``at`` (``counted``
        False: it was not the footage's failure, Motive was busy, so no try is spent)."""
        with self._connection.write() as db:
            db.execute(
                "UPDATE recalls SET media = 'retry', media_note = ?, media_next_at = ?, "
                "media_tries = COALESCE(media_tries, 0) + ? "
                "WHERE id = ? AND media = 'claimed' AND media_attempt = ?",
                (note, ts(at), int(counted), recall_id, attempt),
            )
