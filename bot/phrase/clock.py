"""Clock times: reading them from tokens, and reading their hour on a 24-hour clock.

A bare hour ("at 3", "3:00") has no am/pm, so it is read the way people in a fleet office mean
it: 1-6 is afternoon, 7-11 is morning, 12 is noon, unless a part of the day says otherwise.
Every such reading is reported back, because it is a guess.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.phrase.draft import ClockStyle, ClockTime, PartOfDay
from bot.phrase.lexer import Token
from bot.phrase.result import PhraseProblem
from bot.recall_terms import PhraseErrorCode

# Hours (on a 24-hour clock) that each part of the day covers, for catching "this morning 3pm".
_PART_HOURS: dict[PartOfDay, frozenset[int]] = {
    PartOfDay.MORNING: frozenset(range(12)),
    PartOfDay.LUNCH: frozenset(range(10, 15)),
    PartOfDay.AFTERNOON: frozenset(range(12, 19)),
    PartOfDay.EVENING: frozenset(range(15, 24)),
    PartOfDay.NIGHT: frozenset([*range(18, 24), *range(6)]),
}
_NIGHT_AFTER_MIDNIGHT = frozenset(range(6))
# The forms of the lexer's ``clock`` lexeme, in its order: the groups each has for its hour,
# its am/pm letters, minutes, seconds and "ish" (None: that form has no such part).
_CLOCK_FORMS: tuple[tuple[str, tuple[str, ...], str | None, str | None, str | None], ...] = (
    ("c1h", ("c1a", "c1p"), "c1m", "c1s", "c1ish"),
    ("c2h", ("c2a",), "c2m", None, "c2ish"),
    ("c6h", ("c6a",), "c6m", None, "c6ish"),
    ("c3h", ("c3a", "c3p"), None, None, "c3ish"),
    ("c4h", (), None, None, None),
)
# Every group read_clock reads, asked of the match in one call (each pattern that holds the
# lexeme holds them all): asked one at a time, a "3pm" took eight calls (~0.3 us each). Digits
# and am/pm read the same in the lower-cased text the match is of.
_CLOCK_GROUPS = ("c5h", "c1h", "c1a", "c1p", "c1m", "c1s", "c1ish", "c2h", "c2a", "c2m", "c2ish",
                 "c6h", "c6a", "c6m", "c6ish", "c3h", "c3a", "c3p", "c3ish", "c4h")  # fmt: skip


def _at(name: str | None) -> int | None:
    return None if name is None else _CLOCK_GROUPS.index(name)


# _CLOCK_FORMS with each group as its place in _CLOCK_GROUPS.
_FORMS_AT = tuple(
    (_CLOCK_GROUPS.index(hour), tuple(map(_CLOCK_GROUPS.index, letters)), _at(m), _at(s), _at(i))
    for hour, letters, m, s, i in _CLOCK_FORMS
)


def _style(hour_text: str, meridiem: str | None) -> ClockStyle:
    if meridiem:
        return ClockStyle.MERIDIEM
    hour = int(hour_text)
    if hour == 0 or hour > 12 or hour_text.startswith("0"):
        return ClockStyle.H24
    return ClockStyle.BARE


def _meridiem(*letters: str | None) -> str | None:
    letter = next((x for x in letters if x), None)
    return None if letter is None else f"{letter.lower()}m"


def read_clock(token: Token, approximate: bool = False) -> ClockTime:
    """The clock time a ``clock``, ``noon`` or ``midnight`` token names, unchecked."""
    if token.kind == "noon":
        return ClockTime(12, 0, 0, ClockStyle.NOON, token.text, approximate=approximate)
    if token.kind == "midnight":
        return ClockTime(0, 0, 0, ClockStyle.MIDNIGHT, token.text, approximate=approximate)
    parts = token.match.group(*_CLOCK_GROUPS)
    if digits := parts[0]:  # "3ish": approximate by its own word
        return clock_from_digits(digits, token.text, approximate=True)
    for hour_at, letters, minute_at, second_at, ish_at in _FORMS_AT:
        hour_text = parts[hour_at]
        if hour_text is None:
            continue
        meridiem = _meridiem(*(parts[at] for at in letters))
        minute = (minute_at is not None and parts[minute_at]) or "0"
        second = (second_at is not None and parts[second_at]) or "0"
        approx = approximate or bool(ish_at is not None and parts[ish_at])
        return ClockTime(
            int(hour_text),
            int(minute),
            int(second),
            _style(hour_text, meridiem),
            token.text,
            meridiem,
            approx,
        )
    raise ValueError(f"not a clock token: {token.text!r}")  # pragma: no cover


def clock_from_digits(digits: str, text: str, approximate: bool = False) -> ClockTime:
    """A clock time written as a plain number: "3" (an hour), "730" (7:30), "1504" (15:04)."""
    if len(digits) <= 2:
        return ClockTime(int(digits), 0, 0, _style(digits, None), text, None, approximate)
    hour_text, minute_text = digits[:-2], digits[-2:]
    style = ClockStyle.H24 if len(digits) == 4 else _style(hour_text, None)
    return ClockTime(int(hour_text), int(minute_text), 0, style, text, None, approximate)


def could_be_clock(digits: str) -> bool:
    """Whether a plain number can be read as a clock time at all (hour, h:mm or HHMM)."""
    if not digits.isdigit() or len(digits) > 4:
        return False
    if len(digits) <= 2:
        return int(digits) <= 24
    return int(digits[:-2]) <= 23 and int(digits[-2:]) <= 59


def from_iso(text: str, time_text: str) -> ClockTime:
    """The 24-hour clock time of an ISO 8601 datetime."""
    parts = [int(p) for p in time_text.split(":")]
    hour, minute, second = ([*parts, 0, 0])[:3]
    return ClockTime(hour, minute, second, ClockStyle.H24, text)


def _invalid(clock: ClockTime, why: str, example: str) -> PhraseProblem:
    return PhraseProblem(
        PhraseErrorCode.INVALID_TIME,
        f"“{clock.text}” is not a time of day: {why}. Write it like {example}.",
    )


def check_values(clock: ClockTime) -> None:
    """Refuse impossible clock values (25:00, 13pm, 2:60pm) with a message that shows the fix."""
    if clock.minute > 59 or clock.second > 59:
        raise _invalid(clock, "minutes and seconds run from 00 to 59", "“2:59pm” or “3:00pm”")
    if clock.style is ClockStyle.MERIDIEM and not 1 <= clock.hour <= 12:
        raise _invalid(clock, "with am or pm the hour runs from 1 to 12", "“1pm” or “13:00”")
    if clock.style is ClockStyle.H24 and clock.hour > 23:
        raise _invalid(clock, "hours run from 0 to 23", "“23:00” or “11pm”")


class WallTime(NamedTuple):
    """A clock time placed on a 24-hour clock, possibly just after midnight of the next day."""

    hour: int
    minute: int
    second: int
    next_day: bool = False
    note: str | None = None  # what was inferred, for the requester


def _bare_hour(clock: ClockTime, part: PartOfDay | None) -> tuple[int, bool, str]:
    """Place a bare hour (1-12) on a 24-hour clock: (hour, after midnight, why)."""
    h = clock.hour
    if part is None:
        if h == 12:
            return 12, False, "12 without am/pm is noon"
        if h <= 6:
            return h + 12, False, "1-6 without am/pm is read as pm"
        return h, False, "7-11 without am/pm is read as am"
    if part is PartOfDay.MORNING:
        return h % 12, False, "in the morning"
    if part is PartOfDay.NIGHT:
        if h == 12 or h < 6:
            return h % 12, True, "after midnight, at night"
        return h + 12, False, "at night"
    if part is PartOfDay.EVENING and h == 12:
        raise PhraseProblem(
            PhraseErrorCode.AMBIGUOUS_TIME,
            f"“{clock.text}” in the evening could be noon or midnight. Say “12pm” or “midnight”.",
        )
    if part is PartOfDay.LUNCH and h >= 10:
        return h, False, "around lunch"
    return (h if h == 12 else h + 12), False, f"in the {part}"


def to_wall_time(clock: ClockTime, part: PartOfDay | None) -> WallTime:
    """Read a clock time on a 24-hour clock, given the part of day the phrase named."""
    check_values(clock)
    if clock.style is ClockStyle.BARE:
        hour, after_midnight, why = _bare_hour(clock, part)
        shown = f"{(hour % 12) or 12}:{clock.minute:02d} {'pm' if hour >= 12 else 'am'}"
        return WallTime(
            hour,
            clock.minute,
            clock.second,
            after_midnight,
            f"“{clock.text}” read as {shown} ({why}).",
        )
    hour = clock.hour
    if clock.style is ClockStyle.MERIDIEM:
        hour = clock.hour % 12 + (12 if clock.meridiem == "pm" else 0)
    if part is not None and hour not in _PART_HOURS[part]:
        raise PhraseProblem(
            PhraseErrorCode.AMBIGUOUS_TIME,
            f"“{clock.text}” is not in the {part}: which did you mean? "
            f"Say the time alone (“{clock.text}”) or with the right part of the day.",
        )
    after_midnight = part is PartOfDay.NIGHT and hour in _NIGHT_AFTER_MIDNIGHT
    note = None
    if clock.style is ClockStyle.H24 and clock.text.isdigit():
        note = f"“{clock.text}” read as {hour:02d}:{clock.minute:02d} on a 24-hour clock."
    return WallTime(hour, clock.minute, clock.second, after_midnight, note)
