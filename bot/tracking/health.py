"""What ``/healthz`` and ``/readyz`` say, as JSON with what is wrong when something is.

``/healthz`` is liveness: every loop this process runs is alive (the supervised tracker, the
background pools). A process manager restarts a process that fails it; nothing else would help.
``/readyz`` is readiness: alive, and the store can start a write, the tracker completed a cycle
recently, no loop's work has gone without progress for too long (a loop's check says so in
``stalled``), and (for the Slack app) Slack accepted the bot token at start. A lock held past
the busy timeout, a full or read-only disk, a tracker stuck in failing cycles, or a footage job
or alert pass stuck on the network turn it 503 (the process stays up and recovers by itself
once the cause goes).
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
    slack_auth: Mapping[str, str] | None = None  # auth.test at start (the Slack app only)
    slack_standing: Check | None = None  # whether Slack refuses the app's setup since (readiness
    # only: a restart cannot fix a revoked token, so liveness never says it)

    def live(self) -> dict[str, Any]:
        """Liveness: every loop alive."""
        alive = self.tracker.alive
        parts: dict[str, dict[str, Any]] = {
            "tracker": {
                "ok": alive,
                "problem": None if alive else "the tracker loop is not running",
            }
        }
        for name, check in self.loops.items():
            parts[name] = check()
        return {"ok": all(part["ok"] for part in parts.values()), **parts}

    def ready(self) -> dict[str, Any]:
        """Readiness: alive, the store writable, the tracker's cycles recent, Slack checked."""
        problem = self.store.writable()
        parts: dict[str, dict[str, Any]] = {
            "tracker": self.tracker.health(),
            "store": {"ok": problem is None, "problem": problem},
        }
        if self.slack_auth is not None:
            standing = self.slack_standing() if self.slack_standing else {"ok": True}
            parts["slack"] = {**self.slack_auth, **standing}
        for name, check in self.loops.items():
            part = check()
            if part.get("stalled"):
                part = part | {"ok": False, "problem": part["stalled"]}
            parts[name] = part
        return {"ok": all(part["ok"] for part in parts.values()), **parts}
