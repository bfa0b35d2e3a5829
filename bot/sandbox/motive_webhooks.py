"""The sandbox's completion webhooks: signed, sent when a recall finishes, retried on failure.

Motive retries at about 1 minute, 1 hour and 6 hours (sandbox time); a ``lose_webhook`` fault
drops a delivery for good, the way a webhook can be lost in real life.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.motive import webhook_signature
from bot.sandbox.faults import FaultPlan
from bot.sandbox.motive_rules import MotiveRules

_log = logging.getLogger("recallbot.sandbox.webhooks")


@dataclass
class Delivery:
    """One webhook and its attempts."""

    recall_id: int
    due: datetime
    attempts: int = 0
    delivered: bool = False
    lost: bool = False
    last_status: int | None = None
    sent_real: float | None = None  # time.monotonic() when it was delivered (for latency)


class WebhookSender:
    """Watches recalls finish and delivers their webhooks from a background thread."""

    def __init__(
        self,
        rules: MotiveRules,
        faults: FaultPlan,
        details: Callable[[int], dict[str, Any]],
        tick_seconds: float = 0.02,
        also: Callable[[], None] = lambda: None,
    ) -> None:
        """``also``: more to do on each tick (the safety events' deliveries)."""
        self._also = also
        self._rules = rules
        self._faults = faults
        self._details = details
        self._tick = tick_seconds
        self.deliveries: dict[int, Delivery] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self._http = httpx.Client(timeout=3.0)

    def start(self) -> None:
        """Start watching."""
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and sending."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._http.close()

    def _run(self) -> None:
        while not self._stop.wait(self._tick):
            try:
                self.tick()
            except Exception:  # keep the sandbox alive whatever one delivery does
                _log.exception("webhook tick failed")

    def tick(self) -> None:
        """Queue webhooks for recalls that finished, and send what is due."""
        self._also()
        rules = self._rules
        url = rules.settings.webhook_url
        now = rules.clock.now()
        for recall in list(rules.recalls.values()):
            if recall.stage(now) in ("success", "failed") and not recall.webhook_sent:
                recall.webhook_sent = True
                if url:
                    self.deliveries[recall.id] = Delivery(recall.id, due=recall.done_at)
        if not url:
            return
        for delivery in list(self.deliveries.values()):
            if not (delivery.delivered or delivery.lost) and delivery.due <= now:
                self._deliver(delivery, url, now)

    def _deliver(self, delivery: Delivery, url: str, now: datetime) -> None:
        settings = self._rules.settings
        delivery.attempts += 1
        if self._faults.take_webhook_loss():
            delivery.lost = True
            _log.info("webhook for recall %s lost (fault)", delivery.recall_id)
            return
        payload = {"action": settings.webhook_action, **self._details(delivery.recall_id)}
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "X-KT-Webhook-Signature": webhook_signature(settings.webhook_secret, body),
        }
        sent = time.monotonic()
        try:
            delivery.last_status = self._http.post(url, content=body, headers=headers).status_code
        except httpx.HTTPError as exc:
            _log.info("webhook for recall %s failed: %s", delivery.recall_id, exc)
            delivery.last_status = None
        if delivery.last_status is not None and 200 <= delivery.last_status < 300:
            delivery.delivered = True
            delivery.sent_real = sent
            return
        retries = settings.webhook_retry_seconds
        if delivery.attempts > len(retries):
            delivery.lost = True
            return
        delivery.due = now + timedelta(seconds=retries[delivery.attempts - 1])
