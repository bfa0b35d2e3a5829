"""A day and a wall-clock time in a zone, as one moment (or why there is none)."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from bot.phrase.clock import WallTime
from bot.phrase.result import PhraseProblem
from bot.phrase.when import localize


def place(day: date, clock: time, zone: tzinfo) -> datetime | str:
    """The aware moment, or a message when the clocks skipped that time or showed it twice."""
    wall = WallTime(clock.hour, clock.minute, clock.second)
    try:
        return localize(day, wall, zone, clock.strftime("%H:%M"))
    except PhraseProblem as problem:
        return problem.error.message
