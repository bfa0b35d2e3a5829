"""When the window is: the time a phrase names, placed on the calendar in its zone.

This is where "now" and the time zone meet the words: the most recent past occurrence of a time,
the day a weekday means, daylight-saving gaps (a time that never happened) and folds (a time
that happened twice). Every choice the phrase did not make outright becomes an inference.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import NamedTuple

from bot.phrase.calendar import is_explicit_date, resolve_day
from bot.phrase.clock import WallTime, check_values, to_wall_time
from bot.phrase.draft import (
    ClockStyle,
    ClockTime,
    DayKind,
    Draft,
    PartOfDay,
    TimeRange,
    ZoneSpec,
)
from bot.phrase.result import Inference, InferenceKind, PhraseProblem
from bot.phrase.zones import offset_label
from bot.plumbing.timefmt import clock_text, day_text, local_text
from bot.recall_terms import PhraseErrorCode

_DAY = 86400
_EXAMPLE = "“truck 42 yesterday 3pm 2 min”"


class Moment(NamedTuple):
    """The instant a phrase names, and how the window hangs on it."""

    instant: datetime
    ends_window: bool = False  # "2 min ending at 3pm": the instant is the end
    range_seconds: int | None = None  # "3:00-3:02pm" also says how long
    range_text: str | None = None


def _problem(code: PhraseErrorCode, message: str) -> PhraseProblem:
    return PhraseProblem(code, message)


def _seconds(wall: WallTime) -> int:
    return wall.hour * 3600 + wall.minute * 60 + wall.second + (_DAY if wall.next_day else 0)


def localize(day: date, wall: WallTime, tz: tzinfo, text: str) -> datetime:
    """The aware moment of a wall time on a day, refusing DST gaps and folds."""
    day = day + timedelta(days=1) if wall.next_day else day
    # Both folds built directly: ``naive.replace(tzinfo=...)`` costs ~0.75 us a call against
    # ~0.3 us for the constructor, and this runs once a phrase.
    fields = (day.year, day.month, day.day, wall.hour, wall.minute, wall.second)
    first = datetime(*fields, tzinfo=tz)
    second = datetime(*fields, tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != first.replace(tzinfo=None):
        raise _problem(
            PhraseErrorCode.INVALID_TIME,
            f"“{text}” on {day_text(day)} never happened in {tz}: the clocks jumped forward an "
            f"hour that night. Pick a time outside the skipped hour, e.g. “3:30am”.",
        )
    raise _problem(
        PhraseErrorCode.AMBIGUOUS_TIME,
        f"“{text}” on {day_text(day)} happened twice in {tz}: the clocks went back an hour "
        f"that night. Say which one, e.g. “{text} {first.tzname()}” or “{text} "
        f"{second.tzname()}”.",
    )


def _lenient(
    day: date, wall: WallTime, tz: tzinfo, next_day: bool | None = None, fold: int = 0
) -> datetime:
    """The aware wall time on ``day`` (the next day when ``next_day``, by default the wall
    time's own), with no check for DST gaps and folds."""
    if wall.next_day if next_day is None else next_day:
        day = day + timedelta(days=1)
    return datetime(day.year, day.month, day.day, wall.hour, wall.minute, wall.second,
                    tzinfo=tz, fold=fold)  # fmt: skip


class _Resolver:
    """Resolves the time of one draft against one "now" in one zone."""

    def __init__(self, draft: Draft, now: datetime, tz: tzinfo, zone: ZoneSpec | None) -> None:
        self.draft = draft
        self.now = now
        self.tz = tz
        self.zone = zone
        self.local_now = now.astimezone(tz)
        self.notes: list[Inference] = []

    def note(self, kind: InferenceKind, message: str) -> None:
        self.notes.append(Inference(kind=kind, message=message))

    # -- what kind of time was said ------------------------------------------------------------

    def resolve(self) -> Moment:
        draft = self.draft
        if draft.futures:
            raise _problem(
                PhraseErrorCode.FUTURE_TIME,
                f"“{draft.futures[0]}” is in the future, and footage can only be recalled once it "
                f"has been recorded. Ask for a past time, e.g. {_EXAMPLE}.",
            )
        points = self._points()
        if len(points) > 1:
            shown = " and ".join(f"“{p}”" for p in points[:3])
            raise _problem(
                PhraseErrorCode.AMBIGUOUS_TIME,
                f"I see more than one time: {shown}. Give one time (or one range like "
                f"“3:00-3:02pm”), e.g. {_EXAMPLE}.",
            )
        if not points:
            raise self._no_time()
        if draft.relatives:
            return self._relative(draft.relatives[0].value, draft.relatives[0].text)
        if draft.nows and not (draft.clocks or draft.ranges or draft.end_clocks):
            return Moment(self.now.astimezone(UTC).replace(microsecond=0))
        if draft.vague:
            raise self._not_specific(draft.vague[0])
        if draft.ranges:
            return self._range(draft.ranges[0])
        if draft.end_clocks:
            return Moment(self._clock(draft.end_clocks[0]), ends_window=True)
        return Moment(self._clock(draft.clocks[0]))

    def _points(self) -> list[str]:
        draft = self.draft
        points: list[str] = []
        clocks: list[ClockTime] = []
        for clock in draft.clocks + draft.end_clocks:
            if not any(clock.same_reading(seen) for seen in clocks):
                clocks.append(clock)
                points.append(clock.text)
        points += [r.text for r in draft.ranges]
        relatives: dict[int, str] = {}
        for relative in draft.relatives:
            relatives.setdefault(relative.value, relative.text)
        points += relatives.values()
        if not points and draft.nows:
            points.append(draft.nows[0])
        return points

    def _no_time(self) -> PhraseProblem:
        draft = self.draft
        said = [d.text for d in draft.days] + [p.text for p in draft.parts] + draft.vague
        if said:
            return self._not_specific(said[0])
        return _problem(
            PhraseErrorCode.NO_TIME,
            f"I couldn't find when: say a day and a clock time, e.g. {_EXAMPLE} or "
            "“truck 42 20 min ago”.",
        )

    def _not_specific(self, said: str) -> PhraseProblem:
        return _problem(
            PhraseErrorCode.TIME_NOT_SPECIFIC,
            f"“{said}” doesn't say exactly when. Add a clock time, e.g. “yesterday 3:05pm”, "
            f"“this morning 7:40”, or a time back from now like “20 min ago”.",
        )

    def _relative(self, seconds: int, text: str) -> Moment:
        other_days = [d.text for d in self.draft.days if d.offset or d.kind is not DayKind.OFFSET]
        other = other_days + [p.text for p in self.draft.parts]
        if other:
            raise _problem(
                PhraseErrorCode.AMBIGUOUS_TIME,
                f"“{text}” counts back from now, but “{other[0]}” names a day or part of day. "
                f"Use one of them, e.g. “20 min ago” or {_EXAMPLE}.",
            )
        instant = (self.now - timedelta(seconds=seconds)).replace(microsecond=0)
        self.note(
            InferenceKind.CLOCK,
            f"“{text}” read as {local_text(instant.astimezone(self.tz))} "
            f"(counted back from now, {clock_text(self.local_now)}).",
        )
        return Moment(instant.astimezone(UTC))

    # -- clock times ----------------------------------------------------------------------------

    def _part(self) -> PartOfDay | None:
        named = [(p.value, p.text) for p in self.draft.parts]
        named += [(d.part, d.text) for d in self.draft.days if d.part is not None]
        if not named:  # most phrases
            return None
        parts = {part for part, _ in named}
        if len(parts) > 1:
            texts = " and ".join(f"“{text}”" for _, text in named[:2])
            raise _problem(
                PhraseErrorCode.AMBIGUOUS_TIME,
                f"{texts} are different parts of the day. Name one, e.g. “this morning 7:40”.",
            )
        return next(iter(parts), None)

    def _wall(self, clock: ClockTime, part: PartOfDay | None) -> WallTime:
        if clock.style is ClockStyle.MIDNIGHT and self.draft.days and part is not PartOfDay.NIGHT:
            day = self.draft.days[0].text
            raise _problem(
                PhraseErrorCode.AMBIGUOUS_TIME,
                f"“{day} {clock.text}” could be the start or the end of {day}. Say “{day} 12am” "
                "for the start, or name the next day with 12am for the end.",
            )
        wall = to_wall_time(clock, part)
        if wall.note:
            self.note(InferenceKind.CLOCK, wall.note)
        if clock.approximate:
            self.note(
                InferenceKind.CLOCK,
                f"“{clock.text}” is approximate; taken as exactly {self._wall_text(wall)}. "
                "Say the exact minute if it differs.",
            )
        return wall

    @staticmethod
    def _wall_text(wall: WallTime) -> str:
        return clock_text(datetime(2000, 1, 1, wall.hour, wall.minute, wall.second))  # noqa: DTZ001

    def _clock(self, clock: ClockTime) -> datetime:
        wall = self._wall(clock, self._part())
        day = self._day(wall, clock)
        instant = localize(day, wall, self.tz, clock.text)
        self._fixed_offset_note(instant)
        return instant.astimezone(UTC)

    def _day(self, wall: WallTime, clock: ClockTime) -> date:
        """The day a clock time falls on: the one named, or its most recent past occurrence."""
        today = self.local_now.date()
        if not self.draft.days:
            day = today
            if _lenient(day, wall, self.tz, next_day=False) > self.now:  # compared as instants
                day -= timedelta(days=1)
            when = "today" if day == today else "yesterday"
            self.note(
                InferenceKind.DAY,
                f"No day given: the most recent {self._wall_text(wall)} is {when}, "
                f"{day_text(day)}.",
            )
            return day
        wall_now = (self.local_now.hour, self.local_now.minute, self.local_now.second)
        passed = (wall.hour, wall.minute, wall.second) <= wall_now and not wall.next_day
        explicit = [d for d in self.draft.days if is_explicit_date(d)]
        # Beside a calendar date, a weekday only checks it ("Monday, Nov 16").
        specs = self.draft.days
        if explicit:
            specs = [d for d in specs if d.kind is not DayKind.WEEKDAY]
        days = {resolve_day(spec, today, passed) for spec in specs}
        if len(days) > 1:
            texts = " and ".join(f"“{d.text}”" for d in specs[:2])
            raise _problem(
                PhraseErrorCode.AMBIGUOUS_TIME,
                f"{texts} are different days. Name one day, e.g. {_EXAMPLE}.",
            )
        day = days.pop()
        if explicit:
            self._check_weekdays(day)
        if explicit or any(spec.kind is not DayKind.OFFSET for spec in specs):
            said = " ".join(spec.text for spec in specs)
            self.note(InferenceKind.DAY, f"“{said}” read as {day_text(day)}, {day.year}.")
        shown = day + timedelta(days=1) if wall.next_day else day
        if shown > today:
            raise _problem(
                PhraseErrorCode.FUTURE_TIME,
                f"{day_text(shown)} at {clock.text} is in the future, and footage can only be "
                f"recalled once it has been recorded. Ask for a past time, e.g. {_EXAMPLE}.",
            )
        return day

    def _check_weekdays(self, day: date) -> None:
        """Beside a calendar date, every weekday named must be that date's."""
        for spec in self.draft.days:
            if spec.kind is DayKind.WEEKDAY and spec.weekday != day.weekday():
                raise _problem(
                    PhraseErrorCode.INVALID_TIME,
                    f"“{spec.text}” doesn't match the date: {day_text(day)}, {day.year} is a "
                    f"{day:%A}. Check the date, e.g. “{day:%A} the {day.day}”.",
                )

    def _fixed_offset_note(self, instant: datetime) -> None:
        zone = self.zone
        if zone is None or zone.region is None:
            return
        regional = instant.astimezone(zone.region)
        offset = instant.utcoffset()
        if offset is not None and regional.utcoffset() != offset:
            shown = offset_label(regional.utcoffset() or timedelta())
            self.note(
                InferenceKind.ZONE,
                f"{zone.label} is used as written, but on {day_text(instant.date())} clocks in "
                f"that region showed {regional.tzname()} ({shown}). Say "
                f"“{regional.tzname()}” if you read the time off a local clock.",
            )

    # -- ranges ---------------------------------------------------------------------------------

    def _range(self, said: TimeRange) -> Moment:
        part = self._part()
        start_clock, end_clock = said.start, said.end
        check_values(start_clock)
        check_values(end_clock)
        if start_clock.style is ClockStyle.BARE and end_clock.style is not ClockStyle.BARE:
            end_wall = self._wall(end_clock, part)
            start_wall = _latest_before(start_clock, _seconds(end_wall))
            if end_wall.next_day and _seconds(start_wall) < _seconds(end_wall) - _DAY:
                start_wall = start_wall._replace(next_day=True)  # both after midnight
        else:
            start_wall = self._wall(start_clock, part)
            end_wall = (
                _earliest_after(end_clock, _seconds(start_wall))
                if end_clock.style is ClockStyle.BARE
                else self._wall(end_clock, part)
            )
        gap = (_seconds(end_wall) - _seconds(start_wall)) % _DAY
        if not 0 < gap <= _DAY // 2:
            raise _problem(
                PhraseErrorCode.INVALID_TIME,
                f"“{said.text}” ends before it starts. Give the earlier time first, e.g. "
                "“3:00-3:02pm”.",
            )
        day = self._day(start_wall, start_clock)
        start = localize(day, start_wall, self.tz, start_clock.text)
        end_day = (start.replace(tzinfo=None) + timedelta(seconds=gap)).date()
        end_time = localize(
            end_day,
            WallTime(end_wall.hour, end_wall.minute, end_wall.second),
            self.tz,
            end_clock.text,
        )
        # In UTC: aware datetimes that share a tzinfo subtract as wall clocks, across DST too.
        seconds = int((end_time.astimezone(UTC) - start.astimezone(UTC)).total_seconds())
        self.note(
            InferenceKind.WINDOW,
            f"“{said.text}” read as {clock_text(start)} to {clock_text(end_time)}.",
        )
        self._fixed_offset_note(start)
        return Moment(start.astimezone(UTC), range_seconds=seconds, range_text=said.text)


def _latest_before(clock: ClockTime, end_seconds: int) -> WallTime:
    """A bare start hour placed as late as possible before the range's end ("11-1pm": 11am)."""
    options = [
        (clock.hour % 12 + half) * 3600 + clock.minute * 60 + clock.second for half in (0, 12)
    ]
    before = [s for s in options if s < end_seconds % _DAY] or [max(options)]
    seconds = max(before)
    return WallTime(seconds // 3600, seconds // 60 % 60, seconds % 60)


def _earliest_after(clock: ClockTime, start_seconds: int) -> WallTime:
    """A bare end hour placed as early as possible after the range's start ("10:58am-11:00")."""
    base = clock.hour % 12 * 3600 + clock.minute * 60 + clock.second
    options = [base + half * 3600 for half in (0, 12, 24, 36)]
    seconds = next(s for s in options if s > start_seconds % _DAY)
    return WallTime(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60, seconds >= _DAY)


def resolve_moment(
    draft: Draft, now: datetime, tz: tzinfo, zone: ZoneSpec | None
) -> tuple[Moment, list[Inference]]:
    """The instant a draft names, read in ``tz`` at ``now``, with what was inferred."""
    resolver = _Resolver(draft, now, tz, zone)
    return resolver.resolve(), resolver.notes
