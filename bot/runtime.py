"""Wiring: the client, store, fleet, services, tracker and capture follower one process
needs, from settings.

Every entry point (the CLI commands, the Slack app) builds its parts here, so they are built
the same way everywhere and closed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.fleet import Fleet
from bot.look.follower import CaptureFollower
from bot.look.notifier import LookNotifier
from bot.look.service import LookService
from bot.look.timing import LookTiming
from bot.motive import MotiveClient, MotiveConfig
from bot.places import Places
from bot.plumbing.closing import ClosedOnExit
from bot.plumbing.pacing import Shared
from bot.service import RecallService
from bot.store import Store
from bot.tracking.notifier import Notifier
from bot.tracking.schedule import TrackingPolicy
from bot.tracking.tracker import Tracker


@dataclass
class Runtime(ClosedOnExit):
    """The parts of a running recallbot."""

    settings: Settings
    client: MotiveClient
    store: Store
    service: RecallService
    look: LookService
    places: Places

    @classmethod
    def open(
        cls,
        settings: Settings,
        motive: MotiveConfig | None = None,
        webhooks: bool = False,
        shared: Shared | None = None,
    ) -> Runtime:
        """Build everything from settings (``motive`` overrides the Motive configuration).

        ``webhooks``: Motive's webhooks reach this process, so polling is only a safety net.
        ``shared``: Motive's rate limit and slots, shared with other processes of this app.
        """
        client = MotiveClient(motive or MotiveConfig.from_settings(settings), shared=shared)
        store = Store(settings.db_path, settings.db_busy_timeout_s)
        fleet = Fleet(client, settings.fleet_cache_ttl_s, memory=store.fleet_facts)
        policy = TrackingPolicy.from_settings(settings, webhooks=webhooks)
        look = LookService(client, fleet, store, LookTiming.from_settings(settings))
        places = Places(client, fleet, settings.default_zone, settings.places_ttl_s)
        service = RecallService(client, fleet, store, policy, places=places)
        return cls(settings, client, store, service, look, places)

    def tracker(self, notifier: Notifier) -> Tracker:
        """A tracker over this runtime's store and client."""
        return Tracker(
            self.store,
            self.client,
            notifier,
            self.service.policy,
            settle=self.service.settle,
        )

    def follower(self, notifier: LookNotifier) -> CaptureFollower:
        """A follower of this runtime's captures, woken by each look sent."""
        follower = CaptureFollower(self.look, notifier, self.settings.download_deadline_s)
        self.look.wake = follower.wake
        return follower

    def close(self) -> None:
        """Release the HTTP pool and the database."""
        self.client.close()
        self.store.close()
