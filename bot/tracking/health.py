"""What ``/healthz`` says: whether every loop recallbot depends on is running, and the store
is writable, with what is wrong when it is not.

Each part reports ``{"ok": bool, ...}``; the whole is ok only when every part is. A tracker
thread that died, a tracker cycle that has not completed for minutes, or a store that cannot
start a write (a lock held past the busy timeout, a read-only or full disk) turn it 503, so a
process manager or load balancer sees the truth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.store import Store
from bot.tracking.tracker import Tracker

Check = Callable[[], dict[str, Any]]


@dataclass
class Health:
    """The health of one process: its tracker, its store, and any other loops it runs."""

    store: Store
    tracker: Tracker
    loops: Mapping[str, Check] = field(default_factory=dict)

    def report(self) -> dict[str, Any]:
        """Every part's report, and ``ok`` for the whole."""
        problem = self.store.writable()
        parts: dict[str, dict[str, Any]] = {
            "tracker": self.tracker.health(),
            "store": {"ok": problem is None, "problem": problem},
        }
        for name, check in self.loops.items():
            parts[name] = check()
        return {"ok": all(part["ok"] for part in parts.values()), **parts}
