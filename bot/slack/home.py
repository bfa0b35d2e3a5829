"""The App Home tab: published when someone opens it, and again when one of their recalls
changes state (for people who have opened it since recallbot started: the rest see a fresh one
the next time they open it)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from bot.motive import MotiveError, QuotaInfo
from bot.slack.blocks.home import MAX_SHOWN, home_view
from bot.slack.desk import SlackDesk

_log = logging.getLogger("recallbot.home")


@dataclass
class HomeDesk:
    """Keeps each viewer's Home tab current."""

    desk: SlackDesk
    _viewers: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def opened(self, user: str) -> None:
        """The person opened the Home tab: show it as it is now."""
        with self._lock:
            self._viewers.add(user)
        self.publish(user)

    def changed(self, user: str) -> None:
        """One of the person's recalls changed state: refresh their tab if they have it."""
        with self._lock:
            watching = user in self._viewers
        if watching:
            self.publish(user)

    def publish(self, user: str) -> None:
        """Build the person's tab and publish it."""
        desk = self.desk
        recalls = desk.with_threads(user, MAX_SHOWN)
        view = home_view(recalls, self._quota(), desk.zones.zone(user))
        desk.poster.client.views_publish(user_id=user, view=view)

    def _quota(self) -> QuotaInfo | None:
        try:
            return self.desk.runtime.client.quota().quota_info
        except MotiveError as exc:
            _log.warning("no quota for the Home tab: %s", exc)
            return None
