"""Typed views of Motive's answers, tolerant of what the documentation leaves open.

Unknown fields are ignored, ids arrive as integers or strings (the create page types ``id`` as
an integer, the details page as a string) and are kept as strings, and lists come either wrapped
(``{"vehicles": [{"vehicle": {...}}]}``) or bare.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from bot.recall import CameraPosition, RecallType


def _id_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


MotiveId = Annotated[str, BeforeValidator(_id_text)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class RecallStatus(StrEnum):
    """Where a recall stands. Motive's own words are mapped onto these by ``MotiveShapes``,
    passed as the validation context ``{"statuses": {...}}``."""

    PENDING = "pending"
    PROCESSING = "processing"
    SUCCESS = "success"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        """Whether Motive will not change this recall any more."""
        return self in (RecallStatus.SUCCESS, RecallStatus.FAILED)


def _status(value: Any, info: ValidationInfo) -> Any:
    """Map Motive's word for a status onto ours ("completed" may mean success)."""
    if not isinstance(value, str):
        return value
    words: dict[str, RecallStatus] = (info.context or {}).get("statuses", {})
    word = value.strip().lower()
    return words.get(word, word)


StatusWord = Annotated[RecallStatus, BeforeValidator(_status)]


class VehicleRef(_Lenient):
    """A vehicle as a recall or timeline names it."""

    id: MotiveId | None = None
    number: str | None = None


class AssetRef(_Lenient):
    """An asset as a recall or timeline names it."""

    id: MotiveId | None = None
    name: str | None = None


class CameraResult(_Lenient):
    """One camera's part of a recall: its status and, once ready, a link that expires."""

    camera_type: str | None = None
    position: CameraPosition | str = Field(union_mode="left_to_right")
    status: StatusWord = RecallStatus.PENDING
    download_url: str | None = Field(None, validation_alias=AliasChoices("download_url", "url"))
    expires_at: AwareDatetime | None = None
    failure_reason: str | None = Field(
        None, validation_alias=AliasChoices("failure_reason", "error_message", "reason")
    )


class RecallDetails(_Lenient):
    """A recall request as Motive reports it (create and details answers)."""

    id: MotiveId
    status: StatusWord
    primary_entity: str | None = None
    vehicle: VehicleRef | None = None
    asset: AssetRef | None = None
    start_time: AwareDatetime | None = None
    end_time: AwareDatetime | None = None
    recall_type: RecallType | str | None = Field(None, union_mode="left_to_right")
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    cameras: list[CameraResult] = Field(default_factory=list)

    @field_validator("cameras", mode="before")
    @classmethod
    def _no_cameras_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


class QuotaBucket(_Lenient):
    """Minutes of one recall type: used, left and in all this month."""

    used_minutes: float = 0
    remaining_minutes: float = 0
    total_minutes: float = 0


class QuotaInfo(_Lenient):
    """Quota per recall type."""

    regular: QuotaBucket = Field(default_factory=QuotaBucket)
    timelapse: QuotaBucket = Field(default_factory=QuotaBucket)

    def bucket(self, recall_type: RecallType) -> QuotaBucket:
        """The bucket a recall of this type spends."""
        return self.regular if recall_type is RecallType.REGULAR else self.timelapse


class Quota(_Lenient):
    """The quota endpoint's answer (its rate-limit block has no documented field names)."""

    quota_info: QuotaInfo
    rate_limit: dict[str, Any] | None = None


class TimeWindow(_Lenient):
    """A stretch of time for which the camera holds footage."""

    start_time: AwareDatetime
    end_time: AwareDatetime

    def covers(self, start: datetime, end: datetime) -> bool:
        """Whether the whole of [start, end] lies inside this window."""
        return self.start_time <= start and end <= self.end_time


class EldDevice(_Lenient):
    """The gateway that carries the cameras' uploads."""

    id: MotiveId | None = None
    identifier: str | None = None


class Timelines(_Lenient):
    """Where footage exists for one vehicle or asset, and the quota beside it."""

    primary_entity: str | None = None
    vehicle: VehicleRef | None = None
    asset: AssetRef | None = None
    eld_device: EldDevice | None = None
    available_timelines: list[TimeWindow] = Field(default_factory=list)
    quota_info: QuotaInfo | None = None


class Vehicle(_Lenient):
    """A vehicle of the fleet (only the fields recallbot uses are named)."""

    id: MotiveId
    number: str
    status: str | None = None
    make: str | None = None
    model: str | None = None


class Asset(_Lenient):
    """An asset of the fleet (trailers, yard equipment...)."""

    id: MotiveId
    name: str
    status: str | None = None
    type: str | None = None


class WebhookSubscription(_Lenient):
    """One of the company's webhook subscriptions (``GET /company_webhooks``): where Motive
    sends which actions. Motive may or may not show the secret."""

    id: MotiveId
    url: str | None = None
    secret: str | None = None
    format: str | None = None
    actions: list[str] = Field(default_factory=list)
    enabled: bool | None = None

    @field_validator("actions", mode="before")
    @classmethod
    def _no_actions_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


class Pagination(_Lenient):
    """Where a page sits in a list."""

    per_page: int = 25
    page_no: int = 1
    total: int = 0
