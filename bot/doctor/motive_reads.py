"""What every Motive check of doctor shares: one ``MotiveReads`` per run, and the few ways of
saying what an answer held when recallbot's client could not read it.

The fixes found so far live here so that a later check reads with an earlier check's fix
applied (the vehicle found under another key is the one whose footage is then looked up), and
so that a check can try a shape (``trying``) before it reports it as the fix.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from pydantic import ValidationError

from bot.config import Settings
from bot.doctor.check import Check, Outcome, merged
from bot.doctor.reading import ReadOnlyTransport
from bot.motive import MotiveClient, MotiveConfig, MotiveError, MotiveShapes

LOOK_BACK = timedelta(days=1)
"""How far back the timelines and the safety events are read."""
SEND_BUNDLE = "send the bundle (recallbot doctor --bundle) to the maintainers"
SET_SHAPES = "set MOTIVE_SHAPES (below)"


class MotiveReads:
    """The settings, the GET-only transport, the fixes found so far, and the moment the whole
    run reads as of (so every check asks about the same 24 hours)."""

    def __init__(self, settings: Settings, transport: ReadOnlyTransport) -> None:
        self.settings = settings
        self._transport = transport
        self.fixes: dict[str, Any] = {}
        self.now = datetime.now(UTC).replace(microsecond=0)

    def shapes(self, trying: dict[str, Any] | None = None) -> MotiveShapes:
        """The configured shapes with the fixes so far (and ``trying``) laid over them."""
        shapes = merged(merged(self.settings.motive_shapes, self.fixes), trying or {})
        return MotiveShapes.model_validate(shapes)

    def client(self, trying: dict[str, Any] | None = None) -> MotiveClient:
        """recallbot's own client reading ``shapes(trying)``, retrying little (a doctor run
        should end in seconds, and each check says what failed)."""
        config = MotiveConfig.from_settings(self.settings).model_copy(
            update={"shapes": self.shapes(trying), "max_attempts": 2, "backoff_cap_s": 2.0}
        )
        return MotiveClient(config, transport=self._transport)

    def fix(self, part: dict[str, Any]) -> dict[str, Any]:
        """Keep ``part`` as a fix (later checks read with it); ``part`` back, for the check."""
        self.fixes = merged(self.fixes, part)
        return part

    def body(self, path_end: str) -> Any:
        """Motive's latest answer to a path ending with ``path_end`` (None: not asked)."""
        answer = self._transport.last(path_end)
        return answer.body if answer else None


def failed(name: str, summary: str, fix: str | None = None) -> Check:
    """A check that could not be done; without a ``fix``, the one for a passing failure."""
    return Check(
        name=name,
        outcome=Outcome.FAILED,
        summary=summary,
        fix=fix or f"run again later; if it persists, {SEND_BUNDLE}",
    )


blocking = partial(Check, outcome=Outcome.DIFFERS, blocking=True)
"""A difference that stops recallbot working as it is: ``Check``'s fields but the outcome."""


def listed_elsewhere(
    name: str, summary: str, expected: str, other: str, part: dict[str, Any]
) -> Check:
    """A list page whose list stands under ``other``, not ``expected``: blocking, since
    recallbot would read it as empty, with ``part`` as the setting that reads it."""
    return blocking(
        name=name,
        summary=summary,
        expected=f"the list under {expected!r}",
        seen=f"the list under {other!r}",
        fix=SET_SHAPES,
        shapes=part,
    )


def keys(body: Any) -> str:
    """An answer's keys, or its type when it is not an object (what a check says it saw)."""
    return ", ".join(sorted(body)) if isinstance(body, dict) else type(body).__name__


def other_list_key(body: Any, expected: str) -> str | None:
    """The key of a list page's non-empty list, when it is not ``expected``."""
    if not isinstance(body, dict):
        return None
    return next(
        (
            key
            for key, value in body.items()
            if key != expected and isinstance(value, list) and value
        ),
        None,
    )


def listed(body: Any, key: str, singular: str) -> list[Any]:
    """A list page's items under ``key`` as Motive wrote them, each out of its wrapper
    (``{"vehicle": {...}}``) when it has one."""
    items = body.get(key) if isinstance(body, dict) else None
    return [_unwrapped(item, singular) for item in items or []]


def _unwrapped(item: Any, singular: str) -> Any:
    inner = item.get(singular) if isinstance(item, dict) else None
    return inner if isinstance(inner, dict) else item


def why(exc: BaseException | None) -> str:
    """What went wrong with a read, in a few words (Motive's status and message)."""
    if isinstance(exc, MotiveError):
        return f"{exc.status} {exc.motive_message}" if exc.status else str(exc)
    if isinstance(exc, ValidationError):
        return f"an answer that does not read ({exc.error_count()} problems)"
    return str(exc)
