"""The metrics' names and labels, and the state gauges read at scrape time. Every label holds a
known set of values, so no input, however hostile, adds series: Motive calls are labelled by
route template, Slack calls by Web API method and documented error, acks by the kinds
recallbot listens to (issue 20, item 9)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from slack_sdk.errors import SlackApiError

from bot.alerts.events import SafetyEvent
from bot.alerts.vehicles import VehicleNames
from bot.fleet import Fleet
from bot.motive import MotiveClient, MotiveError, Routes
from bot.plumbing import metrics
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack import SlackSandbox, SlackSettings
from bot.slack.client import SLACK_ERROR_CODES, SLACK_METHODS, MeteredWebClient
from bot.slack.observe import ACK_KINDS
from tests.conftest import client_for, recall_of
from tests.slack_world import slack_world

# Ids that are no number: letters, dashes, unicode, percent-encoding, slashes, query and
# fragment marks, blanks, dot segments, names of sibling routes, and a very long one.
ODD_IDS = ["abc", "TRL-x", "ü", "a/b", "%2F..", "%2F", "", ".", "..", "quota", "lookup",
           "?page=2", "#x", " ", "\t", "x" * 3000]  # fmt: skip
FORMS = ("{0}", "TRL-{0}", "ü{0}", "{0}/b", "%2F..{0}", "{0} {0}", "{0}%00")

Labels = tuple[tuple[str, str], ...]


def hostile_ids(count: int) -> list[str]:
    """``count`` distinct ids without a digit, in every form of ``FORMS``."""
    words = ["".join("abcdefghij"[int(d)] for d in str(n)) for n in range(count)]
    return [FORMS[n % len(FORMS)].format(word) for n, word in enumerate(words)]


def series(name: str, text: str | None = None) -> dict[Labels, float]:
    """The series of metric ``name`` and their values, in ``text`` (default: this process's)."""
    scraped = text if text is not None else metrics.render(None).decode()
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
        if sample.name == name
    }


def grown(before: dict[Labels, float], after: dict[Labels, float]) -> set[Labels]:
    """The series counted in between (other tests of this process counted before)."""
    return {labels for labels, value in after.items() if value > before.get(labels, 0.0)}


def values(found: Iterable[Labels], label: str) -> set[str]:
    return {value for labels in found for key, value in labels if key == label}


@contextmanager
def quiet_sandbox() -> Iterator[MotiveSandbox]:
    """A sandbox whose rate limit these thousands of reads do not meet."""
    with MotiveSandbox(SandboxSettings(rate_limit_per_minute=1_000_000)) as running:
        yield running


def ask_about(client: MotiveClient, ids: list[str]) -> None:
    """Every call that puts outside text into a request, once per id."""
    end = datetime.now(UTC)
    start = end - timedelta(minutes=2)
    calls: list[Callable[[str], Any]] = [
        client.vehicle,
        client.get_recall,
        client.lookup_vehicle,
        lambda number: client.vehicle_timelines(number, start, end),
        lambda name: client.asset_timelines(name, start, end),
        lambda id: client.image_capture("dashcam", id),
        lambda kind: client.image_capture(kind, "7000001"),
        lambda id: client.vehicle_locations(id, end.date(), end.date()),
        lambda id: client.geofence_events(id, end.date(), end.date()),
    ]
    for id in ids:
        for call in calls:
            # A recall id "quota" reaches the quota, whose answer is no recall: what the id
            # fetched is not the point here, how the call was counted is.
            with suppress(MotiveError, ValidationError):
                call(id)


def test_a_motive_call_is_labelled_with_its_route_whatever_the_ids() -> None:
    with quiet_sandbox() as sandbox, client_for(sandbox) as client:
        before = series("recallbot_motive_calls_total")
        client.create_recall(recall_of(sandbox))
        client.quota()
        client.vehicles()
        client.assets()
        client.geofences()
        client.create_image_capture("front_facing", vehicle_number="42")
        client.safety_events(datetime.now(UTC) - timedelta(days=1))
        client.webhook_subscriptions()
        ask_about(client, ODD_IDS)
        seen = series("recallbot_motive_calls_total")
        ask_about(client, hostile_ids(300))
        after = series("recallbot_motive_calls_total")
    routes = Routes.of(client.config.shapes).templates()
    counted = grown(before, seen)
    assert values(counted, "endpoint") == routes, "every route was called, and only routes label"
    assert after.keys() == seen.keys(), "300 more ids without digits added no series"


def test_hostile_safety_events_add_no_series() -> None:
    """The report: each vehicle id without a digit in a safety event made a series of its own."""
    with quiet_sandbox() as sandbox, client_for(sandbox) as client:
        names = VehicleNames(Fleet(client))

        def event(vehicle_id: str) -> SafetyEvent:
            return SafetyEvent(id=f"ev-{vehicle_id}", type="hard_brake",
                               start_time=datetime.now(UTC), vehicle_id=vehicle_id)  # fmt: skip

        assert names.number(event("first-unknown")) is None
        seen = series("recallbot_motive_calls_total")
        found = [names.number(event(id)) for id in hostile_ids(300) + ODD_IDS]
        after = series("recallbot_motive_calls_total")
    assert found == [None] * (300 + len(ODD_IDS)), "Motive knows none of them"
    assert after.keys() == seen.keys()
    asked = {(dict(labels)["endpoint"], dict(labels)["status"]) for labels in grown(seen, after)}
    assert asked == {("/vehicles/{id}", "404")}, "each id was asked for, under one series"


def test_slack_methods_and_errors_are_labelled_from_known_sets() -> None:
    with SlackSandbox(SlackSettings()) as slack:
        client = MeteredWebClient(token=slack.settings.bot_token, base_url=slack.api_url)

        def misuse(method: str, error: str) -> None:
            slack.fail("chat.postMessage", error)
            with suppress(SlackApiError):
                client.chat_postMessage(channel="C0SAFETY", text="hello")
            with suppress(SlackApiError):
                client.api_call(method)  # Slack answers unknown_method

        misuse("made.up", "first_strange_error")
        seen = series("recallbot_slack_calls_total") | series("recallbot_slack_errors_total")
        for n, error in enumerate(hostile_ids(100)):
            word = "".join(c for c in error if c.isascii() and c.isalpha())  # a URL's path
            misuse(f"{word}.list" if n % 2 else f"chat.{word}", error)
        after = series("recallbot_slack_calls_total") | series("recallbot_slack_errors_total")
    assert after.keys() == seen.keys(), "100 more strange methods and errors added no series"
    assert values(after, "method") <= SLACK_METHODS | {"other"}
    assert values(after, "error") <= SLACK_ERROR_CODES | {"other", "unreachable"}
    assert {"chat.postMessage", "other"} <= values(after, "method")
    assert {"unknown_method", "other"} <= values(after, "error")


def test_acks_are_labelled_by_the_kinds_recallbot_listens_to(tmp_path: Path) -> None:
    with slack_world(tmp_path) as world:
        world.command("help")
        for n, word in enumerate(hostile_ids(60)):
            if n % 2:
                world.slack.post_event(world.url, world.slack.event_payload({"type": word}))
            else:
                payload = {"type": word, "user": {"id": "U0DEMO"}, "team": {"id": "T0SANDBOX"}}
                world.slack.post_interaction(world.url, payload)
        scraped = httpx.get(f"{world.served.url}/metrics").text
    kinds = values(series("recallbot_ack_seconds_count", scraped), "kind")
    assert "command" in kinds
    assert "other" in kinds
    assert kinds <= ACK_KINDS | {"other"}


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


def test_a_preview_processs_increments_are_added_to_the_apps_counters() -> None:
    calls = metrics.MOTIVE_CALLS.labels("GET", "/v1/counted_elsewhere", "200")
    before = metrics.counts()
    calls.inc(2)
    metrics.LINK_REFRESHES.inc()
    increments = metrics.increments(before, metrics.counts())
    assert increments == {
        ("recallbot_motive_calls",
         (("endpoint", "/v1/counted_elsewhere"), ("method", "GET"), ("status", "200"))): 2.0,
        ("recallbot_link_refreshes", ()): 1.0,
    }  # fmt: skip
    metrics.counted(increments)  # as the app adds what a preview process counted
    twice = {key: 2 * value for key, value in increments.items()}
    assert metrics.increments(before, metrics.counts()) == twice
