"""A tracker, its store, a sandbox and a recording notifier, all on one clock the test moves."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.fleet import Fleet
from bot.motive import MotiveClient
from bot.plumbing.serving import serve_in_background
from bot.recall import RecallRequest
from bot.sandbox.clock import SandboxClock
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from bot.service import RecallService
from bot.store import Store, TrackedRecall
from bot.tracking.notifier import DeliveryRefused
from bot.tracking.schedule import SAFETY_NET, TrackingPolicy
from bot.tracking.tracker import Tracker
from bot.tracking.webhook import webhook_app
from tests.conftest import client_for

WEBHOOK_SECRET = "test-webhook-secret"


@dataclass
class Recorder:
    """A notifier that remembers what it was told."""

    statuses: list[tuple[str, str]] = field(default_factory=list)
    deliveries: list[tuple[str, str, str]] = field(default_factory=list)
    tries: list[str] = field(default_factory=list)  # the attempt of every try, failed or not
    fail_next: int = 0
    refusals: list[DeliveryRefused] = field(default_factory=list)  # raised by the next tries
    refuse_status: DeliveryRefused | None = None  # raised by every status change
    told: list[tuple[str, str]] = field(default_factory=list)  # answers given up, and why
    lock: threading.Lock = field(default_factory=threading.Lock)

    def status_changed(self, recall: TrackedRecall) -> None:
        with self.lock:
            self.statuses.append((recall.id, str(recall.state)))
            if self.refuse_status is not None:
                raise self.refuse_status

    def announce(self, recall: TrackedRecall) -> str | None:
        return None

    def deliver(self, recall: TrackedRecall, attempt: str) -> str | None:
        with self.lock:
            self.tries.append(attempt)
            if self.fail_next:
                self.fail_next -= 1
                raise RuntimeError("Slack is down")
            if self.refusals:
                raise self.refusals.pop(0)
            self.deliveries.append((recall.id, str(recall.state), attempt))
        return None

    def undeliverable(self, recall: TrackedRecall, reason: str) -> None:
        with self.lock:
            self.told.append((recall.id, reason))


@dataclass
class World:
    sandbox: MotiveSandbox
    client: MotiveClient
    store: Store
    service: RecallService
    tracker: Tracker
    notifier: Recorder
    webhook_url: str | None = None

    def advance(self, seconds: float) -> None:
        self.sandbox.clock.advance(seconds)

    def ask(self, request: RecallRequest) -> TrackedRecall:
        return self.service.submit(request, "U1").recall

    def gets(self) -> int:
        """GET calls Motive answered for recall details."""
        return sum(1 for m, p, _ in self.sandbox.requests
                   if m == "GET" and p.startswith("/video_recall_requests/5"))  # fmt: skip


@contextmanager
def world(
    tmp_path: Path, settings: SandboxSettings | None = None, webhooks: bool = False
) -> Iterator[World]:
    """Everything on one frozen clock; with ``webhooks``, the tracker's webhook app is served
    by waitress and the sandbox posts to it."""
    clock = SandboxClock(speed=0)
    settings = settings or SandboxSettings()
    full = TrackingPolicy()
    policy = TrackingPolicy(schedule=SAFETY_NET, fallback=full.schedule) if webhooks else full
    with MotiveSandbox(settings, clock=clock) as sandbox, client_for(sandbox) as client:
        store = Store(tmp_path / "recallbot.db")
        notifier = Recorder()
        service = RecallService(client, Fleet(client), store, policy, clock=clock.now)
        tracker = Tracker(store, client, notifier, policy, settle=service.settle,
                          clock=clock.now)  # fmt: skip
        served = None
        url = None
        if webhooks:
            app = webhook_app(tracker, WEBHOOK_SECRET, client.config.shapes.status_words)
            served = serve_in_background(app, threads=2)
            url = f"{served.url}/motive/webhook"
            settings.webhook_url, settings.webhook_secret = url, WEBHOOK_SECRET
        try:
            yield World(sandbox, client, store, service, tracker, notifier, url)
        finally:
            tracker.stop()
            if served is not None:
                served.close()
            store.close()
