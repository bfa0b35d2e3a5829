"""A mention completed from its thread's root, and a message read field by field (the modal)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.phrase import Context, ParsedPhrase, PhraseError, parse_phrase
from bot.phrase.fields import read_fields
from bot.phrase.grammar import read_draft
from bot.phrase.lexer import tokenize
from bot.recall import CameraPosition, RecallType

CHICAGO = ZoneInfo("America/Chicago")
LA = ZoneInfo("America/Los_Angeles")
POSTED = datetime(2026, 11, 23, 21, 5, tzinfo=UTC)  # Mon Nov 23, 3:05 PM CST
NOW = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # the next day
ROOT = Context("Truck 42 hit a pole at 3:01pm", POSTED)


def parsed(text: str, context: Context | None = ROOT, now: datetime = NOW) -> ParsedPhrase:
    result = parse_phrase(text, CHICAGO, now, context)
    assert isinstance(result, ParsedPhrase), result
    return result


def test_target_and_time_come_from_the_root_as_of_when_it_was_posted() -> None:
    result = parsed("2 min front only")
    request = result.request
    assert request.vehicle_number == "42"
    assert request.start_time == datetime(2026, 11, 23, 21, 1, tzinfo=UTC)  # that day's 3:01pm
    assert (request.duration, request.camera_positions) == (2, (CameraPosition.FRONT_FACING,))
    said = [i.message for i in result.inferred]
    assert "The vehicle (“42”) taken from the thread's first message." in said
    assert (
        "The time (“3:01pm”) taken from the thread's first message, read as of when it was "
        "posted (Mon Nov 23, 3:05 PM CST)." in said
    )


def test_what_the_mention_says_wins_over_the_root() -> None:
    result = parsed("truck 7 yesterday 2pm")
    assert result.request.vehicle_number == "7"
    assert result.request.start_time == datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # NOW's yesterday
    assert not [i for i in result.inferred if "taken from" in i.message]


def test_only_the_missing_part_is_taken() -> None:
    result = parsed("truck 7 2 min")
    assert result.request.vehicle_number == "7"
    assert result.request.start_time == datetime(2026, 11, 23, 21, 1, tzinfo=UTC)
    taken = [i.message for i in result.inferred if "taken from" in i.message]
    assert len(taken) == 1
    assert taken[0].startswith("The time")


def test_a_window_that_ended_after_the_root_was_posted_is_fine_once_it_has_happened() -> None:
    """An alert posted at 3:02 about 3:01: two minutes from 3:01 end after the alert, not now."""
    alert = Context("Vehicle 42 harsh braking at 3:01pm", POSTED - timedelta(minutes=3))
    assert parsed("2 min", alert).request.duration == 2
    just_after = POSTED - timedelta(minutes=2)  # 3:03: the window 3:01-3:03 has not ended
    late = parse_phrase("3 min", CHICAGO, just_after, alert)
    assert isinstance(late, PhraseError)
    assert late.code == "future_time"


def test_a_root_that_says_nothing_useful_changes_nothing() -> None:
    chat = Context("can someone look at this?", POSTED)
    result = parse_phrase("2 min", CHICAGO, NOW, chat)
    assert isinstance(result, PhraseError)
    assert result.code == "no_vehicle"


WRITTEN = datetime(2026, 11, 23, 21, 10, tzinfo=UTC)  # Mon 1:10 PM in Los Angeles


@pytest.mark.parametrize(
    ("text", "vehicle", "start"),
    [
        ("Harsh braking - Vehicle 42 - 11/23/2026 03:01 PM CST", "42",
         datetime(2026, 11, 23, 21, 1, tzinfo=UTC)),
        ("Speeding alert TX-4471 Nov 23, 3:01 PM CST", "TX-4471",
         datetime(2026, 11, 23, 21, 1, tzinfo=UTC)),
        ("Collision detected: Unit 0077 at 2026-11-23 15:01 CT", "0077",
         datetime(2026, 11, 23, 21, 1, tzinfo=UTC)),
        ("Truck 42 hit a pole at 3:01pm", "42",  # 3:01pm had not come yet in LA: the day before
         datetime(2026, 11, 22, 23, 1, tzinfo=UTC)),
        ("Driver distraction | vehicle 1207 | today 12:30", "1207",
         datetime(2026, 11, 23, 20, 30, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_alerts_give_their_vehicle_and_time(text: str, vehicle: str, start: datetime) -> None:
    fields = read_fields(text, LA, WRITTEN)
    assert fields.vehicle_number == vehicle
    assert fields.start is not None
    assert fields.start.astimezone(UTC) == start
    assert (fields.duration, fields.recall_type, fields.cameras) == (None, None, None)
    assert fields.unusable == ()


def test_each_field_is_read_on_its_own() -> None:
    fields = read_fields("trailer TRL-0093 timelapse 15 min left side", LA, WRITTEN)
    assert (fields.asset_name, fields.vehicle_number, fields.start) == ("TRL-0093", None, None)
    assert (fields.duration, fields.recall_type) == (15, RecallType.TIMELAPSE)
    assert fields.cameras == (CameraPosition.SIDE_LEFT,)


def test_a_day_without_a_time_fills_the_day_only() -> None:
    fields = read_fields("Driver distraction | vehicle 1207 | yesterday", LA, WRITTEN)
    assert (fields.start, fields.day) == (None, date(2026, 11, 22))


def test_what_cannot_be_used_is_left_empty_and_said() -> None:
    fields = read_fields("truck 42 and 43 tomorrow 3pm 7 min", LA, WRITTEN)
    assert (fields.vehicle_number, fields.start, fields.duration) == (None, None, None)
    assert len(fields.unusable) == 3
    assert any("more than one vehicle" in why for why in fields.unusable)
    assert any("“tomorrow” is in the future" in why for why in fields.unusable)


def test_a_message_with_nothing_of_a_recall_fills_nothing() -> None:
    assert read_fields("coffee break?", LA, WRITTEN) == read_fields("", LA, WRITTEN)


def test_every_vehicle_of_the_root_is_taken_when_it_lists_several() -> None:
    from bot.phrase import ParsedPhrase, parse_phrase
    from bot.phrase.context import Context
    from tests.phrase_table import TUE

    root = Context(text="Trucks 42 and 43 collided at 3:01pm", written=TUE.now)
    result = parse_phrase("2 min front only", TUE.tz, TUE.now, root)
    assert isinstance(result, ParsedPhrase), result
    assert [r.vehicle_number for r in result.every] == ["42", "43"]
    assert any("“42” and “43”" in i.message for i in result.inferred)


def test_a_replaced_draft_is_a_copy_with_those_fields_and_the_rest_shared() -> None:
    draft = read_draft(tokenize("2 min front only"))
    root = read_draft(tokenize("Truck 42 hit a pole at 3:01pm"))
    taken = draft.replaced(vehicles=root.vehicles, clocks=root.clocks)
    assert (taken.vehicles, taken.clocks) == (["42"], root.clocks)
    assert (draft.vehicles, draft.clocks) == ([], [])  # the draft itself is left as it was
    assert taken.durations is draft.durations
    assert taken.cameras is draft.cameras
    with pytest.raises(TypeError, match="no field 'vehicle'"):
        draft.replaced(vehicle=["42"])
