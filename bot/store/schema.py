"""The store's schema, as forward migrations run at start-up (``PRAGMA user_version``).

Each migration runs once, in order, inside its own transaction; a database made by a newer
recallbot (a higher version than this code knows) is refused rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

ALERT_POST_OWED = "(posted_digest IS NULL OR posted_digest != digest OR auto IS 'due')"
"""An alert whose message is not out, not current, or whose automatic request is due. The
owed-alerts query uses this very text, so SQLite answers it from the partial index."""
MEDIA_OWED = (
    "state = 'success' AND delivery = 'delivered' AND (media IS NULL OR media IN "
    "('claimed', 'retry'))"
)
"""A recall whose footage may be owed (the footage loop's question, from a partial index)."""
ALERT_MEDIA_OWED = (
    "(media_wanted IS NOT NULL AND (media_digest IS NULL OR media_digest != media_wanted))"
)
"""An alert whose thread lacks Motive's latest clip (one that failed for good is recorded as
done, with ``media_note``)."""


def _v1(db: Database) -> None:
    db.table("recalls").create(
        {
            "id": str,
            "motive_id": str,
            "fingerprint": str,
            "request": str,  # the validated RecallRequest, as JSON
            "requested_by": str,
            "state": str,
            "created_at": str,
            "updated_at": str,
            "submitted_at": str,
            "finished_at": str,
            "next_check_at": str,
            "lease_until": str,
            "deadline_at": str,
            "attempts": int,
            "last_error": str,
            "cameras": str,  # the latest camera results, as JSON
            "delivery": str,
            "delivery_attempt": str,
            "delivery_claimed_at": str,
            "delivered_at": str,
            "notified_state": str,
            "notified_at": str,
            "poked": int,  # a webhook asked for a check while one was under way
        },
        pk="id",
        not_null={
            "fingerprint",
            "request",
            "requested_by",
            "state",
            "created_at",
            "updated_at",
            "deadline_at",
            "attempts",
            "cameras",
            "delivery",
            "poked",
        },
        defaults={"attempts": 0, "cameras": "[]", "delivery": "none", "poked": 0},
    )
    db.table("recalls").create_index(["motive_id"], unique=True)
    db.table("recalls").create_index(["next_check_at"])
    db.table("recalls").create_index(["fingerprint", "finished_at"])
    # At most one recall in flight per fingerprint: two identical requests racing each other
    # cannot both reach Motive (sqlite-utils cannot express a partial index).
    db.execute(
        "CREATE UNIQUE INDEX recalls_one_in_flight ON recalls(fingerprint) "
        "WHERE state IN ('submitting', 'pending', 'processing')"
    )
    db.table("origins").create(
        {
            "recall_id": str,
            "surface": str,
            "team_id": str,
            "channel_id": str,
            "thread_ts": str,
            "status_ts": str,
            "user_id": str,
        },
        pk="recall_id",
        not_null={"surface"},
        foreign_keys=[("recall_id", "recalls", "id")],
    )
    db.table("inbound_events").create(
        {"key": str, "received_at": str}, pk="key", not_null={"received_at"}
    )
    db.table("audit").create(
        {"id": int, "at": str, "actor": str, "action": str, "recall_id": str, "detail": str},
        pk="id",
        not_null={"at", "actor", "action", "detail"},
    )
    db.table("audit").create_index(["at"])
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER audit_no_{event.lower()} BEFORE {event} ON audit "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )
    db.table("vehicle_limits").create(
        {"vehicle_number": str, "smart_dashcam": int, "learned_at": str},
        pk="vehicle_number",
        not_null={"smart_dashcam", "learned_at"},
    )


def _v2(db: Database) -> None:
    """Drafts: a previewed request waiting for its Request button (used once)."""
    db.table("drafts").create(
        {
            "id": str,
            "request": str,
            "phrase": str,
            "requested_by": str,
            "team_id": str,
            "channel_id": str,
            "thread_ts": str,
            "response_url": str,
            "created_at": str,
            "used_at": str,
        },
        pk="id",
        not_null={"request", "requested_by", "created_at"},
    )
    # The requester's time zone, so messages updated later show their local time.
    db.table("origins").add_column("zone", str)


def _v3(db: Database) -> None:
    """Nothing lost: a repeat request may adopt a Motive recall another row holds (so
    ``motive_id`` is no longer unique); a draft names the recall it became, in the same
    transaction; a 'submitting' row carries the deadline by which its owner must settle it
    (``next_check_at``; after it, any tracker does); a delivered answer keeps its message ts,
    so only that message's Refresh button can refresh it."""
    db.execute("DROP INDEX IF EXISTS idx_recalls_motive_id")
    db.table("recalls").create_index(["motive_id"], index_name="recalls_by_motive_id")
    db.table("recalls").add_column("answer_ts", str)
    db.table("drafts").add_column("recall_id", str)
    db.execute(
        "UPDATE recalls SET next_check_at = created_at "
        "WHERE state = 'submitting' AND next_check_at IS NULL"
    )


def _v4(db: Database) -> None:
    """The footage itself in the thread: whether a delivered recall's clips and stills were
    put in its thread (NULL: not yet; 'claimed' by an attempt; 'retry' after a failure, at
    ``media_next_at``; 'done', 'failed' or 'skipped'), and what was shared. Recalls answered
    before this version are 'skipped': an upgrade never posts old footage."""
    recalls = db.table("recalls")
    for column, kind in (("media", str), ("media_attempt", str), ("media_claimed_at", str),
                         ("media_next_at", str), ("media_tries", int), ("media_files", str),
                         ("media_note", str)):  # fmt: skip
        recalls.add_column(column, kind)
    db.execute("UPDATE recalls SET media = 'skipped', media_tries = 0 WHERE delivery = 'delivered'")


def _v5(db: Database) -> None:
    """The moment a request asked about ("3pm" in "3pm 2 min", an alert's start), kept with
    its draft and its origin, so each camera's still is the frame of that moment."""
    db.table("drafts").add_column("moment", str)
    db.table("origins").add_column("moment", str)


def _v6(db: Database) -> None:
    """Safety events: each Motive event once (by its id), the digest of its latest delivery
    and of what its message shows, the message, and what was requested for it; and drafts
    of several targets at once."""
    db.table("alerts").create(
        {
            "id": str, "type": str, "event": str, "digest": str, "event_at": str,
            "received_at": str, "updated_at": str, "deliveries": int, "posted_digest": str,
            "channel_id": str, "message_ts": str, "vehicle_number": str, "attempt": str,
            "claimed_at": str, "auto": str, "recall_id": str, "media_wanted": str,
            "media_digest": str, "media_tries": int,
        },
        defaults={"media_tries": 0},
        pk="id",
        not_null={"type", "event", "digest", "event_at", "received_at"},
    )  # fmt: skip
    db.table("alerts").create_index(["event_at"], index_name="alerts_by_event_at")
    # Several targets asked for at once: every request of the preview (``request``: the first),
    # and the one status message they share, found by its ts.
    db.table("drafts").add_column("requests", str)
    db.table("origins").create_index(["channel_id", "status_ts"], index_name="origins_by_status")


ROUTINE_AUDIT = ("alert_posted", "alert_updated", "alert_media_done", "alert_media_failed",
                 "alert_media_skipped", "links_refreshed", "delivery_failed")  # fmt: skip
"""Audit kinds that record routine work, not a person's request or a refusal: the only ones
``RECALLBOT_AUDIT_RETENTION`` may remove (the store itself refuses to delete any other)."""


def _v7(db: Database) -> None:
    """Bounded work and storage, and a budget that counts decisions.

    An automatic request's decision keeps when it was made and for how many minutes
    (``auto_at``, ``auto_minutes``): the day's budget counts every 'due' and 'requested'
    decision, so events decided while posting fails cannot all be requested later. Posting an
    alert and sharing Motive's clip back off (``post_tries``/``post_next_at``,
    ``media_next_at``); a clip that keeps failing ends in ``media_note``. The loops' questions
    ("what is owed?") are answered by partial indexes, so an idle bot's work does not grow with
    history; retention may delete routine audit kinds only."""
    alerts = db.table("alerts")
    for column, kind in (("auto_at", str), ("auto_minutes", int), ("post_tries", int),
                         ("post_next_at", str), ("media_next_at", str), ("media_note", str)):
        alerts.add_column(column, kind)
    db.execute("UPDATE alerts SET post_tries = 0")
    # Decisions made before this version: the day they were received (the budget then).
    db.execute("UPDATE alerts SET auto_at = received_at WHERE auto IS NOT NULL")
    db.execute(f"CREATE INDEX alerts_post_owed ON alerts(event_at) WHERE {ALERT_POST_OWED}")
    db.execute(f"CREATE INDEX alerts_media_owed ON alerts(event_at) WHERE {ALERT_MEDIA_OWED}")
    db.execute("CREATE INDEX alerts_decided ON alerts(auto_at) WHERE auto IS NOT NULL")
    alerts.create_index(["updated_at"], index_name="alerts_by_updated_at")
    db.table("drafts").create_index(["created_at"], index_name="drafts_by_created_at")
    db.execute(f"CREATE INDEX recalls_media_owed ON recalls(delivered_at) WHERE {MEDIA_OWED}")
    db.execute("DROP TRIGGER audit_no_delete")
    routine = ", ".join(f"'{kind}'" for kind in ROUTINE_AUDIT)
    db.execute(
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
        f"WHEN OLD.action NOT IN ({routine}) "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (routine kinds age out)'); END"
    )


def _v8(db: Database) -> None:
    """An answer Slack refuses ends. A failed delivery is tried again at ``delivery_next_at``
    (a back-off that survives a restart, not a lease expiring every few seconds);
    ``delivery_tries`` counts the failed tries and ``delivery_note`` says what the last one met.
    An answer refused for good (the channel archived or gone, the bot removed) ends as
    ``delivery = 'undeliverable'``, with its reason in ``delivery_note``."""
    recalls = db.table("recalls")
    recalls.add_column("delivery_tries", int, not_null_default=0)
    recalls.add_column("delivery_next_at", str)
    recalls.add_column("delivery_note", str)


def _v9(db: Database) -> None:
    """Cameras a vehicle or asset does not have, learned from Motive's refusal (no field says
    which cameras a target has): a preview then says so before anything is spent. ``target``
    is ``vehicle:NUMBER`` or ``asset:NAME``; ``position`` a camera position."""
    db.table("missing_cameras").create(
        {"target": str, "position": str, "learned_at": str},
        pk=("target", "position"),
        not_null={"learned_at"},
    )


CAPTURES_OWED = (
    "state IN ('success', 'failed', 'refused', 'unknown', 'expired') "
    "AND delivery IN ('none', 'claimed')"
)
"""A capture whose answer is owed (the follower's question, from a partial index)."""


def _v10(db: Database) -> None:
    """Look now: each image capture asked for, tracked like a recall. The row is written
    ('submitting') before Motive is called and marked 'sending' just before the call, since
    Motive has no duplicate check for captures: after a crash a 'submitting' row is sent once,
    a 'sending' one is ended 'unknown', never sent again. ``look_id`` ties the captures of one
    look together (one per position, one status message); ``target`` is ``vehicle:NUMBER`` or
    ``asset:NAME``; ``origin`` the ``Origin`` as JSON (``status_ts`` apart: set later); ``code``
    says why a capture ended without an image. Followed by ``next_check_at`` under a lease and
    answered once, with the recall's delivery columns."""
    db.table("captures").create(
        {
            "id": str, "look_id": str, "target": str, "position": str, "requested_by": str,
            "state": str, "request_id": str, "camera_type": str, "created_at": str,
            "updated_at": str, "sent_at": str, "finished_at": str, "next_check_at": str,
            "lease_until": str, "deadline_at": str, "attempts": int, "last_error": str,
            "code": str, "image_url": str, "image_expires_at": str, "origin": str,
            "status_ts": str, "delivery": str, "delivery_attempt": str,
            "delivery_claimed_at": str, "delivered_at": str, "delivery_tries": int,
            "delivery_next_at": str, "delivery_note": str, "answer_ts": str,
            "notified_state": str, "notified_at": str,
        },
        pk="id",
        not_null={"look_id", "target", "position", "requested_by", "state", "created_at",
                  "updated_at", "deadline_at", "attempts", "delivery", "delivery_tries"},
        defaults={"attempts": 0, "delivery": "none", "delivery_tries": 0},
    )  # fmt: skip
    db.execute("CREATE INDEX captures_due ON captures(next_check_at) "
               "WHERE next_check_at IS NOT NULL")  # fmt: skip
    db.execute(f"CREATE INDEX captures_owed ON captures(finished_at) WHERE {CAPTURES_OWED}")
    db.table("captures").create_index(["look_id"], index_name="captures_by_look")
    db.table("captures").create_index(["created_at"], index_name="captures_by_created_at")


MIGRATIONS: tuple[Callable[[Database], None], ...] = (
    _v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9, _v10
)  # fmt: skip
"""Append only: a migration, once released, never changes."""
