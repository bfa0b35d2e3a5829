"""Every inference is reported, so it can be shown before quota is spent."""

from bot.phrase import InferenceKind, ParsedPhrase, parse_phrase
from tests.phrase_table import TUE


def _notes(phrase: str) -> dict[InferenceKind, str]:
    result = parse_phrase(phrase, TUE.tz, TUE.now)
    assert isinstance(result, ParsedPhrase), result
    notes: dict[InferenceKind, str] = {}
    for inference in result.inferred:
        notes[inference.kind] = f"{notes.get(inference.kind, '')} {inference.message}".strip()
    return notes


def test_a_phrase_that_says_everything_only_reports_zone_and_type() -> None:
    notes = _notes("truck 42 yesterday 3pm 2 min front only")
    assert set(notes) == {InferenceKind.ZONE, InferenceKind.RECALL_TYPE}
    assert "America/Chicago" in notes[InferenceKind.ZONE]


def test_defaults_are_reported() -> None:
    notes = _notes("truck 42 yesterday 3pm")
    assert "1 minute" in notes[InferenceKind.DURATION]
    assert "every camera" in notes[InferenceKind.CAMERAS]
    assert "regular" in notes[InferenceKind.RECALL_TYPE]


def test_a_bare_number_taken_as_the_vehicle_is_reported() -> None:
    assert "“1207” taken as the vehicle" in _notes("pull 1207 yesterday 3pm")[InferenceKind.TARGET]


def test_am_or_pm_guessed_for_a_bare_hour_is_reported() -> None:
    assert "3:00 pm" in _notes("truck 42 yesterday at 3")[InferenceKind.CLOCK]
    assert "7:45 am" in _notes("truck 42 yesterday 7:45")[InferenceKind.CLOCK]


def test_a_missing_day_is_reported_with_the_day_chosen() -> None:
    assert "yesterday, Mon Nov 23" in _notes("truck 42 5pm")[InferenceKind.DAY]
    assert "today, Tue Nov 24" in _notes("truck 42 3pm")[InferenceKind.DAY]


def test_a_weekday_is_reported_as_its_date() -> None:
    assert "Fri Nov 20, 2026" in _notes("truck 42 last friday 3pm")[InferenceKind.DAY]


def test_a_zone_named_in_the_phrase_is_reported() -> None:
    assert "America/Los_Angeles" in _notes("truck 42 3pm pacific")[InferenceKind.ZONE]


def test_times_counted_back_are_reported_as_clock_times() -> None:
    assert "2:30 PM" in _notes("truck 42 2h ago")[InferenceKind.CLOCK]


def test_approximate_times_are_reported() -> None:
    assert "approximate" in _notes("truck 42 yesterday around 3pm")[InferenceKind.CLOCK]


def test_an_exclusion_is_reported_with_the_cameras_it_leaves() -> None:
    note = _notes("truck 42 yesterday 3pm everything except driver")[InferenceKind.CAMERAS]
    assert "except Driver-facing" in note
    assert "Rear" in note


def test_a_window_anchored_at_its_end_is_reported() -> None:
    note = _notes("truck 42 yesterday 2 min until 3pm")[InferenceKind.WINDOW]
    assert "ends at Mon Nov 23, 3:00 PM CST" in note


def test_unknown_words_are_reported_but_filler_is_not() -> None:
    notes = _notes("pls pull truck 42 yesterday 3pm video in slow motion")
    assert "“slow”" in notes[InferenceKind.IGNORED]
    assert "“motion”" in notes[InferenceKind.IGNORED]
    assert "pls" not in notes[InferenceKind.IGNORED]
    assert InferenceKind.IGNORED not in _notes("pls grab the video of truck 42 yesterday 3pm")


def test_a_quoted_name_without_keyword_is_reported_not_dropped() -> None:
    notes = _notes('truck 42 yesterday 3pm "near gate 4"')
    assert "near gate 4" in notes[InferenceKind.IGNORED]


def test_the_moment_asked_about_is_kept_for_the_still() -> None:
    def moment(phrase: str) -> str | None:
        result = parse_phrase(phrase, TUE.tz, TUE.now)
        assert isinstance(result, ParsedPhrase), result
        return result.moment.astimezone(TUE.tz).strftime("%H:%M:%S") if result.moment else None

    assert moment("truck 42 yesterday 3pm 2 min") == "15:00:00"
    assert moment("truck 42 yesterday 2 min ending at 3pm") == "15:00:00"
    assert moment("truck 42 yesterday 1 min either side of 3pm") == "15:00:00"
    assert moment("truck 42 yesterday 3:00-3:02pm") is None, "a window alone: its middle"
