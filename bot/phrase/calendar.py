"""Days: turning "yesterday", "last friday", "11/20" or "nov 22" into a date.

Days are always read in the zone the phrase is read in, and a day with no year (or a weekday)
is its most recent past occurrence, because footage only exists in the past.

Calendar dates written with a month name ("22nd nov", "Nov. 22, 2025", "22nd of november")
are read here by hand: the lexer's ``mdate`` lexeme only lets through a month word, a day of
1-31 and perhaps a four-digit year, so reading one is a table lookup, not a job for a general
date parser. (dateparser read them until issue 22, at a third of a second to load on first
use; the hand reading gives the same date for every form, month, day, year and leap day.)
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.phrase.draft import DayKind, DaySpec
from bot.phrase.result import PhraseProblem
from bot.recall_terms import PhraseErrorCode

# Every English month name and abbreviation the lexer accepts starts with these three letters.
_MONTHS = {name: number for number, name in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}  # fmt: skip
_WORD_OR_NUMBER = re.compile(r"[^\W\d_]+|\d+")
_EXPLICIT = frozenset({DayKind.NUMERIC, DayKind.ISO, DayKind.MONTH_NAME, DayKind.DAY_OF_MONTH})


def _read_month_name(text: str, today: date) -> date | None:
    """The date an ``mdate`` lexeme names: with its year as written, else the most recent past
    (or today's) occurrence; None when that day does not exist."""
    parts = _WORD_OR_NUMBER.findall(text.lower())
    month = next(_MONTHS[part[:3]] for part in parts if part[:3] in _MONTHS)
    day, *year = (int(part) for part in parts if part.isdigit())
    if not year:
        return _latest_valid(month, day, today)
    try:
        return date(year[0], month, day)
    except ValueError:
        return None


def _invalid_date(text: str, why: str) -> PhraseProblem:
    return PhraseProblem(
        PhraseErrorCode.INVALID_TIME,
        f"“{text}” is not a date: {why}. Write the date like “11/20” or “nov 20”.",
    )


def _latest_valid(month: int, day: int, today: date) -> date | None:
    """The most recent past (or today) month/day, skipping years where it does not exist."""
    for year in range(today.year, today.year - 9, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def _numeric(spec: DaySpec, today: date) -> date:
    first, second, *year_part = spec.numbers
    # US order (month/day); day/month only when the first number cannot be a month.
    month, day = (first, second) if 1 <= first <= 12 else (second, first)
    if not 1 <= month <= 12:
        raise _invalid_date(spec.text, "neither number can be a month")
    if year_part:
        year = year_part[0] + (2000 if year_part[0] < 100 else 0)
        try:
            return date(year, month, day)
        except ValueError:
            raise _invalid_date(spec.text, "that day does not exist") from None
    found = _latest_valid(month, day, today) if 1 <= day <= 31 else None
    if found is None:
        raise _invalid_date(spec.text, "that day does not exist")
    return found


def _day_of_month(spec: DaySpec, today: date) -> date:
    (day,) = spec.numbers
    if not 1 <= day <= 31:
        raise _invalid_date(spec.text, "months have 31 days at most")
    year, month = today.year, today.month
    for _ in range(12):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate <= today:
            return candidate
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    raise _invalid_date(spec.text, "that day does not exist")  # pragma: no cover


def _weekday(spec: DaySpec, today: date, passed_today: bool) -> date:
    weekday = spec.weekday if spec.weekday is not None else today.weekday()
    if spec.modifier == "last week":  # weeks run Monday to Sunday
        return today - timedelta(days=today.weekday() + 7 - weekday)
    back = (today.weekday() - weekday) % 7
    strictly_before = spec.modifier in {"last", "past", "previous"}
    if back == 0 and (strictly_before or not passed_today):
        back = 7
    return today - timedelta(days=back)


def resolve_day(spec: DaySpec, today: date, passed_today: bool) -> date:
    """The date a day names, given today's date in the reading zone.

    ``passed_today`` says whether the clock time has already happened today; a weekday that is
    today only means today once its time has passed.
    """
    if spec.kind is DayKind.OFFSET:
        return today - timedelta(days=spec.offset)
    if spec.kind is DayKind.WEEKDAY:
        return _weekday(spec, today, passed_today)
    if spec.kind is DayKind.NUMERIC:
        return _numeric(spec, today)
    if spec.kind is DayKind.DAY_OF_MONTH:
        return _day_of_month(spec, today)
    if spec.kind is DayKind.ISO:
        try:
            return date(*spec.numbers)
        except ValueError:
            raise _invalid_date(spec.text, "that day does not exist") from None
    found = _read_month_name(spec.text, today)
    if found is None:
        raise _invalid_date(spec.text, "that day does not exist")
    return found


def is_explicit_date(spec: DaySpec) -> bool:
    """Whether a day names a calendar date (so a weekday beside it only checks it)."""
    return spec.kind in _EXPLICIT
