"""What the store holds, as typed rows."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from bot.motive import CameraResult
from bot.recall import RecallRequest


class RecallState(StrEnum):
    """Where a recall stands in recallbot (Motive's statuses, plus recallbot's own)."""

    SUBMITTING = "submitting"  # row written, Motive not (yet known to be) called
    PENDING = "pending"
    PROCESSING = "processing"
    SUCCESS = "success"
    FAILED = "failed"
    EXPIRED = "expired"  # followed until the deadline without an answer
    REFUSED = "refused"  # Motive refused the create
    UNKNOWN = "unknown"  # the create's outcome could not be established

    @property
    def finished(self) -> bool:
        """Whether nothing more will happen to it (its answer is due)."""
        return self not in (RecallState.SUBMITTING, RecallState.PENDING, RecallState.PROCESSING)


IN_FLIGHT = (RecallState.SUBMITTING, RecallState.PENDING, RecallState.PROCESSING)

WebhookOutcome = Literal["accepted", "duplicate", "unknown"]
"""What became of a webhook: recorded, seen before, or not about a recall of ours."""


class Delivery(StrEnum):
    """Whether the final answer has reached the requester."""

    NONE = "none"
    CLAIMED = "claimed"  # an attempt id is recorded: delivery started, not confirmed
    DELIVERED = "delivered"
    UNDELIVERABLE = "undeliverable"  # refused for good (the channel archived or gone): ended

    @property
    def ended(self) -> bool:
        """Whether nothing more will be tried: delivered, or given up."""
        return self in (Delivery.DELIVERED, Delivery.UNDELIVERABLE)


class Origin(BaseModel):
    """Where a recall was asked for, and so where its answer goes."""

    model_config = ConfigDict(frozen=True)

    surface: str  # "slack" or "cli"
    team_id: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    status_ts: str | None = None
    user_id: str | None = None
    zone: str | None = None  # the requester's IANA zone, for times shown later
    moment: AwareDatetime | None = None  # the instant asked about (its still); None: the middle


def asker(origin: Origin | None, requested_by: str) -> str:
    """Who asked: the person's id on the surface they asked on, else the name the row was
    recorded under (a CLI user, an alert's rule)."""
    return (origin.user_id if origin else None) or requested_by


class TrackedRecall(BaseModel):
    """One recall as the store holds it."""

    model_config = ConfigDict(frozen=True)

    id: str
    motive_id: str | None = None
    fingerprint: str
    request: RecallRequest
    requested_by: str
    state: RecallState
    created_at: AwareDatetime
    updated_at: AwareDatetime
    submitted_at: AwareDatetime | None = None
    finished_at: AwareDatetime | None = None
    next_check_at: AwareDatetime | None = None
    deadline_at: AwareDatetime
    attempts: int = 0
    last_error: str | None = None
    cameras: list[CameraResult] = Field(default_factory=list)
    delivery: Delivery = Delivery.NONE
    delivery_attempt: str | None = None
    delivered_at: AwareDatetime | None = None
    delivery_tries: int = 0  # failed tries of the answer
    delivery_next_at: AwareDatetime | None = None  # the next try, after a failed one
    delivery_note: str | None = None  # what the last failed try met; why it was given up
    answer_ts: str | None = None  # the Slack message holding the answer (its Refresh button)
    notified_state: RecallState | None = None
    notified_at: datetime | None = None
    origin: Origin | None = None
    media: str | None = None  # the footage in the thread: None, claimed, retry, done, ...
    media_tries: int = 0
    media_note: str | None = None
    media_files: tuple[str, ...] = ()
    """What is in the thread: the first group (stills and clips) while All angles is still
    owed, not shared again by a later attempt; everything once done."""

    @field_validator("media_files", mode="before")
    @classmethod
    def _files(cls, value: Any) -> Any:
        """The column holds a JSON list."""
        return json.loads(value) if isinstance(value, str) else value

    def about(self) -> dict[str, str | None]:
        """What log lines about this recall carry (``bot.plumbing.logs.context``)."""
        origin = self.origin
        return {
            "recall_id": self.id,
            "motive_id": self.motive_id,
            "channel": origin.channel_id if origin else None,
            "user": asker(origin, self.requested_by),
        }


class AuditEntry(BaseModel):
    """One line of the append-only audit log."""

    model_config = ConfigDict(frozen=True)

    id: int
    at: AwareDatetime
    actor: str
    action: str
    recall_id: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class PendingRequest(BaseModel):
    """A request previewed in Slack, waiting for its requester to press Request."""

    model_config = ConfigDict(frozen=True)

    id: str
    request: RecallRequest
    requests: tuple[RecallRequest, ...] = ()  # several targets: all of them (``request`` first)
    phrase: str | None = None
    requested_by: str
    team_id: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None
    moment: AwareDatetime | None = None
    created_at: AwareDatetime
    used_at: AwareDatetime | None = None
    recall_id: str | None = None  # the recall it became (or the one it duplicated)

    @property
    def every(self) -> tuple[RecallRequest, ...]:
        """Every request of the preview."""
        return self.requests or (self.request,)

    def origin_for(self, user: str, zone: str | None) -> Origin:
        """Where the recalls it becomes were asked for (and are answered)."""
        return Origin(surface="slack", team_id=self.team_id, channel_id=self.channel_id or "",
                      thread_ts=self.thread_ts, user_id=user, zone=zone,
                      moment=self.moment)  # fmt: skip
