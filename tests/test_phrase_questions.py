"""The questions a phrase asks besides a recall (issue 23): a look now, where a vehicle was,
and the vehicles inside a place; and that every recall phrase is read exactly as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.phrase import PhraseError, parse_phrase
from bot.phrase.questions import (
    LookPhrase,
    PlacePhrase,
    Reading,
    WherePhrase,
    read_phrase,
    recall_here,
)
from bot.recall_terms import CameraPosition
from tests.phrase_table import TUE

FRONT = CameraPosition.FRONT_FACING


def read(text: str) -> Reading:
    return read_phrase(text, TUE.tz, TUE.now)


@pytest.mark.parametrize(
    "phrase",
    [
        "look truck 42",
        "snapshot truck 42",
        "photo of truck 42",
        "what does truck 42 see",
        "what does truck 42 see right now",
        "can you get a snapshot of truck 42 now",
        "look at truck 42",
    ],
)
def test_a_look_is_now_and_road_facing_unless_told(phrase: str) -> None:
    found = read(phrase)
    assert isinstance(found, LookPhrase)
    assert [t.vehicle_number for t in found.targets] == ["42"]
    assert found.camera_positions == (FRONT,)
    assert [i.kind for i in found.inferred] == ["cameras"], "nothing else was left unread"


def test_a_look_takes_the_cameras_named_and_the_driver_only_by_name() -> None:
    named = read("look truck 42 front and driver")
    assert isinstance(named, LookPhrase)
    assert named.camera_positions == (FRONT, CameraPosition.DRIVER_FACING)
    every = read("snapshot truck 42 all cameras")
    assert isinstance(every, LookPhrase)
    assert CameraPosition.DRIVER_FACING not in every.camera_positions
    assert FRONT in every.camera_positions
    assert "takes only when it is named" in every.inferred[0].message


def test_a_look_of_several_targets_and_an_asset() -> None:
    found = read("photo of trucks 42 and 43")
    assert isinstance(found, LookPhrase)
    assert [t.vehicle_number for t in found.targets] == ["42", "43"]
    trailer = read("look asset TRL-0093 rear")
    assert isinstance(trailer, LookPhrase)
    assert trailer.targets[0].asset_name == "TRL-0093"
    assert trailer.camera_positions == (CameraPosition.REAR,)


def test_a_look_word_with_a_time_is_the_recall_it_always_was() -> None:
    phrase = "look at truck 42 yesterday 3pm"
    assert read(phrase) == parse_phrase(phrase, TUE.tz, TUE.now)


@pytest.mark.parametrize(
    "phrase",
    [
        "where was truck 42 yesterday 3pm",
        "location of truck 42 yesterday 3pm",
        "where's truck 42 yesterday at 3pm",
        "hey where was truck 42 yesterday 15:00",
    ],
)
def test_where_was_names_one_vehicle_and_one_moment(phrase: str) -> None:
    found = read(phrase)
    assert isinstance(found, WherePhrase)
    assert found.vehicle == "42"
    assert found.at == datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
    assert found.local_at.tzinfo == TUE.tz
    assert found.to_json() == {
        "ok": True,
        "intent": "where",
        "target": {"vehicle_number": "42", "asset_name": None},
        "at": "2026-11-23T21:00:00Z",
        "inferred": [i.to_json() for i in found.inferred],
    }


def test_where_without_a_time_is_now_and_says_so() -> None:
    found = read("where is truck 42")
    assert isinstance(found, WherePhrase)
    assert found.at == TUE.now.astimezone(UTC)
    assert "No time named: now." in [i.message for i in found.inferred]


def test_where_says_back_what_it_does_not_use() -> None:
    found = read("where was truck 42 yesterday 3pm 2 min front")
    assert isinstance(found, WherePhrase)
    ignored = [i.message for i in found.inferred if i.kind == "ignored"]
    assert ignored == ["Ignored “2 min”, “front”: where-was answers for one moment, and spends "
                       "nothing."]  # fmt: skip


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("where was asset TRL-0093 yesterday 3pm", "no_vehicle"),
        ("where were trucks 42 and 43 yesterday 3pm", "multiple_vehicles"),
        ("where was truck 42 tomorrow 3pm", "future_time"),
        ("where was truck 42 yestrday 3pm", "unknown_word"),
        ("where was truck 42 yesterday 3pm America/Atlantis", "invalid_time"),
    ],
)
def test_where_refusals_say_how_to_ask(phrase: str, code: str) -> None:
    found = read(phrase)
    assert isinstance(found, PhraseError)
    assert found.code == code
    assert "“" in found.message


@pytest.mark.parametrize(
    ("phrase", "place", "minutes"),
    [
        ("trucks at the Elm St yard yesterday 3pm 2 min", "Elm St yard", 2),
        ("vehicles at elm yard yesterday 3pm", "elm yard", 1),
        ("which trucks were at Acme Dock 4 yesterday at 3pm", "Acme Dock 4", 1),
        ('trucks in "North Depot" yesterday 3pm 3 min', "North Depot", 3),
        ("who was at the Back lot yesterday 3pm", "Back lot", 1),
    ],
)
def test_a_place_question_carries_the_name_as_typed_and_the_window(
    phrase: str, place: str, minutes: int
) -> None:
    found = read(phrase)
    assert isinstance(found, PlacePhrase)
    assert found.place == place
    assert found.at == datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
    assert found.window.targets == ()
    assert found.window.duration == minutes
    assert found.to_json()["window"] == {
        "start_time": "2026-11-23T21:00:00Z",
        "duration": minutes,
        "recall_type": "regular",
        "camera_positions": None,
    }
    assert not [i for i in found.inferred if i.kind == "ignored"], "the name was not left over"


def test_a_place_window_becomes_the_recall_of_the_vehicles_found() -> None:
    found = read("trucks at the Elm St yard yesterday 3pm 2 min front")
    assert isinstance(found, PlacePhrase)
    recall = found.with_vehicles(["0077", "42"], notes=("Inside Elm St yard: 2 vehicles.",))
    assert [r.vehicle_number for r in recall.requests] == ["0077", "42"]
    assert {r.duration for r in recall.requests} == {2}
    assert recall.requests[0].camera_positions == (FRONT,)
    assert recall.inferred[0].message == "Inside Elm St yard: 2 vehicles."


def test_a_place_question_keeps_the_recall_refusals() -> None:
    found = read("trucks at the Elm St yard yesterday 3pm 10 min")
    assert isinstance(found, PhraseError)
    assert found.code == "duration_not_allowed"


@pytest.mark.parametrize(
    "phrase",
    [
        "truck 42 yesterday 3pm",
        "trucks 42 and 43 at 3pm yesterday",
        "truck 42 at the Elm St yard yesterday 3pm",
        "the clip where truck 42 hit a pole yesterday 3pm",
        "truck 42 in front of the yard yesterday 3pm",
    ],
)
def test_recall_phrases_read_exactly_as_before(phrase: str) -> None:
    assert read(phrase) == parse_phrase(phrase, TUE.tz, TUE.now)


def test_recall_here_is_two_minutes_centred_on_the_moment() -> None:
    at = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
    recall = recall_here("42", at, TUE.tz)
    assert recall.request.start_time == datetime(2026, 11, 23, 20, 59, tzinfo=UTC)
    assert recall.request.duration == 2
    assert recall.request.camera_positions is None
    assert recall.moment == at
    assert "centred on 3:00 PM" in recall.inferred[0].message
