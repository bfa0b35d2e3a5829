"""recallbot's Prometheus metrics, all named ``recallbot_*``.

Counters and histograms live in the process's default registry, where every part increments
them (Prometheus's model: one process, one set). What is a count of rows or a queue's length
is not counted as it happens but read when scraped, by a ``StateCollector`` that each serving
process registers in a registry of its own (``render`` serves both), so nothing can drift.

A label's values are a known set, never text from outside: a label holding an id, or whatever a
remote side answered, makes a series per distinct value, and series are what Prometheus keeps
in memory. Where a value comes from outside, ``bounded`` folds the ones not known into "other".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

MOTIVE_CALLS = Counter(
    "recallbot_motive_calls",
    "Calls to Motive's API, by endpoint (its route, ids as {id}) and HTTP status "
    "('unreachable': no answer)",
    ["method", "endpoint", "status"],
)
SLACK_CALLS = Counter("recallbot_slack_calls", "Calls to Slack's Web API, by method", ["method"])
SLACK_ERRORS = Counter(
    "recallbot_slack_errors",
    "Slack Web API calls that failed, by method and Slack's error ('unreachable': no answer)",
    ["method", "error"],
)
ACK_SECONDS = Histogram(
    "recallbot_ack_seconds",
    "From a Slack request's arrival to its listener's return (the ack), by kind",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
)
WEBHOOKS = Counter(
    "recallbot_webhook_verifications",
    "Motive webhooks received, by outcome of their verification and recording",
    ["outcome"],
)
DELIVERIES = Counter(
    "recallbot_deliveries", "Final answers delivered to the requester, by recall state", ["state"]
)
LINK_REFRESHES = Counter("recallbot_link_refreshes", "Download links refreshed from Motive")
HTTP_REFUSED = Counter(
    "recallbot_http_refused",
    "Connections the HTTP front closed unserved, by reason ('deadline': a request not received "
    "in time; 'per_client': over one address's cap; 'full': every place taken)",
    ["reason"],
)

CONTENT_TYPE = CONTENT_TYPE_LATEST
OTHER = "other"


def bounded(value: str, known: Collection[str]) -> str:
    """``value`` as a label: itself when it is one of ``known``, else "other"."""
    return value if value in known else OTHER


@contextmanager
def timed(histogram: Histogram, **labels: str) -> Iterator[None]:
    """Observe how long the block took."""
    started = time.perf_counter()
    try:
        yield
    finally:
        histogram.labels(**labels).observe(time.perf_counter() - started)


Counts = dict[tuple[str, tuple[tuple[str, str], ...]], float]
"""Every counter's value: by counter name and label values."""


def counts() -> Counts:
    """This process's counters now (``increments`` between two of these, ``counted`` in
    another process, add up there)."""
    now: Counts = {}
    for name, counter in _COUNTERS.items():
        for family in counter.collect():
            for sample in family.samples:
                if sample.name == f"{name}_total":
                    now[(name, tuple(sorted(sample.labels.items())))] = sample.value
    return now


def increments(before: Counts, now: Counts) -> Counts:
    """What the counters went up by from ``before`` to ``now`` (both ``counts``)."""
    return {key: value - before.get(key, 0.0) for key, value in now.items()
            if value != before.get(key, 0.0)}  # fmt: skip


def counted(increments: Counts) -> None:
    """Add another process's ``increments`` to this process's counters, which are the ones
    ``/metrics`` serves: recallbot's preview processes count their calls here."""
    for (name, labels), value in increments.items():
        counter = _COUNTERS[name]
        (counter.labels(**dict(labels)) if labels else counter).inc(value)


class StateCollector(Collector):
    """Gauges read at scrape time: recalls by state, how overdue the most overdue check is,
    and how many jobs wait in each background queue."""

    def __init__(
        self,
        recalls_by_state: Callable[[], Mapping[str, int]],
        tracker_lag_s: Callable[[], float],
        queues: Mapping[str, Callable[[], int]],
    ) -> None:
        self._recalls = recalls_by_state
        self._lag = tracker_lag_s
        self._queues = queues

    def collect(self) -> Iterable[Metric]:
        recalls = GaugeMetricFamily("recallbot_recalls", "Recalls in the store, by state",
                                    labels=["state"])  # fmt: skip
        for state, count in sorted(self._recalls().items()):
            recalls.add_metric([state], count)
        yield recalls
        yield GaugeMetricFamily(
            "recallbot_tracker_lag_seconds",
            "How overdue the most overdue recall check is (0: nothing is overdue)",
            value=self._lag(),
        )
        queues = GaugeMetricFamily("recallbot_queue_depth",
                                   "Jobs waiting or running in each background queue",
                                   labels=["queue"])  # fmt: skip
        for name, depth in sorted(self._queues.items()):
            queues.add_metric([name], depth())
        yield queues


def state_registry(collector: StateCollector) -> CollectorRegistry:
    """A registry of this process's state gauges (one per serving app)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


def render(own: CollectorRegistry | None) -> bytes:
    """The text exposition of the process's counters and ``own`` gauges."""
    text = generate_latest(REGISTRY)
    return text + generate_latest(own) if own is not None else text


_COUNTERS: dict[str, Counter] = {
    family.name: metric
    for metric in list(globals().values()) if isinstance(metric, Counter)
    for family in metric.describe()
}  # fmt: skip
