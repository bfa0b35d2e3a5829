"""What a phrase said, before anything is resolved against a clock or a calendar.

The grammar fills a ``Draft`` from tokens; resolution (``when``, ``cameras``, ``parser``) turns
it into a request. Keeping the two apart means every decision that needs "now" or a time zone
is made in one place, where it can also be reported as an inference.

The values a phrase said (a clock time, a range, a day, a zone, ``Said``; and ``WallTime`` and
``Moment`` after them) are named tuples: immutable as frozen dataclasses are, but built by one
generated ``__new__`` rather than an ``__init__`` that sets each field through
``object.__setattr__`` (a seven-field one ~1.4 us against ~0.5, a few a phrase). Each field is
still declared once; a changed copy is ``_replace``.
"""

from __future__ import annotations

from datetime import tzinfo
from enum import StrEnum
from typing import Generic, NamedTuple, TypeVar

from bot.recall_terms import CameraPosition, RecallType


class PartOfDay(StrEnum):
    """Parts of a day people name instead of (or beside) a clock time."""

    MORNING = "morning"
    LUNCH = "lunch"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    NIGHT = "night"


class ClockStyle(StrEnum):
    """How a clock time was written, which decides how its hour is read."""

    MERIDIEM = "meridiem"  # 3pm, 3:04:30 P.M.
    H24 = "24h"  # 15:00, 07:30, 0730, 1504
    BARE = "bare"  # 3, 3:00, 3 o'clock: am or pm is inferred
    NOON = "noon"
    MIDNIGHT = "midnight"


class ClockTime(NamedTuple):
    """A wall-clock time as written; values are checked when it is resolved."""

    hour: int
    minute: int
    second: int
    style: ClockStyle
    text: str
    meridiem: str | None = None  # "am" or "pm" for MERIDIEM
    approximate: bool = False

    def same_reading(self, other: ClockTime) -> bool:
        """Whether two mentions name the same time ("3pm ... at 3pm")."""
        return (self.hour, self.minute, self.second, self.style, self.meridiem) == (
            other.hour,
            other.minute,
            other.second,
            other.style,
            other.meridiem,
        )


class TimeRange(NamedTuple):
    """Two clock times that bound the window ("3:00-3:02pm")."""

    start: ClockTime
    end: ClockTime
    text: str


class DayKind(StrEnum):
    """How a day was named."""

    OFFSET = "offset"  # today, yesterday, 2 days ago
    WEEKDAY = "weekday"  # friday, last friday, on monday
    NUMERIC = "numeric"  # 11/20, 11-20-26 (month/day unless the first cannot be a month)
    ISO = "iso"  # 2026-11-20
    MONTH_NAME = "month_name"  # nov 22, 22nd nov
    DAY_OF_MONTH = "day_of_month"  # the 20th


class DaySpec(NamedTuple):
    """A day as said; ``calendar.resolve_day`` turns it into a date."""

    kind: DayKind
    text: str
    offset: int = 0
    weekday: int | None = None
    modifier: str | None = None  # "last", "this", "on", "past"
    numbers: tuple[int, ...] = ()  # NUMERIC: (a, b[, year]); ISO: (y, m, d); DAY_OF_MONTH: (d,)
    part: PartOfDay | None = None  # implied by the day word: "last night", "this morning"


class ZoneSpec(NamedTuple):
    """A time zone named in the phrase."""

    tz: tzinfo | None  # None: "our time", "local time": the requester's own zone
    label: str
    text: str
    region: tzinfo | None = None  # for EST/CDT...: the region zone, to say when it differs


T = TypeVar("T")


class Said(NamedTuple, Generic[T]):
    """A value with the words that said it, so messages can quote the requester."""

    value: T
    text: str


class CameraDraft:
    """Camera words: named positions, exclusions, "all", and names we do not know."""

    __slots__ = ("excluded", "included", "people", "said_all", "texts", "unknown")

    def __init__(self) -> None:
        self.included: set[CameraPosition] = set()
        self.excluded: set[CameraPosition] = set()
        self.said_all = False
        self.unknown: list[str] = []
        self.texts: list[str] = []
        self.people: list[str] = []  # "the driver said": the person, no camera


class Draft:
    """Everything a phrase said, sorted by meaning: a mutable accumulator the grammar fills
    (a plain slotted class: a phrase makes one, and a dataclass's generated ``__init__`` of 22
    factories cost ~2.9 us against ~1.8)."""

    __slots__ = (
        "approximate", "assets", "before_ids", "cameras", "centred", "clocks", "days", "durations",
        "end_clocks", "futures", "ignored", "listed_ids", "loose_ids", "nows", "parts", "ranges",
        "recall_types", "relatives", "vague", "vehicles", "windows", "zones",
    )  # fmt: skip

    def __init__(self) -> None:
        self.vehicles: list[str] = []
        self.assets: list[str] = []
        self.loose_ids: list[str] = []
        self.listed_ids: list[str] = []  # "trucks 42 and 43": 43 joins a list
        self.durations: list[Said[int]] = []  # seconds
        self.recall_types: list[Said[RecallType]] = []
        self.cameras = CameraDraft()
        self.zones: list[ZoneSpec] = []
        self.clocks: list[ClockTime] = []
        self.ranges: list[TimeRange] = []
        self.end_clocks: list[ClockTime] = []
        self.days: list[DaySpec] = []
        self.parts: list[Said[PartOfDay]] = []
        self.relatives: list[Said[int]] = []  # seconds back from now
        self.windows: list[Said[int]] = []  # "last 2 min": seconds ending now
        self.centred: list[Said[int]] = []  # "3pm ± 1 min": seconds, centred
        self.futures: list[str] = []
        self.nows: list[str] = []
        self.vague: list[str] = []
        self.ignored: list[str] = []
        self.before_ids: list[str] = []  # ignored words just before a number
        self.approximate: list[str] = []  # "about" not said of a clock time

    def replaced(self, **fields: object) -> Draft:
        """A copy with ``fields`` (attribute names) set to other values."""
        copy = Draft.__new__(Draft)
        for name in Draft.__slots__:
            setattr(copy, name, fields.pop(name, getattr(self, name)))
        if fields:
            raise TypeError(f"Draft has no field {next(iter(fields))!r}")
        return copy

    def has_time_point(self) -> bool:
        """Whether the phrase named a moment (a clock time, a range or a time back from now)."""
        return bool(self.clocks or self.ranges or self.end_clocks or self.relatives or self.windows)
