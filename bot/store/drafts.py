"""Drafts: requests previewed in Slack, waiting for their requester's Request button.

A draft is used once: by the recall it becomes (in the same transaction as the recall's row,
see ``Recalls.add_submitting_many``), by Cancel, or by a modal that replaced it."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime

from sqlite_utils import Database

from bot.recall import RecallRequest
from bot.store.connection import Connection, ts
from bot.store.errors import DraftUsed
from bot.store.rows import Origin, PendingRequest


def use_in(db: Database, draft_id: str, user: str, recall_id: str | None, now: datetime) -> None:
    """Inside a caller's transaction: use up ``user``'s draft (for ``recall_id``, if any);
    ``DraftUsed`` when it is unknown, someone else's, or used already."""
    used = db.execute(
        "UPDATE drafts SET used_at = ?, recall_id = ? "
        "WHERE id = ? AND requested_by = ? AND used_at IS NULL",
        (ts(now), recall_id, draft_id, user),
    ).rowcount
    if not used:
        raise DraftUsed(f"draft {draft_id} is unknown, not {user}'s, or already used")


def release_in(db: Database, draft_id: str, recall_id: str) -> None:
    """Inside a caller's transaction: make a draft usable again when the recall it became was
    taken back (it never reached Motive)."""
    db.execute(
        "UPDATE drafts SET used_at = NULL, recall_id = NULL WHERE id = ? AND recall_id = ?",
        (draft_id, recall_id),
    )


class Drafts:
    """Previewed requests, by id."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(
        self,
        request: RecallRequest,
        requested_by: str,
        now: datetime,
        phrase: str | None = None,
        origin: Origin | None = None,
        response_url: str | None = None,
        more: list[RecallRequest] | None = None,
    ) -> PendingRequest:
        """Keep a previewed request (and ``more``, asked for with it) until its Request
        button is pressed."""
        draft = PendingRequest(
            id="d" + secrets.token_hex(8),
            request=request,
            requests=(request, *more) if more else (),
            phrase=phrase,
            requested_by=requested_by,
            team_id=origin.team_id if origin else None,
            channel_id=origin.channel_id if origin else None,
            thread_ts=origin.thread_ts if origin else None,
            response_url=response_url,
            moment=origin.moment.astimezone(UTC) if origin and origin.moment else None,
            created_at=now.astimezone(UTC),
        )
        # A plain INSERT, and the draft as built (not read back): sqlite-utils' insert reads the
        # table's columns first, and the two were a fifth of a burst's CPU (bench/ack.py).
        with self._connection.write() as db:
            db.execute(
                "INSERT INTO drafts (id, request, phrase, requested_by, team_id, channel_id, "
                "thread_ts, response_url, moment, requests, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (draft.id, request.model_dump_json(), phrase, requested_by, draft.team_id,
                 draft.channel_id, draft.thread_ts, response_url,
                 ts(draft.moment) if draft.moment else None,
                 json.dumps([r.model_dump(mode="json") for r in draft.requests]) if more else None,
                 ts(now)),
            )  # fmt: skip
        return draft

    def get(self, draft_id: str) -> PendingRequest | None:
        """A draft by id."""
        with self._connection.read() as db:
            rows = list(db.query("SELECT * FROM drafts WHERE id = ?", (draft_id,)))
        if not rows:
            return None
        row = {k: v for k, v in rows[0].items() if v is not None}
        several = json.loads(rows[0]["requests"]) if rows[0].get("requests") else []
        return PendingRequest.model_validate(
            row | {"request": json.loads(rows[0]["request"]), "requests": several}
        )

    def prune(self, before: datetime, batch: int = 1000) -> int:
        """Remove up to ``batch`` drafts made before ``before`` (used, or never pressed: their
        buttons then answer that the preview is gone); how many."""
        with self._connection.write() as db:
            return db.execute(
                "DELETE FROM drafts WHERE id IN (SELECT id FROM drafts WHERE created_at < ? "
                "ORDER BY created_at LIMIT ?)",
                (ts(before), batch),
            ).rowcount

    def use(self, draft_id: str, user: str, now: datetime) -> bool:
        """Use up ``user``'s draft without a recall (Cancel, or a modal that replaced it);
        False when it is unknown, someone else's, or was already used."""
        try:
            with self._connection.write() as db:
                use_in(db, draft_id, user, None, now)
        except DraftUsed:
            return False
        return True
