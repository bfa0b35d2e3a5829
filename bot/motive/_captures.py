"""Typed views of Motive's image captures (Camera Media Access): one still from one camera
position, made asynchronously and followed by its request id.

Documented: ``request_id`` (an integer), ``camera_type``, ``position``, ``status`` (``success``
when done) and, when done, ``images: {<position>: {url, expires_at}}``. The other status words
are a guess, mapped like a recall's through ``MotiveShapes.status_words``.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, AwareDatetime, Field, field_validator

from bot.motive._models import AssetRef, MotiveId, StatusWord, VehicleRef, _Lenient


class CapturedImage(_Lenient):
    """The still itself: a pre-signed link that expires."""

    url: str = Field(validation_alias=AliasChoices("url", "download_url", "image_url"))
    expires_at: AwareDatetime | None = None


class ImageCapture(_Lenient):
    """An image capture as Motive reports it (create and details answers)."""

    request_id: MotiveId = Field(validation_alias=AliasChoices("request_id", "id"))
    camera_type: str
    position: str
    status: StatusWord
    images: dict[str, CapturedImage] = Field(default_factory=dict)
    vehicle: VehicleRef | None = None
    asset: AssetRef | None = None
    failure_reason: str | None = Field(
        None, validation_alias=AliasChoices("failure_reason", "error_message", "reason")
    )

    @field_validator("images", mode="before")
    @classmethod
    def _no_images_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value

    @property
    def image(self) -> CapturedImage | None:
        """The still of the capture's position (or the only one Motive gave)."""
        if self.position in self.images:
            return self.images[self.position]
        return next(iter(self.images.values()), None)
