"""Issue 12: the phrase language on real Slack text. Every form is checked in several zones,
either as the exact request it must be or as the same request as a plain phrase that says it
outright (so a row cannot pass by being wrong in the same way twice)."""

from __future__ import annotations

import pytest

from bot.phrase import ParsedPhrase, PhraseError, parse_phrase
from bot.phrase.fields import read_fields
from bot.phrase.slack_text import read_slack_text
from tests.phrase_table import LONDON_FALL, MON_LA, NY_SUMMER, TUE, Clock, check, err, ok

CLOCKS = [TUE, MON_LA, NY_SUMMER, LONDON_FALL]


def _parsed(phrase: str, clock: Clock) -> ParsedPhrase:
    result = parse_phrase(phrase, clock.tz, clock.now)
    assert isinstance(result, ParsedPhrase), f"{phrase!r} at {clock.name}: {result}"
    return result


def _refused(phrase: str, clock: Clock) -> PhraseError:
    result = parse_phrase(phrase, clock.tz, clock.now)
    assert isinstance(result, PhraseError), f"{phrase!r} at {clock.name} was read: {result}"
    return result


SAME = [
    # Slack's encoding is not language.
    ("truck 42 yesterday 3pm front &amp; driver", "truck 42 yesterday 3pm front & driver"),
    ("truck 42 yesterday 3pm front &amp;amp; driver", "truck 42 yesterday 3pm front and driver"),
    ("<@U123> truck 42 yesterday 3pm", "truck 42 yesterday 3pm"),
    ("truck 42 <@U456DEF|amy> yesterday 3pm", "truck 42 yesterday 3pm"),
    ("truck 42 yesterday 3pm <#C024BE7LR|safety>", "truck 42 yesterday 3pm"),
    ("<!here> truck 42 yesterday 3pm", "truck 42 yesterday 3pm"),
    ("<!subteam^S123|@safety> truck 42 yesterday 3pm", "truck 42 yesterday 3pm"),
    ("truck 42 yesterday 3pm <https://x.example/77>", "truck 42 yesterday 3pm"),
    ("truck 42 yesterday 3pm mail <mailto:amy@x.example|amy@x.example>", "truck 42 yesterday 3pm"),
    ("*truck 42* _yesterday_ `3pm` ~2 min~", "truck 42 yesterday 3pm 2 min"),
    (":rotating_light: truck 42 yesterday 3pm :truck::skin-tone-2:", "truck 42 yesterday 3pm"),
    ("```truck 42 yesterday 3pm```", "truck 42 yesterday 3pm"),
    ("truck 42 yesterday 15:04:05", "truck 42 yesterday 3:04:05pm"),
    # Windows around a moment.
    ("truck 42 yesterday 3pm +/- 1 min", "truck 42 yesterday 2:59pm 2 min"),
    ("truck 42 yesterday 3pm ± 1", "truck 42 yesterday 2:59pm 2 min"),
    ("truck 42 yesterday 3pm +- 30 sec", "truck 42 yesterday 2:59:30pm 1 min"),
    ("truck 42 yesterday 3pm plus or minus 90 seconds", "truck 42 yesterday 2:58:30pm 3 min"),
    ("truck 42 yesterday 1 min before and after 3pm", "truck 42 yesterday 2:59pm 2 min"),
    ("truck 42 yesterday 30 seconds either side of 15:04", "truck 42 yesterday 15:03:30 1 min"),
    ("truck 42 yesterday 1 min on either side of 3pm", "truck 42 yesterday 2:59pm 2 min"),
    ("truck 42 yesterday 2 min around 3:01pm", "truck 42 yesterday 3:00pm 2 min"),
    ("truck 42 yesterday 3 min centred on 3pm", "truck 42 yesterday 2:58:30pm 3 min"),
    ("truck 42 yesterday 3pm ± 5 min timelapse", "truck 42 yesterday 2:55pm timelapse 10 min"),
    ("truck 42 around 3pm yesterday", "truck 42 yesterday 3pm"),  # alone, "around" is approximate
    # Abbreviations are vocabulary; a lone camera word is a camera.
    ("truck 42 ystd 3pm", "truck 42 yesterday 3pm"),
    ("truck 42 yday 3pm", "truck 42 yesterday 3pm"),
    ("truck 42 yesterday 3pm driver", "truck 42 yesterday 3pm driver cam"),
    ("truck 42 yesterday 3pm driver please", "truck 42 yesterday 3pm driver cam"),
    ("driver truck 42 yesterday 3pm", "truck 42 yesterday 3pm driver cam"),
    # Forms misread before.
    ("truck 42 yesterday 3pm timelapse 10", "truck 42 yesterday 3pm timelapse 10 min"),
    ("truck 42 yesterday 3pm tl 10", "truck 42 yesterday 3pm timelapse 10 min"),
    ("truck 42 yesterday 3pm 10 min timelapse", "truck 42 yesterday 3pm timelapse 10 min"),
    ("truck 42 yesterday 3pm hour-long timelapse", "truck 42 yesterday 3pm timelapse 60 min"),
    ("truck 42 yesterday 3pm hour long timelapse", "truck 42 yesterday 3pm timelapse 60 min"),
    ("truck 42 yesterday 3pm 1hr timelapse", "truck 42 yesterday 3pm timelapse 60 min"),
    ("truck 42 an hr ago", "truck 42 60 min ago"),
    ("truck 42 an hour ago", "truck 42 60 min ago"),
    ("truck 42 90 min ago", "truck 42 1.5 hours ago"),
    ("asset Yard Jockey 3 yesterday 3pm", 'asset "Yard Jockey 3" yesterday 3pm'),
    ("asset Yard Jockey 3 at 3pm yesterday", 'asset "Yard Jockey 3" yesterday 3pm'),
    ("truck-42 yesterday 3pm", "truck 42 yesterday 3pm"),
]


@pytest.mark.parametrize("clock", CLOCKS, ids=lambda c: c.name)
@pytest.mark.parametrize(("slack", "plain"), SAME, ids=[s for s, _ in SAME])
def test_each_form_is_the_request_its_plain_phrase_is(slack: str, plain: str, clock: Clock) -> None:
    assert _parsed(slack, clock).request == _parsed(plain, clock).request


@pytest.mark.parametrize("clock", CLOCKS, ids=lambda c: c.name)
def test_a_weekday_of_last_week(clock: Clock) -> None:
    today = clock.now.date()
    friday = today.toordinal() - today.weekday() - 7 + 4
    said = f"{clock.now.replace(day=1).fromordinal(friday):%Y-%m-%d}"
    for phrase in ("truck 42 on friday at 3pm last week", "truck 42 friday last week 3pm",
                   "truck 42 last week friday 3pm"):  # fmt: skip
        assert _parsed(phrase, clock).request == _parsed(f"truck 42 {said} 3pm", clock).request


REFUSED = [
    ("truck 42 yestrday 3pm", "unknown_word", "Did you mean “yesterday”"),
    ("truck 42 yesterdya 3pm", "unknown_word", "Did you mean “yesterday”"),
    ("truck 42 yesterday 3pm fornt", "unknown_word", "Did you mean “front”"),
    ("truck 42 yesterday 3pm drivr cam only", "unknown_camera", "Did you mean “driver”"),
    ("truck 42 tuesdy 3pm", "unknown_word", "Did you mean “tuesday”"),
    ("truck 42 thurday 3pm", "unknown_word", "Did you mean “thursday”"),
    ("truk 42 yesterday 3pm", "unknown_word", "Did you mean “truck”"),
    ("aset TRL-0093 yesterday 3pm", "unknown_word", "Did you mean “asset”"),
    ("trialer 88 yesterday 3pm", "unknown_word", "Did you mean “trailer”"),
    ("vehicel 42 yesterday 3pm", "unknown_word", "Did you mean “vehicle”"),
    ("truck 42 yesterday 3pm timelaps 10 min", "unknown_word", "Did you mean “timelapse”"),
    ("truck 42 yesterday 3pm windshield", "unknown_camera", "“windshield”"),
    ("truck 42 yesterday 3pm windshield cam", "unknown_camera", "“windshield cam”"),
    ("truck 42 yesterday 3pm ± 2 min", "duration_not_allowed", "“± 1.5 min”"),
    ("truck 42 yesterday 4 min around 3pm", "duration_not_allowed", "“± 1 min”"),
    ("truck 42 yesterday 3pm ± 45 sec", "duration_not_allowed", "1.5 min"),
    ("truck 42 yesterday 3pm ± 1 min 3:00-3:02pm", "ambiguous_time", "3:00-3:02pm"),
    ("truck 42 yesterday 3:00-3:02pm 1 min either side of 3pm", "ambiguous_time", "3pm"),
    ("camión 42 ayer 3pm", "not_english", "English only"),
    ("LKW 42 gestern 15 Uhr", "not_english", "English only"),
    ("грузовик 42 вчера 15:00", "not_english", "English only"),
]


@pytest.mark.parametrize("clock", CLOCKS, ids=lambda c: c.name)
@pytest.mark.parametrize(("phrase", "code", "said"), REFUSED, ids=[p for p, _, _ in REFUSED])
def test_what_cannot_be_read_right_is_refused_saying_why(
    phrase: str, code: str, said: str, clock: Clock
) -> None:
    refused = _refused(phrase, clock)
    assert refused.code == code
    assert said in refused.message
    assert "“" in refused.message


def test_the_nearest_allowed_windows_are_given_as_examples() -> None:
    message = _refused("truck 42 yesterday 3pm ± 2 min", TUE).message
    assert "“± 1 min” (2:59 PM to 3:01 PM, 2 min)" in message
    assert "“± 1.5 min” (2:58:30 PM to 3:01:30 PM, 3 min)" in message


def test_a_centred_window_is_reported_as_one() -> None:
    said = [i.message for i in _parsed("truck 42 yesterday 3pm ± 1 min", TUE).inferred]
    assert "“3pm ± 1 min” read as 2:59 PM to 3:01 PM, centred on 3:00 PM." in said
    assert not any("approximate" in message for message in said)


def test_a_link_label_is_reported_not_read_as_a_vehicle() -> None:
    parsed = _parsed("see <https://x.example/12|incident 12> truck 42 yesterday 3pm", TUE)
    assert parsed.request.vehicle_number == "42"
    assert any("Ignored “incident 12”" in i.message for i in parsed.inferred)


def test_the_driver_in_a_story_is_not_the_camera() -> None:
    for phrase in ("truck 42 yesterday 3pm the driver said he hit a pole",
                   "driver hit a pole truck 42 yesterday 3pm"):  # fmt: skip
        assert _parsed(phrase, TUE).request.camera_positions is None


ROWS = [
    ok("truck 42 yesterday 3pm ± 1 min", "2026-11-23T20:59:00Z", dur=2),
    ok("truck 42 yesterday 15:04 ± 30s", "2026-11-23T21:03:30Z", dur=1),
    ok("asset Yard Jockey 3 yesterday 3pm", "2026-11-23T21:00:00Z", a="Yard Jockey 3"),
    ok("truck 42 yesterday 3pm driver", "2026-11-23T21:00:00Z", cams="driver_facing"),
    ok("truck 42 yesterday 3pm tl 10", "2026-11-23T21:00:00Z", dur=10, kind="timelapse"),
    err("truck 42 yestrday 3pm", "unknown_word"),
]


@pytest.mark.parametrize("case", ROWS, ids=str)
def test_rows(case: object) -> None:
    check(case)  # type: ignore[arg-type]


def test_plain_text_passes_the_reader_unchanged() -> None:
    for text in ("truck 42 yesterday 3pm 2 min front only", "TX-4471 at 15:04:05 2m", "a_b c"):
        assert read_slack_text(text) == text


def test_the_modal_prefill_reads_slack_text_the_same_way() -> None:
    written = TUE.now
    said = read_fields("<!here> *Truck 42* hard brake at 3pm ± 1 min, front &amp; driver "
                       "<https://x.example/e/77|event 77>", TUE.tz, written)  # fmt: skip
    assert said.vehicle_number == "42"
    assert said.start is not None
    assert said.start.strftime("%H:%M:%S") == "14:59:00"
    assert said.duration == 2
    assert said.cameras is not None
    assert [c.value for c in said.cameras] == ["front_facing", "driver_facing"]


def test_the_modal_prefill_leaves_a_misread_day_for_the_person() -> None:
    said = read_fields("truck 42 yestrday 3pm", TUE.tz, TUE.now)
    assert said.vehicle_number == "42"
    assert said.start is None
    assert any("Did you mean “yesterday”" in why for why in said.unusable)
