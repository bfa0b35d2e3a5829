"""Benchmark of following recalls: calls to Motive, delay to delivery, and peak memory.

Run with ``make bench`` (or ``.venv/bin/python bench/tracker.py``). 1,000 recalls are created
at once on the sandbox with a realistic spread of processing times (80% finish in 8-14 min,
15% in 15 min-2 h, 5% only after 2-12 h, parked; 5% fail), then followed three ways, each in a
fresh process (so its peak memory is its own):

- ``schedule``: the tracker alone, polling by ``CheckSchedule``;
- ``webhooks``: the tracker with Motive's signed webhooks (1% of them lost), polling only as a
  safety net;
- ``naive``: every unfinished recall polled every 30 s, the obvious baseline.

Time is virtual: the sandbox and the tracker share one clock that jumps straight to the next
due check or completion, so hours of sandbox time take seconds and HTTP throughput never
distorts a delay. A delay is measured from the moment the sandbox finished a recall to the
moment its answer was delivered (in webhook mode plus the real time the webhook took).
Targets: without webhooks at most 8 calls per recall on average and a p95 delay under 10% of
the recall's own processing time (at least 60 s allowed); with webhooks at most 1.5 calls on
average and a p95 delay under 2 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr  # noqa: E402

from bot.fleet import Fleet  # noqa: E402
from bot.motive import MotiveClient, MotiveConfig  # noqa: E402
from bot.plumbing.serving import serve_in_background  # noqa: E402
from bot.recall import RecallRequest  # noqa: E402
from bot.sandbox.clock import SandboxClock  # noqa: E402
from bot.sandbox.faults import Fault  # noqa: E402
from bot.sandbox.motive import MotiveSandbox  # noqa: E402
from bot.sandbox.motive_rules import SandboxSettings  # noqa: E402
from bot.service import RecallService  # noqa: E402
from bot.store import Store, TrackedRecall  # noqa: E402
from bot.tracking.schedule import SAFETY_NET, TrackingPolicy  # noqa: E402
from bot.tracking.tracker import Tracker  # noqa: E402
from bot.tracking.webhook import webhook_app  # noqa: E402

MIX = [(0.80, 480.0, 840.0), (0.15, 900.0, 7200.0), (0.05, 7200.0, 43200.0)]
VEHICLES = ["7", "0077", "0042", "Truck 300"]  # recording around the clock
SECRET = "bench-webhook-secret"  # noqa: S105 - the bench's own sandbox


@dataclass
class Deliveries:
    """A notifier that notes when (virtual, and real) each answer was delivered."""

    clock: SandboxClock
    at: dict[str, tuple[datetime, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def announce(self, recall: TrackedRecall) -> str | None:
        """No status messages here."""
        return None

    def status_changed(self, recall: TrackedRecall) -> None:
        """Status updates are not what is measured."""

    def deliver(self, recall: TrackedRecall, attempt: str) -> str | None:
        with self.lock:
            self.at.setdefault(recall.id, (self.clock.now(), time.monotonic()))
        return None


def _requests(clock: SandboxClock, count: int) -> list[RecallRequest]:
    base = clock.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    return [
        RecallRequest(
            vehicle_number=VEHICLES[i % len(VEHICLES)],
            start_time=base - timedelta(minutes=i // len(VEHICLES)),
            duration=1,
        )
        for i in range(count)
    ]


def _gets(sandbox: MotiveSandbox) -> dict[str, int]:
    counts: dict[str, int] = {}
    for method, path, _ in list(sandbox.requests):
        if method == "GET" and path.startswith("/video_recall_requests/5"):
            motive_id = path.rsplit("/", 1)[-1]
            counts[motive_id] = counts.get(motive_id, 0) + 1
    return counts


def _follow(
    strategy: str, sandbox: MotiveSandbox, tracker: Tracker, client: MotiveClient,
    recalls: list[TrackedRecall], deliveries: Deliveries,
) -> None:  # fmt: skip
    """Run virtual time forward until every answer is delivered."""
    clock = sandbox.clock
    rules = sandbox.rules
    if strategy == "naive":
        unfinished = {r.id: r for r in recalls}
        with ThreadPoolExecutor(8) as pool:
            while unfinished:
                clock.advance(30)
                states = pool.map(
                    lambda r: (r, client.get_recall(r.motive_id or "")), list(unfinished.values())
                )
                for recall, details in states:
                    if details.status.finished:
                        deliveries.deliver(recall, "naive")
                        del unfinished[recall.id]
        return
    ends = sorted({r.done_at for r in rules.recalls.values()})
    while len(deliveries.at) < len(recalls):
        now = clock.now()
        due = tracker.store.recalls.next_due()
        upcoming = [t for t in ends if t > now][:1] if strategy == "webhooks" else []
        candidates = [t for t in (due, *upcoming) if t is not None]
        if candidates and min(candidates) > now:
            clock.advance((min(candidates) - now).total_seconds())
        if strategy == "webhooks":
            sandbox.webhooks.tick()
        tracker.poll_due()


def run_strategy(strategy: str, count: int) -> dict[str, Any]:
    """Create ``count`` recalls and follow them one way; the figures as a dict."""
    clock = SandboxClock(speed=0)
    settings = SandboxSettings(
        processing_mix=MIX, fail_rate=0.05, quota_regular_minutes=10**7,
        rate_limit_per_minute=10**9, webhook_secret=SECRET,
    )  # fmt: skip
    webhooks = strategy == "webhooks"
    lost = [Fault(kind="lose_webhook", count=max(1, count // 100))] if webhooks else []
    with (
        TemporaryDirectory() as scratch,
        MotiveSandbox(settings, clock=clock, faults=lost, auto_webhooks=False) as sandbox,
    ):
        config = MotiveConfig(base_url=sandbox.api_url, api_key=SecretStr("sandbox"),
                              rate_per_s=1e9, burst=10**9)  # fmt: skip
        client = MotiveClient(config)
        store = Store(Path(scratch) / "bench.db")
        schedule = TrackingPolicy().schedule
        policy = TrackingPolicy(schedule=SAFETY_NET if webhooks else schedule,
                                fallback=schedule if webhooks else None, workers=8)  # fmt: skip
        service = RecallService(client, Fleet(client), store, policy, clock=clock.now)
        deliveries = Deliveries(clock)
        tracker = Tracker(store, client, deliveries, policy, clock=clock.now)
        served = None
        if webhooks:
            served = serve_in_background(
                webhook_app(tracker, SECRET, config.shapes.status_words), threads=4
            )
            settings.webhook_url = f"{served.url}/motive/webhook"
        with ThreadPoolExecutor(8) as pool:
            recalls = list(pool.map(lambda r: service.submit(r, "bench").recall,
                                    _requests(clock, count)))  # fmt: skip
        started = time.monotonic()
        _follow(strategy, sandbox, tracker, client, recalls, deliveries)
        elapsed = time.monotonic() - started
        gets = _gets(sandbox)
        delays, ratios = [], []
        for recall in recalls:
            planned = sandbox.rules.recalls[int(recall.motive_id or 0)]
            delivered_at, delivered_real = deliveries.at[recall.id]
            delay = (delivered_at - planned.done_at).total_seconds()
            webhook = sandbox.webhooks.deliveries.get(planned.id)
            if webhook is not None and webhook.sent_real is not None:
                delay += max(0.0, delivered_real - webhook.sent_real)
            took = (planned.done_at - planned.created_at).total_seconds()
            delays.append(delay)
            ratios.append(delay / max(60.0, 0.1 * took))
        tracker.stop()
        if served is not None:
            served.close()
        client.close()
        store.close()
    quantiles = statistics.quantiles(delays, n=100)
    return {
        "strategy": strategy,
        "recalls": count,
        "gets_per_recall": sum(gets.values()) / count,
        "calls_per_recall": (sum(gets.values()) + count) / count,
        "delay_p50_s": statistics.median(delays),
        "delay_p95_s": quantiles[94],
        "delay_max_s": max(delays),
        "p95_delay_vs_allowance": statistics.quantiles(ratios, n=100)[94],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "wall_s": elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recalls", type=int, default=1000)
    parser.add_argument("--strategy", choices=["schedule", "webhooks", "naive"])
    options = parser.parse_args()
    if options.strategy:  # a child: one strategy, figures as JSON
        print(json.dumps(run_strategy(options.strategy, options.recalls)))
        return
    rows = []
    for strategy in ("schedule", "webhooks", "naive"):
        child = subprocess.run(
            [sys.executable, __file__, "--strategy", strategy, "--recalls", str(options.recalls)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
    print(f"{options.recalls} recalls. Calls: GETs of a recall's details, and with its create.")
    print("Delay: from the sandbox finishing a recall to its delivery; p95/allowed: the p95 of")
    print("each delay over its allowance, max(60 s, 10% of the recall's processing time).")
    header = (f"{'':10}{'GETs':>7}{'+create':>9}{'delay p50':>11}{'p95':>10}{'max':>9}"
              f"{'p95/allowed':>13}{'peak RSS':>10}{'wall':>7}")  # fmt: skip
    print(header)
    for row in rows:
        print(
            f"{row['strategy']:10}{row['gets_per_recall']:7.2f}{row['calls_per_recall']:9.2f}"
            f"{_seconds(row['delay_p50_s']):>11}{_seconds(row['delay_p95_s']):>10}"
            f"{_seconds(row['delay_max_s']):>9}{row['p95_delay_vs_allowance']:13.3f}"
            f"{row['peak_rss_mb']:8.0f}MB{row['wall_s']:6.0f}s"
        )


def _seconds(value: float) -> str:
    return f"{value * 1000:.1f}ms" if value < 1 else f"{value:.0f}s"


if __name__ == "__main__":
    main()
