"""Safety events read tolerantly, windows said as settings, each event kept once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.alerts import AlertWindow, EventShapes, NotAnEvent, is_event, read_event
from bot.alerts.inbox import AlertInbox
from bot.store import Store

SHAPES = EventShapes()
DOC_EXAMPLE = {  # motive-api.md's webhook example, as documented
    "action": "driver_performance_event_updated", "id": 1359698678, "type": "hard_brake",
    "driver_id": 4033173, "vehicle_id": 1300181, "start_time": "2026-11-23T21:01:00Z",
    "end_time": "2026-11-23T21:01:04Z", "start_speed": 99.0, "end_speed": 61.2, "lat": 37.76,
    "lon": -122.47, "location": "San Francisco, CA",
}  # fmt: skip


def test_the_documented_example_reads_without_the_guessed_fields() -> None:
    assert is_event(DOC_EXAMPLE, SHAPES)
    event = read_event(DOC_EXAMPLE, SHAPES)
    assert event.id == "1359698678"
    assert event.vehicle_id == "1300181"
    assert event.vehicle_number is None
    assert event.words == "Hard braking"
    assert event.media is None


def test_guessed_fields_are_read_where_the_settings_say() -> None:
    moved = EventShapes(vehicle_key="vehicle", coaching_key="coaching")
    driver = {"first_name": "Dana", "last_name": "Reyes"}
    data = DOC_EXAMPLE | {"vehicle": {"id": 1300181, "number": "42"}, "coaching": "coached",
                          "current_driver": driver}  # fmt: skip
    event = read_event(data, moved)
    assert event.vehicle_number == "42"
    assert event.coaching_status == "coached"
    assert event.driver_name == "Dana Reyes"


def test_media_counts_only_once_transcoded() -> None:
    pending = {"camera_media": {"downloadable_videos": {"front_facing_plain_url": None}}}
    assert read_event(DOC_EXAMPLE | pending, SHAPES).media is None
    urls = {"front_facing_plain_url": "https://m/f.mp4"}
    ready = {"camera_media": {"start_time": "2026-11-23T21:00:53Z", "duration": 15,
                              "downloadable_videos": urls}}  # fmt: skip
    media = read_event(DOC_EXAMPLE | ready, SHAPES).media
    assert media is not None
    assert media.videos == {"front_facing": "https://m/f.mp4"}


@pytest.mark.parametrize("body", [[], {"id": 1}, {"type": "x"}, DOC_EXAMPLE | {"start_time": "?"}])
def test_what_is_not_an_event_says_so(body: object) -> None:
    with pytest.raises(NotAnEvent):
        read_event(body, SHAPES)


def test_an_unknown_type_is_said_in_words() -> None:
    assert read_event(DOC_EXAMPLE | {"type": "ran_red_light"}, SHAPES).words == "Ran red light"


WINDOWS = [("1m,1m", 60, 60), ("30s,90s", 30, 90), ("60,120", 60, 120), ("0,1m", 0, 60)]


@pytest.mark.parametrize(("text", "before", "after"), WINDOWS)
def test_windows_are_written_before_and_after(text: str, before: int, after: int) -> None:
    window = AlertWindow.parse(text)
    assert (window.before_s, window.after_s) == (before, after)
    event = read_event(DOC_EXAMPLE, SHAPES)
    request = window.request(event, "42", None)
    assert request.start_time == event.start_time - timedelta(seconds=before)
    assert request.duration == (before + after) // 60


@pytest.mark.parametrize("text", ["1m", "2m,2m", "45s,30s", "a,b", "1m,1m,1m"])
def test_a_window_motive_cannot_record_is_refused_with_how_to_write_it(text: str) -> None:
    with pytest.raises(ValueError, match="1m,1m"):
        AlertWindow.parse(text)


def test_each_event_is_kept_once_and_updates_are_told_apart(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        inbox = AlertInbox(store, SHAPES, frozenset({"hard_brake"}))
        now = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
        assert inbox.accept_payload(DOC_EXAMPLE) == "accepted"
        assert inbox.accept_payload(DOC_EXAMPLE) == "duplicate"
        assert inbox.accept_payload(DOC_EXAMPLE | {"action": "x"}) == "duplicate", "same content"
        assert inbox.accept_payload(DOC_EXAMPLE | {"coaching_status": "coached"}) == "updated"
        assert inbox.accept_payload(DOC_EXAMPLE | {"type": "tailgating", "id": 2}) == "ignored"
        (row,) = store.alerts.owed(now)
        assert row.deliveries == 4
        assert row.event.coaching_status == "coached"
        assert store.alerts.get("2") is None


@pytest.mark.parametrize("bad", ["../../etc/passwd", "<!channel>", "x" * 65, "a b"])
def test_an_id_that_could_name_a_path_or_a_mention_is_refused(bad: str) -> None:
    with pytest.raises(NotAnEvent, match="id"):
        read_event(DOC_EXAMPLE | {"id": bad}, SHAPES)


def test_what_motive_writes_is_shown_as_text_never_as_markup() -> None:
    from zoneinfo import ZoneInfo

    from bot.slack.blocks.alert import alert_message

    hostile = DOC_EXAMPLE | {"location": "<!channel> <https://evil.example|click>",
                             "type": "<@U0BOSS>"}  # fmt: skip
    message = alert_message(read_event(hostile, SHAPES), "42", ZoneInfo("UTC"), AlertWindow(),
                            False)  # fmt: skip
    shown = str(message.blocks) + message.text
    assert "<!channel>" not in shown
    assert "<https://evil" not in shown
    assert "<@U0BOSS>" not in shown
