"""What the store forgets, so its size and an idle bot's work stay bounded by the retention,
not by history.

Once an hour (and at start) ``Retention`` removes safety events last delivered more than
``RECALLBOT_ALERT_RETENTION`` days ago with nothing owed, routine audit lines older than
``RECALLBOT_AUDIT_RETENTION`` days (requests and refusals are kept forever: the store refuses
to delete them), and drafts older than ``RECALLBOT_DRAFT_RETENTION`` days. It deletes in small
batches, each its own transaction, so the store's lock is never held for long. SQLite reuses
the freed pages; the file itself shrinks only with ``VACUUM`` (``recallbot backup`` writes a
compact copy).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.plumbing.sweeper import Sweeper
from bot.plumbing.timefmt import utcnow
from bot.store import Store

_log = logging.getLogger("recallbot.retention")

EVERY_S = 3600.0


@dataclass(frozen=True)
class RetentionDays:
    """How many days each kind of row is kept (0: forever)."""

    alerts: int
    audit: int
    drafts: int


class Retention:
    """Prunes the store on its own thread (a failed pass is logged and tried next time)."""

    def __init__(self, store: Store, days: RetentionDays, every_s: float = EVERY_S,
                 clock: Callable[[], datetime] = utcnow) -> None:  # fmt: skip
        self.store = store
        self.days = days
        self.clock = clock
        self._loop = Sweeper("retention", self._pass, every_s)

    def start(self) -> None:
        """Prune now, then every ``every_s`` seconds."""
        self._loop.start()

    def _pass(self) -> bool:
        self.prune()
        return False  # then wait: an hour's pruning is done in one pass

    def prune(self) -> dict[str, int]:
        """One pass; how many events, audit lines and drafts were removed."""
        days, now = self.days, self.clock()
        removed = {
            "alerts": self._drain(self.store.alerts.prune, now, days.alerts),
            "audit": self._drain(self.store.audit.prune_routine, now, days.audit),
            "drafts": self._drain(self.store.drafts.prune, now, days.drafts),
        }
        if any(removed.values()):
            _log.info("retention removed %s", ", ".join(f"{n} {k}" for k, n in removed.items()))
        return removed

    def _drain(self, prune: Callable[[datetime], int], now: datetime, days: int) -> int:
        """Batches until none is left (``days`` 0: keep everything)."""
        if days <= 0:
            return 0
        before, total = now - timedelta(days=days), 0
        while not self._loop.stop.is_set() and (removed := prune(before)):
            total += removed
        return total

    def health(self) -> dict[str, object]:
        """Alive, and whether the last pass failed."""
        alive = self._loop.alive
        return {"ok": alive, "last_error": self._loop.last_error,
                "problem": None if alive else "the retention loop is not running"}  # fmt: skip

    def close(self) -> None:
        """Stop (a batch under way finishes)."""
        self._loop.close()
