"""What one check of ``recallbot doctor`` found, and what the whole run found.

A check is ``ok``; ``differs`` (recallbot's assumption and what the account answers are not the
same: both are said, with the setting that makes recallbot read the answer when one exists);
``failed`` (it could not be done, or what it found stops recallbot: why, and what to do); or
``skipped`` (it does not apply to these settings, and why). A failure always blocks; a
difference blocks when recallbot cannot work as it is.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Outcome(StrEnum):
    """How a check came out."""

    OK = "ok"
    DIFFERS = "differs"
    FAILED = "failed"
    SKIPPED = "skipped"


class Check(BaseModel):
    """One thing recallbot assumes, checked against the real account."""

    model_config = ConfigDict(frozen=True)

    name: str
    """Which check (``slack.scopes``, ``motive.vehicles``...): stable, for scripts."""
    outcome: Outcome
    summary: str
    """What was found, in one sentence."""
    expected: str | None = None
    seen: str | None = None
    fix: str | None = None
    """What to do (a setting to change, a step at Slack or Motive)."""
    shapes: dict[str, Any] | None = None
    """The part of ``MOTIVE_SHAPES`` that makes recallbot read what was seen."""
    blocking: bool = False
    """A difference that stops recallbot working as it is (a failure always blocks)."""

    @property
    def blocks(self) -> bool:
        """Whether this check stops recallbot."""
        return self.outcome is Outcome.FAILED or (self.outcome is Outcome.DIFFERS and self.blocking)


def merged(base: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``more`` laid over it, nested objects merged (``{"events": {...}}``)."""
    out = dict(base)
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


class Report(BaseModel):
    """Every check, and the ``MOTIVE_SHAPES`` value that reads what Motive answered."""

    checks: list[Check]
    motive_shapes: dict[str, Any] | None = None
    """The configured MOTIVE_SHAPES with every difference's fix laid over it (None: no fix)."""

    @property
    def blocks(self) -> bool:
        """Whether something stops recallbot (``recallbot doctor`` then exits 1)."""
        return any(check.blocks for check in self.checks)

    def as_json(self) -> dict[str, Any]:
        """What ``--json`` prints and the bundle keeps."""
        return {
            "checks": [c.model_dump(mode="json") | {"blocks": c.blocks} for c in self.checks],
            "motive_shapes": self.motive_shapes,
            "blocks": self.blocks,
        }
