"""The metrics' names and labels, and the state gauges read at scrape time."""

from prometheus_client.parser import text_string_to_metric_families

from bot.plumbing import metrics


def test_endpoints_are_labelled_without_ids() -> None:
    assert metrics.endpoint_of("/video_recall_requests/5000123") == "/video_recall_requests/{id}"
    assert metrics.endpoint_of("/vehicles/lookup?number=42") == "/vehicles/lookup"
    assert metrics.endpoint_of("/v2/driver_performance_events") == "/v2/driver_performance_events"
    assert metrics.endpoint_of("/v1/vehicles/TRK-0042") == "/v1/vehicles/{id}"


def test_the_state_gauges_are_read_when_scraped() -> None:
    depth = {"checks": 0}
    collector = metrics.StateCollector(lambda: {"success": 3, "pending": 1}, lambda: 12.5,
                                       {"checks": lambda: depth["checks"]})  # fmt: skip
    registry = metrics.state_registry(collector)
    depth["checks"] = 4
    found = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(metrics.render(registry).decode())
        for sample in family.samples
    }
    assert found[("recallbot_recalls", (("state", "success"),))] == 3
    assert found[("recallbot_recalls", (("state", "pending"),))] == 1
    assert found[("recallbot_tracker_lag_seconds", ())] == 12.5
    assert found[("recallbot_queue_depth", (("queue", "checks"),))] == 4
