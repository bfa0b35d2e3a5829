"""``recallbot where`` and ``recallbot at`` (issue 23): the CLI's mirror of "where was truck
42" and "trucks at the Elm St yard", on the in-process Motive sandbox (--sandbox), whose
vehicles 42, 1207 and 0077 stand in the Elm St yard yesterday afternoon."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.phrase import ParsedPhrase, parse_phrase

CHICAGO = "America/Chicago"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main([*args, "--sandbox", "--tz", CHICAGO])
    return code, capsys.readouterr().out


def test_where_says_the_place_a_map_and_the_recall_of_two_minutes_there(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(capsys, "where", "truck 42 yesterday 3pm")
    assert code == 0
    first, map_line, seen, here = out.splitlines()
    assert first.endswith("at Elm St yard, stopped (engine on)")
    assert "https://www.openstreetmap.org/?mlat=" in map_line
    assert "nothing was spent" in seen
    phrase = re.search(r'"(vehicle 42 .*)"', here)
    assert phrase is not None
    recall = parse_phrase(phrase[1], ZoneInfo(CHICAGO), datetime.now(UTC))
    assert isinstance(recall, ParsedPhrase)
    assert recall.request.duration == 2
    yesterday = datetime.now(ZoneInfo(CHICAGO)).date() - timedelta(days=1)
    three = datetime(yesterday.year, yesterday.month, yesterday.day, 15, tzinfo=ZoneInfo(CHICAGO))
    assert recall.request.start_time == three - timedelta(minutes=1), "centred on the moment"


def test_where_asked_in_full_and_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "where", "where was truck 1207 yesterday 3pm", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["ok"] is True
    assert answer["geofence"] == "Elm St yard"
    assert answer["moving"] is False
    assert answer["recall_here"].startswith("recallbot request --tz America/Chicago")


def test_where_an_unknown_vehicle_exits_one_with_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "where", "truck 9999 yesterday 3pm")
    assert code == 1
    assert out.startswith("✗ ")
    assert "9999" in out


def test_at_lists_the_vehicles_inside_and_spends_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(capsys, "at", "trucks at the Elm St yard yesterday 3pm 2 min")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("inside Elm St yard at ")
    assert [line.split(":")[0].strip() for line in lines[1:4]] == ["0077", "1207", "42"]
    assert "nothing spent; --yes requests them" in out


def test_request_of_a_place_requests_each_vehicle_inside(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(capsys, "request", "trucks at the Elm St yard yesterday 3pm 2 min", "--json")
    assert code == 0
    answer = json.loads(out)
    assert [v["vehicle"] for v in answer["vehicles"]] == ["0077", "1207", "42"]
    recalls = answer["recalls"]
    assert sorted(r["request"]["vehicle_number"] for r in recalls) == ["0077", "1207", "42"]
    assert {r["request"]["duration"] for r in recalls} == {2}
    assert all(r["motive_id"] for r in recalls), "each created on Motive"


def test_at_with_yes_and_only_requests_the_ones_chosen(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "at", "vehicles at elm yard yesterday 3pm", "--yes", "--only", "42")
    assert code == 0
    assert "“elm yard” is the geofence “Elm St yard”." in out
    assert re.findall(r"^requested: recall \w+ for vehicle (\S+)", out, re.M) == ["42"]


@pytest.mark.parametrize(
    ("phrase", "said"),
    [
        ("trucks at Elm Street yrd yesterday 3pm", "Did you mean “Elm St yard”?"),
        ("trucks at acme dock yesterday 3pm", "could be “Acme Dock 4” or “Acme Dock 5”"),
    ],
)
def test_at_an_unknown_or_ambiguous_place_exits_one_and_never_guesses(
    capsys: pytest.CaptureFixture[str], phrase: str, said: str
) -> None:
    code, out = run(capsys, "at", phrase, "--yes")
    assert code == 1
    assert said in out
    assert "requested" not in out


def test_parse_reports_the_question_a_phrase_asks(capsys: pytest.CaptureFixture[str]) -> None:
    now = "2026-11-24T16:30:00-06:00"
    phrases = [
        "look truck 42",
        "where was truck 42 yesterday 3pm",
        "trucks at the Elm St yard yesterday 3pm 2 min",
        "truck 42 yesterday 3pm",
    ]
    answers = []
    for phrase in phrases:
        assert main(["parse", phrase, "--tz", CHICAGO, "--now", now]) == 0
        answers.append(json.loads(capsys.readouterr().out))
    look, where, place, recall = answers
    assert look["intent"] == "look"
    assert look["camera_positions"] == ["front_facing"]
    assert where["intent"] == "where"
    assert where["at"] == "2026-11-23T21:00:00Z"
    assert place["intent"] == "at_place"
    assert place["place"] == "Elm St yard"
    assert place["window"]["duration"] == 2
    assert "intent" not in recall, "a recall's object is the contract it always was"
    assert list(recall) == ["ok", "request", "requests", "inferred"]
