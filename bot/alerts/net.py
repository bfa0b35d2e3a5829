"""The safety net: Motive's event list, read every few minutes, so a lost webhook still
becomes a thread.

Each read asks for events updated since the previous read began, less a margin (clocks and
Motive's own indexing are not instant); what it finds goes through the same ``AlertInbox`` as
the webhook, so an event already seen is a duplicate and changes nothing. After a restart it
starts a little before the newest delivery the store has, or an hour back on a new store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.alerts.inbox import AlertInbox
from bot.motive import MotiveClient, MotiveError
from bot.plumbing.timefmt import utcnow

_log = logging.getLogger("recallbot.alerts")

MARGIN = timedelta(minutes=5)
FIRST_LOOK = timedelta(hours=1)


class SafetyNet:
    """Reads Motive's event list every ``every_s`` seconds (in its own thread)."""

    def __init__(
        self,
        client: MotiveClient,
        inbox: AlertInbox,
        every_s: float,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.client = client
        self.inbox = inbox
        self.every_s = every_s
        self.clock = clock
        self.last_ok: datetime | None = None
        self.last_error: str | None = None
        self._since: datetime | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Read now, then every ``every_s`` seconds."""
        self._thread = threading.Thread(target=self._run, name="recallbot-alert-net", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                self.sweep()
            except MotiveError as exc:  # Motive away: say it, and read again next time
                self.last_error = str(exc)
                _log.warning("safety net: Motive's event list unavailable: %s", exc)
            except Exception as exc:
                self.last_error = type(exc).__name__
                _log.exception("safety net failed; reading again next time")
            if self._stop.wait(self.every_s):
                return

    def sweep(self) -> int:
        """One read; how many events were new or updated."""
        began = self.clock()
        since = self._since or self._first_since(began)
        found = 0
        for event in self.client.safety_events(since):
            if self.inbox.accept(event) in ("accepted", "updated"):
                found += 1
        self._since = began - MARGIN
        self.last_ok, self.last_error = began, None
        if found:
            _log.info("safety net: %d event(s) the webhook had not brought", found)
        return found

    def _first_since(self, now: datetime) -> datetime:
        latest = self.inbox.store.alerts.latest_received_at()
        return latest - MARGIN if latest else now - FIRST_LOOK

    def health(self) -> dict[str, object]:
        """Alive, and when Motive's list was last read."""
        alive = self._thread is not None and self._thread.is_alive()
        return {"ok": alive, "last_read": self.last_ok.isoformat() if self.last_ok else None,
                "last_error": self.last_error,
                "problem": None if alive else "the safety net is not running"}  # fmt: skip

    def close(self) -> None:
        """Stop reading."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
