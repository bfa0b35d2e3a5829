"""Image captures ("look now"): each one asked for, where it came from, and how far it has got.

A capture is tracked like a recall, with one difference that shapes its states: Motive has no
duplicate check for captures, so a create whose fate is unknown can never be asked again. The
row is written 'submitting' (never sent), marked 'sending' just before Motive is called, and
given Motive's request id when the answer comes. After a crash a 'submitting' row is sent
once; a 'sending' row past its sender's deadline is ended 'unknown', never sent again.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from bot.motive import ImageCapture
from bot.recall import CameraPosition
from bot.store.connection import Connection, placeholders, ts
from bot.store.errors import StoreError
from bot.store.followed import Followed
from bot.store.rows import Delivery, Origin, asker
from bot.store.schema import CAPTURES_OWED


class CaptureState(StrEnum):
    """Where a capture stands (Motive's statuses, plus recallbot's own)."""

    SUBMITTING = "submitting"  # row written, Motive not called: safe to send
    SENDING = "sending"  # Motive is being called (or was, when its sender died): never resent
    PENDING = "pending"
    PROCESSING = "processing"
    SUCCESS = "success"
    FAILED = "failed"  # Motive could not take it (the camera offline)
    REFUSED = "refused"  # Motive refused the create
    UNKNOWN = "unknown"  # sent, and whether Motive took it could not be learned
    EXPIRED = "expired"  # followed until the deadline without an answer

    @property
    def finished(self) -> bool:
        """Whether nothing more will happen to it (its answer is due)."""
        return self not in _IN_FLIGHT


_IN_FLIGHT = (CaptureState.SUBMITTING, CaptureState.SENDING, CaptureState.PENDING,
              CaptureState.PROCESSING)  # fmt: skip
_FINISHED = tuple(state for state in CaptureState if state.finished)

TargetKindName = Literal["vehicle", "asset"]


class TrackedCapture(BaseModel):
    """One capture as the store holds it."""

    model_config = ConfigDict(frozen=True)

    id: str
    look_id: str  # the captures asked for together (one per position) share it
    kind: TargetKindName
    target: str  # the vehicle's number or the asset's name, as Motive knows it
    position: CameraPosition
    requested_by: str
    state: CaptureState
    request_id: str | None = None  # Motive's
    camera_type: str | None = None  # dashcam or omnicam: half of Motive's address of it
    created_at: AwareDatetime
    updated_at: AwareDatetime
    sent_at: AwareDatetime | None = None
    finished_at: AwareDatetime | None = None
    next_check_at: AwareDatetime | None = None
    deadline_at: AwareDatetime
    attempts: int = 0
    last_error: str | None = None  # why it ended without an image, or what a check met
    code: str | None = None  # the same, as a code (``bot.look.outcomes``)
    image_url: str | None = None  # pre-signed and expiring: never logged
    image_expires_at: AwareDatetime | None = None
    origin: Origin | None = None
    delivery: Delivery = Delivery.NONE
    delivery_attempt: str | None = None
    delivered_at: AwareDatetime | None = None
    delivery_tries: int = 0
    delivery_next_at: AwareDatetime | None = None
    delivery_note: str | None = None
    answer_ts: str | None = None
    notified_state: CaptureState | None = None
    notified_at: AwareDatetime | None = None

    def about(self) -> dict[str, str | None]:
        """What log lines about this capture carry (``bot.plumbing.logs.context``)."""
        origin = self.origin
        return {
            "capture_id": self.id,
            "motive_id": self.request_id,
            "channel": origin.channel_id if origin else None,
            "user": asker(origin, self.requested_by),
        }


class Captures:
    """Named queries over the captures."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._followed = Followed(connection, "captures", _FINISHED)

    # -- reading ------------------------------------------------------------------------------

    def select(
        self, where: str, params: tuple[Any, ...] = (), tail: str = ""
    ) -> list[TrackedCapture]:
        """Captures matching an SQL condition."""
        with self._connection.read() as db:
            found = list(db.query(f"SELECT * FROM captures WHERE {where} {tail}", params))
        return [self._capture(row) for row in found]

    @staticmethod
    def _capture(row: dict[str, Any]) -> TrackedCapture:
        values = {k: v for k, v in row.items() if k in TrackedCapture.model_fields
                  and v is not None}  # fmt: skip
        kind, _, name = str(row["target"]).partition(":")
        origin = None
        if row.get("origin"):
            origin = Origin.model_validate(json.loads(row["origin"]) |
                                           {"status_ts": row.get("status_ts")})  # fmt: skip
        return TrackedCapture.model_validate(
            values | {"kind": kind, "target": name, "origin": origin}
        )

    def get(self, capture_id: str) -> TrackedCapture | None:
        """A capture by recallbot's id."""
        found = self.select("id = ?", (capture_id,))
        return found[0] if found else None

    def must(self, capture_id: str) -> TrackedCapture:
        """A capture that must exist (StoreError if it vanished)."""
        found = self.get(capture_id)
        if found is None:
            raise StoreError(f"capture {capture_id} vanished from the store")
        return found

    def of_look(self, look_id: str) -> list[TrackedCapture]:
        """The captures of one look, in the order they were asked for."""
        return self.select("look_id = ?", (look_id,), "ORDER BY created_at, rowid")

    def recent(self, limit: int = 20) -> list[TrackedCapture]:
        """The latest captures, newest first."""
        return self.select("1 = 1", (), f"ORDER BY created_at DESC, rowid DESC LIMIT {int(limit)}")

    def next_due(self) -> datetime | None:
        """When the earliest scheduled check is due (None when nothing is followed)."""
        return self._followed.next_due()

    def outstanding(self) -> int:
        """Captures in flight or whose answer is still owed."""
        in_flight = placeholders(_IN_FLIGHT)
        with self._connection.read() as db:
            row = db.execute(
                f"SELECT COUNT(*) FROM captures WHERE state IN ({in_flight}) "
                "OR delivery NOT IN ('delivered', 'undeliverable')",
                _IN_FLIGHT,
            ).fetchone()
        return int(row[0])

    # -- asking -------------------------------------------------------------------------------

    def add_submitting(
        self,
        wanted: list[tuple[TargetKindName, str, CameraPosition]],
        requested_by: str,
        origin: Origin | None,
        now: datetime,
        deadline: datetime,
        settle_by: datetime,
    ) -> list[TrackedCapture]:
        """Write a row per (kind, target, position) before Motive is called, all in one
        transaction under one new look id. The caller owns them until ``settle_by``; a row
        still 'submitting' then is sent by a follower."""
        look_id = "l" + secrets.token_hex(5)
        ids = []
        shown = origin.model_dump(mode="json", exclude={"status_ts"}) if origin else None
        with self._connection.write(durable=True) as db:  # Motive is called next
            for kind, name, position in wanted:
                ids.append("c" + secrets.token_hex(5))
                db.table("captures").insert({
                    "id": ids[-1], "look_id": look_id, "target": f"{kind}:{name}",
                    "position": position.value, "requested_by": requested_by,
                    "state": CaptureState.SUBMITTING.value, "created_at": ts(now),
                    "updated_at": ts(now), "deadline_at": ts(deadline),
                    "next_check_at": ts(settle_by),
                    "origin": json.dumps(shown) if shown else None,
                    "status_ts": origin.status_ts if origin else None,
                })  # fmt: skip
        return [self.must(capture_id) for capture_id in ids]

    def set_status_message(self, look_id: str, status_ts: str) -> None:
        """The status message a surface posted for a look (its thread, when it had none)."""
        with self._connection.write() as db:
            db.execute("UPDATE captures SET status_ts = ? WHERE look_id = ? AND status_ts IS NULL",
                       (status_ts, look_id))  # fmt: skip

    def withdraw(self, look_id: str) -> bool:
        """Take back a look that never reached Motive because its surface could not show it
        (Slack would not take the status message): its rows go. False, and nothing changes,
        when a follower already took one over (it sends them and answers)."""
        with self._connection.write() as db:
            taken = db.execute(
                "SELECT 1 FROM captures WHERE look_id = ? AND (state != 'submitting' OR "
                "lease_until IS NOT NULL OR status_ts IS NOT NULL)", (look_id,),
            ).fetchone()  # fmt: skip
            if taken is not None:
                return False
            db.execute("DELETE FROM captures WHERE look_id = ?", (look_id,))
        return True

    def claim_send(self, capture_id: str, now: datetime, sent_by: datetime) -> bool:
        """Take the one right to call Motive for a row never sent: it becomes 'sending',
        owned by its sender until ``sent_by`` (then a follower ends it 'unknown'). False when
        someone else took it."""
        with self._connection.write() as db:
            return bool(db.execute(
                "UPDATE captures SET state = 'sending', updated_at = ?, next_check_at = ?, "
                "lease_until = NULL WHERE id = ? AND state = 'submitting'",
                (ts(now), ts(sent_by), capture_id),
            ).rowcount)  # fmt: skip

    def mark_sent(
        self, capture_id: str, made: ImageCapture, now: datetime, next_check: datetime
    ) -> TrackedCapture:
        """Motive took the capture: remember its address and when to look at it first (only a
        row still 'sending' changes)."""
        state = CaptureState(made.status.value)
        with self._connection.write() as db:
            db.execute(
                "UPDATE captures SET request_id = ?, camera_type = ?, state = ?, sent_at = ?, "
                "updated_at = ?, next_check_at = ?, lease_until = NULL "
                "WHERE id = ? AND state = 'sending'",
                (str(made.request_id), made.camera_type, state.value, ts(now), ts(now),
                 ts(next_check), capture_id),
            )  # fmt: skip
        return self.must(capture_id)

    def unsend(self, capture_id: str, reason: str, now: datetime, later: datetime) -> None:
        """Motive provably never got the capture (a 429, no connection): 'submitting' again,
        to be sent at ``later``."""
        with self._connection.write() as db:
            db.execute(
                "UPDATE captures SET state = 'submitting', attempts = attempts + 1, "
                "last_error = ?, updated_at = ?, next_check_at = ?, lease_until = NULL "
                "WHERE id = ? AND state = 'sending'",
                (reason, ts(now), ts(later), capture_id),
            )

    # -- following ----------------------------------------------------------------------------

    def claim_due(
        self, now: datetime, limit: int, lease: timedelta, only: str | None = None
    ) -> list[TrackedCapture]:
        """Take up to ``limit`` captures whose check is due, leased so no one else does."""
        ids = tuple(self._followed.claim_due(now, limit, lease, only))
        return self.select(f"id IN ({placeholders(ids)})", ids) if ids else []

    def record_check(
        self, capture_id: str, seen: ImageCapture, now: datetime, next_check: datetime,
        failed: tuple[str, str] | None = None,
    ) -> TrackedCapture:
        """What a check found (``failed``: the code and words of a failure); the image's
        link once it is done."""
        state = CaptureState(seen.status.value)
        image = seen.image
        code, reason = failed or (None, None)
        with self._connection.write() as db:
            db.execute(
                "UPDATE captures SET state = ?, attempts = attempts + 1, updated_at = ?, "
                "lease_until = NULL, last_error = ?, code = ?, image_url = ?, "
                "image_expires_at = ?, finished_at = CASE WHEN ? THEN ? ELSE NULL END, "
                "next_check_at = CASE WHEN ? THEN NULL ELSE ? END "
                f"WHERE id = ? AND state IN ({placeholders(_IN_FLIGHT)})",
                (state.value, ts(now), reason, code, image.url if image else None,
                 ts(image.expires_at) if image and image.expires_at else None,
                 state.finished, ts(now), state.finished, ts(next_check), capture_id,
                 *_IN_FLIGHT),
            )  # fmt: skip
        return self.must(capture_id)

    def record_check_failure(
        self, capture_id: str, error: str, now: datetime, next_check: datetime
    ) -> None:
        """A check could not reach Motive: keep the capture, look again later."""
        with self._connection.write() as db:
            db.execute(
                "UPDATE captures SET attempts = attempts + 1, last_error = ?, updated_at = ?, "
                "lease_until = NULL, next_check_at = ? WHERE id = ?",
                (error, ts(now), ts(next_check), capture_id),
            )

    def record_image(self, capture_id: str, url: str, expires_at: datetime | None) -> None:
        """A fresh link to a finished capture's image (the last one expired)."""
        with self._connection.write() as db:
            db.execute(
                "UPDATE captures SET image_url = ?, image_expires_at = ? WHERE id = ?",
                (url, ts(expires_at) if expires_at else None, capture_id),
            )

    def mark_ended(
        self, capture_id: str, state: CaptureState, code: str, reason: str, now: datetime
    ) -> TrackedCapture:
        """End a capture without Motive's final word (refused, unknown, expired); one that
        ended already keeps its first ending."""
        with self._connection.write() as db:
            db.execute(
                "UPDATE captures SET state = ?, code = ?, last_error = ?, finished_at = ?, "
                "updated_at = ?, next_check_at = NULL, lease_until = NULL "
                f"WHERE id = ? AND state IN ({placeholders(_IN_FLIGHT)})",
                (state.value, code, reason, ts(now), ts(now), capture_id, *_IN_FLIGHT),
            )
        return self.must(capture_id)

    def record_status_notified(self, capture_id: str, state: CaptureState, now: datetime) -> None:
        """The requester was shown this state."""
        self._followed.record_status_notified(capture_id, state.value, now)

    # -- delivering ---------------------------------------------------------------------------

    def undelivered(self, stale_before: datetime, now: datetime) -> list[TrackedCapture]:
        """Finished captures whose answer is owed now (the partial index answers it)."""
        return self.select(
            f"{CAPTURES_OWED} AND (delivery = 'none' OR delivery_claimed_at <= ?) "
            "AND (delivery_next_at IS NULL OR delivery_next_at <= ?)",
            (ts(stale_before), ts(now)),
        )

    def claim_delivery(
        self, capture_id: str, attempt: str, now: datetime, stale_before: datetime
    ) -> TrackedCapture | None:
        """Take the right to deliver a finished capture's answer (``Followed``)."""
        claimed = self._followed.claim_delivery(capture_id, attempt, now, stale_before)
        return self.get(capture_id) if claimed else None

    def record_delivery(
        self, capture_id: str, attempt: str, now: datetime, answer_ts: str | None = None
    ) -> bool:
        """The answer reached the requester (only the attempt holding the claim counts)."""
        return self._followed.record_delivery(capture_id, attempt, now, answer_ts)

    def retry_delivery(self, capture_id: str, attempt: str, note: str, at: datetime) -> bool:
        """The attempt holding the claim failed: tried again at ``at``."""
        return self._followed.retry_delivery(capture_id, attempt, note, at)

    def give_up_delivery(self, capture_id: str, attempt: str, note: str) -> bool:
        """The attempt holding the claim met a refusal for good: 'undeliverable'."""
        return self._followed.give_up_delivery(capture_id, attempt, note)
