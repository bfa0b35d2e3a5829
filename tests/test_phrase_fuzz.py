"""Any input at all gives a request or a refusal, never an exception, and quickly.

Hypothesis's deadline is the bound on time: a pathological input (catastrophic regex
backtracking, quadratic scans) would blow through it long before it became a real outage.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.phrase import ParsedPhrase, PhraseError, parse_phrase
from bot.recall import ALLOWED_DURATIONS, CAMERA_ORDER

ZONES = [
    ZoneInfo(z)
    for z in (
        "America/Chicago",
        "America/Los_Angeles",
        "Europe/London",
        "UTC",
        "Asia/Kolkata",
        "Australia/Lord_Howe",
        "Pacific/Chatham",
    )
]
VOCAB = (
    'truck unit vehicle asset trailer #42 42 1207 TX-4471 "Yard Jockey 3" yesterday today '
    "tonight tomorrow last this next monday fri sat nov 22nd 11/20 2026-11-20 20th the at around "
    "~ 3pm 3:00 3:02pm 15:00 0730 1504 noon midnight morning evening night lunch 2 min 2m 120s "
    "1h an hour ago back in for - – to between and or except no all but front driver cam rear "
    "left right both omnicam roof 360 timelapse time-lapse regular ET PT CST EDT UTC Z our time "
    "America/Chicago pls pull video , . ! ? : ; / + & 1 2 3 5 10 12 13 25 60 99 0 00 ish o'clock"
).split()

phrases = st.lists(st.sampled_from(VOCAB), max_size=30).map(" ".join)
moments = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
    max_value=datetime(2035, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


def _holds(result: ParsedPhrase | PhraseError, now: datetime) -> None:
    """What every answer must satisfy, whatever the input."""
    if isinstance(result, PhraseError):
        assert result.message
        return
    request = result.request
    assert request.end_time <= now, "a recall never asks for footage from the future"
    assert request.duration in ALLOWED_DURATIONS[request.recall_type]
    assert (request.vehicle_number is None) != (request.asset_name is None)
    if request.camera_positions is not None:
        assert list(request.camera_positions) == sorted(
            request.camera_positions, key=CAMERA_ORDER.index
        )


@settings(max_examples=400, deadline=timedelta(milliseconds=500))
@given(text=st.text(max_size=400), zone=st.sampled_from(ZONES), now=moments)
def test_any_text_is_answered(text: str, zone: ZoneInfo, now: datetime) -> None:
    _holds(parse_phrase(text, zone, now), now)


@settings(max_examples=600, deadline=timedelta(milliseconds=500))
@given(text=phrases, zone=st.sampled_from(ZONES), now=moments)
def test_phrase_like_text_is_answered(text: str, zone: ZoneInfo, now: datetime) -> None:
    _holds(parse_phrase(text, zone, now), now)


@settings(max_examples=25, deadline=timedelta(seconds=2))
@given(
    chunk=st.one_of(st.text(min_size=1, max_size=60), phrases.filter(bool)),
    zone=st.sampled_from(ZONES),
)
def test_ten_kilobyte_inputs_are_answered(chunk: str, zone: ZoneInfo) -> None:
    text = (chunk * (10_000 // len(chunk) + 1))[:10_000]
    now = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)
    _holds(parse_phrase(text, zone, now), now)


def test_unicode_junk_and_control_characters_are_answered() -> None:
    now = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)
    for text in [
        "\x00\x01\x02",
        "🚚 42 ⏰ 3pm 🙏",
        "ｔｒｕｃｋ　４２　ｙｅｓｔｅｒｄａｙ　３ｐｍ",
        "\u202etruck 42 yesterday 3pm",
        "İ" * 5000,
        "a\u0301" * 3000,
        "\ud7ff" * 10,
    ]:
        _holds(parse_phrase(text, ZONES[0], now), now)


def test_full_width_text_is_read_like_ascii() -> None:
    now = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)
    result = parse_phrase("ｔｒｕｃｋ　４２　ｙｅｓｔｅｒｄａｙ　３ｐｍ", ZONES[0], now)
    assert isinstance(result, ParsedPhrase)
    assert result.request.start_time == datetime(2026, 11, 23, 21, tzinfo=UTC)
