"""Faults on demand: what a sandbox does wrong, for how many requests, and where.

Armed from settings, tests, or the admin endpoint (``POST /_sandbox/faults``), each fault
applies to the next ``count`` requests that match its method and path prefix.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel, Field


class FaultKind(StrEnum):
    """What goes wrong."""

    RATE_LIMIT = "rate_limit"  # answer 429 (with Retry-After when retry_after is set)
    ERROR = "error"  # answer ``status`` (a 5xx, or any status a test needs), with ``message``
    SLOW = "slow"  # answer after ``delay`` seconds
    DROP = "drop"  # close the connection without answering
    MALFORMED = "malformed"  # answer with broken JSON
    LOSE_WEBHOOK = "lose_webhook"  # never deliver the next webhook
    EXPIRE_MID_DOWNLOAD = "expire_mid_download"  # media: half the clip, then its link expires
    TRICKLE = "trickle"  # media: one byte every ``delay`` seconds (a host that never times out)


class Fault(BaseModel):
    """One armed fault."""

    kind: FaultKind
    count: int = Field(1, ge=1)
    method: str | None = None
    path: str = ""
    status: int = 500
    delay: float = 0.0
    retry_after: int | None = None
    message: str = "Internal server error"
    after_processing: bool = Field(
        False, description="drop or break the answer after the request took effect"
    )

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request: an API call, or a media download when the
        fault's path names ``/media`` (so API faults never break downloads by accident)."""
        if self.kind in (FaultKind.LOSE_WEBHOOK, FaultKind.EXPIRE_MID_DOWNLOAD, FaultKind.TRICKLE):
            return False
        if path.startswith("/media/") != self.path.startswith("/media"):
            return False
        return (self.method is None or self.method == method) and path.startswith(self.path)


class FaultPlan:
    """The armed faults, consumed one request at a time (thread-safe)."""

    def __init__(self, faults: list[Fault] | None = None) -> None:
        self._faults = [fault.model_copy() for fault in faults or []]
        self._lock = threading.Lock()

    def arm(self, fault: Fault) -> None:
        """Add a fault."""
        with self._lock:
            self._faults.append(fault.model_copy())

    def clear(self) -> None:
        """Disarm everything."""
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The fault to apply to this request, if any (using up one of its count)."""
        with self._lock:
            return self._consume(lambda fault: fault.matches(method, path))

    def take_expiry(self, path: str) -> bool:
        """Whether this media download is to be cut half-way with its link expired."""
        with self._lock:
            return self._consume(lambda fault: fault.kind is FaultKind.EXPIRE_MID_DOWNLOAD
                                 and path.startswith(fault.path)) is not None  # fmt: skip

    def take_trickle(self, path: str) -> float:
        """Seconds between the bytes of this media download (0: sent at full speed)."""
        with self._lock:
            fault = self._consume(lambda fault: fault.kind is FaultKind.TRICKLE
                                  and path.startswith(fault.path))  # fmt: skip
        return fault.delay if fault is not None else 0.0

    def take_webhook_loss(self) -> bool:
        """Whether the next webhook is to be lost."""
        with self._lock:
            return self._consume(lambda fault: fault.kind is FaultKind.LOSE_WEBHOOK) is not None

    def _consume(self, wanted: Callable[[Fault], bool]) -> Fault | None:
        for fault in self._faults:
            if wanted(fault):
                fault.count -= 1
                if fault.count <= 0:
                    self._faults.remove(fault)
                return fault
        return None
