"""Issue 21, item 10: phrases a new user met in the first hour, and the class behind each.

- an approximate time ("3ish") is a time, never a vehicle, and its approximation is said back;
- a misspelt target keyword ("truk 42") gets the did-you-mean the day and camera words get;
- every word not understood is said back, the incident's own words too ("harsh braking"), and a
  camera word read as part of the story ("in front of") is said back rather than dropped;
- no note claims to have inferred what the person stated ("trucks 42 and 43").
"""

from __future__ import annotations

import pytest

from bot.phrase import InferenceKind, ParsedPhrase, PhraseError, parse_phrase
from tests.phrase_table import TUE


def _parsed(phrase: str) -> ParsedPhrase:
    result = parse_phrase(phrase, TUE.tz, TUE.now)
    assert isinstance(result, ParsedPhrase), result
    return result


def _notes(phrase: str, kind: InferenceKind) -> str:
    return " ".join(i.message for i in _parsed(phrase).inferred if i.kind == kind)


def test_3ish_is_about_3_oclock_and_says_it_is_approximate() -> None:
    parsed = _parsed("truck 42 yesterday 3ish")
    assert [r.vehicle_number for r in parsed.every] == ["42"]
    assert parsed.request.start_time.isoformat() == "2026-11-23T21:00:00+00:00"
    clock = _notes("truck 42 yesterday 3ish", InferenceKind.CLOCK)
    assert "“3ish” is approximate; taken as exactly 3:00 PM" in clock
    assert "“3ish” read as 3:00 pm" in clock, "am/pm was guessed: said too"


@pytest.mark.parametrize("phrase", [
    "truck 42 about 20 min ago",
    "truck 42 roughly yesterday at 3pm",
    "truck 42 ~ yesterday 3pm",
])  # fmt: skip
def test_an_approximation_not_said_of_a_clock_is_still_said_back(phrase: str) -> None:
    assert "the time is approximate; taken as exactly" in _notes(phrase, InferenceKind.CLOCK)


def test_an_approximate_clock_is_said_once() -> None:
    clock = _notes("truck 42 yesterday around 3pm", InferenceKind.CLOCK)
    assert clock.count("approximate") == 1


@pytest.mark.parametrize(("phrase", "meant"), [
    ("truk 42 yesterday 3pm", "truck"),
    ("trcuk 42 yesterday 3pm", "truck"),
    ("unti 1207 yesterday 3pm", "unit"),
    ("aset TRL-0093 yesterday 3pm", "asset"),
])  # fmt: skip
def test_a_misspelt_target_keyword_gets_a_did_you_mean(phrase: str, meant: str) -> None:
    result = parse_phrase(phrase, TUE.tz, TUE.now)
    assert isinstance(result, PhraseError), result
    assert result.code == "unknown_word"
    assert f"Did you mean “{meant}”?" in result.message


@pytest.mark.parametrize("phrase", [
    "we need to track 42 yesterday 3pm",  # a real word, not a misspelling
    "truck 42 struck a pole yesterday 3pm",
    "truck 42 ran a red light yesterday 3pm",
    "pull 1207 yesterday 3pm",
])  # fmt: skip
def test_real_words_near_a_keyword_are_not_taken_for_misspellings(phrase: str) -> None:
    _parsed(phrase)


def test_an_alert_title_says_back_the_words_it_did_not_read() -> None:
    phrase = "Truck #42 - harsh braking 11/23 3:01 PM CST"
    parsed = _parsed(phrase)
    assert parsed.request.vehicle_number == "42"
    assert parsed.request.start_time.isoformat() == "2026-11-23T21:01:00+00:00"
    assert "Ignored “harsh”, “braking”" in _notes(phrase, InferenceKind.IGNORED)


@pytest.mark.parametrize(("phrase", "words"), [
    ("customer complaint - truck 42 backed into dock door yesterday 3pm",
     ["customer", "complaint", "backed", "dock", "door"]),
    ("truck 42 hit a pole yesterday 3pm", ["hit", "pole"]),
    ("truck 42 yesterday 3pm in front of the gate", ["front", "gate"]),
    ("truck 42 made a left turn yesterday 3pm", ["made", "left", "turn"]),
])  # fmt: skip
def test_words_of_the_incident_are_said_back(phrase: str, words: list[str]) -> None:
    ignored = _notes(phrase, InferenceKind.IGNORED)
    for word in words:
        assert f"“{word}”" in ignored, ignored
    assert _parsed(phrase).request.camera_positions is None, "a story word is no camera"


def test_words_of_asking_are_not_said_back() -> None:
    phrase = "hey can you please grab the dashcam video for truck 42 yesterday 3pm asap thx"
    assert _notes(phrase, InferenceKind.IGNORED) == ""


@pytest.mark.parametrize(("phrase", "named"), [
    ("trucks 42 and 43 yesterday 3pm", ["v42", "v43"]),
    ("truck 42 & 43 yesterday 3pm", ["v42", "v43"]),
    ("units 42, 43 and 44 yesterday 3pm", ["v42", "v43", "v44"]),
    ("trailers 88 and 89 yesterday 3pm", ["a88", "a89"]),
    ("assets TRL-0093 and TRL-0094 yesterday 3pm", ["aTRL-0093", "aTRL-0094"]),
])  # fmt: skip
def test_a_list_after_a_keyword_is_what_the_keyword_says_and_no_inference(
    phrase: str, named: list[str]
) -> None:
    parsed = _parsed(phrase)
    assert [f"v{r.vehicle_number}" if r.vehicle_number else f"a{r.asset_name}"
            for r in parsed.every] == named  # fmt: skip
    assert _notes(phrase, InferenceKind.TARGET) == ""


def test_a_list_without_a_keyword_is_still_said_to_be_vehicle_numbers() -> None:
    note = _notes("42, 43 yesterday 3pm", InferenceKind.TARGET)
    assert "“42” and “43” taken as vehicle numbers" in note
    note = _notes("#42 and 43 yesterday 3pm", InferenceKind.TARGET)
    assert "“43” taken as the vehicle number" in note


def test_the_parse_contract_is_the_validated_models_dump() -> None:
    """``recallbot parse`` writes the dataclasses; the requests are exactly the models'."""
    for phrase in (
        "truck 42 yesterday 3ish 2 min front",
        "trailers 88 and 89 yesterday 3pm",
        "asset TRL-0093 20 min ago timelapse 15 min everything except driver",
    ):
        parsed = _parsed(phrase)
        assert parsed.to_json()["requests"] == [r.model_dump(mode="json") for r in parsed.every]
