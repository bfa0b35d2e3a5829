"""What a message says of each field of a request, each read on its own: the modal's prefill.

A message that is not a whole phrase (an alert another bot posted, a note in a thread) still
names parts of a request: the vehicle, a day and a time, a length, cameras. Each field is
resolved on its own, so one that cannot be read (or was not said) leaves only that field empty,
and what could not be used is said.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from typing import NamedTuple, TypeVar

from bot.phrase.calendar import resolve_day
from bot.phrase.cameras import resolve_cameras
from bot.phrase.draft import Draft
from bot.phrase.grammar import read_draft
from bot.phrase.lengths import resolve_duration, resolve_type
from bot.phrase.lexer import tokenize
from bot.phrase.parser import reading_zone
from bot.phrase.result import PhraseProblem
from bot.phrase.spelling import check_words
from bot.phrase.targets import resolve_target
from bot.phrase.when import resolve_moment
from bot.recall_terms import CameraPosition, RecallType

T = TypeVar("T")


class SaidFields(NamedTuple):
    """Each field a message said, resolved (None where it said nothing usable)."""

    vehicle_number: str | None = None
    asset_name: str | None = None
    start: datetime | None = None  # aware, in the zone the message was read in
    day: date | None = None  # a day said without a time
    duration: int | None = None  # minutes
    recall_type: RecallType | None = None
    cameras: tuple[CameraPosition, ...] | None = None  # None: not said (every camera)
    unusable: tuple[str, ...] = ()  # why something the message said could not be used


class _Reader:
    """Resolves one field at a time, collecting why a field was left empty."""

    def __init__(self, draft: Draft, zone: tzinfo, written: datetime) -> None:
        self.draft, self.zone, self.written = draft, zone, written
        self.unusable: list[str] = []

    def attempt(self, said: bool, resolve: Callable[[], T]) -> T | None:
        if not said:
            return None
        try:
            return resolve()
        except PhraseProblem as problem:
            self.unusable.append(problem.error.message)
            return None

    def start(self) -> datetime | None:
        draft = self.draft
        tz, spec, _ = reading_zone(draft, self.zone)
        moment, _ = resolve_moment(draft, self.written, tz, spec)
        if draft.centred:  # "3pm ± 1 min": the window starts half its length earlier
            return (moment.instant - timedelta(seconds=draft.centred[0].value / 2)).astimezone(tz)
        if not moment.ends_window:
            return moment.instant.astimezone(tz)
        minutes = self.duration() or 1
        return (moment.instant - timedelta(minutes=minutes)).astimezone(tz)

    def day(self) -> date:
        today = self.written.astimezone(self.zone).date()
        return resolve_day(self.draft.days[0], today, passed_today=True)

    def duration(self) -> int:
        recall_type, _ = resolve_type(self.draft)
        centred = self.draft.centred[0] if self.draft.centred else None
        minutes, _ = resolve_duration(
            self.draft, recall_type, centred.value if centred else None,
            centred.text if centred else None,
        )  # fmt: skip
        return minutes


def _words_placed(text: str, draft: Draft) -> bool:
    """True unless a left-over word was meant as a key word (``PhraseProblem`` says which)."""
    if draft.ignored:
        check_words(text, draft.ignored, draft.before_ids)
    return True


def read_fields(text: str, zone: tzinfo, written: datetime) -> SaidFields:
    """The fields ``text`` names, read in ``zone`` as of ``written`` (when it was posted)."""
    draft = read_draft(tokenize(text))
    reader = _Reader(draft, zone, written)
    target = reader.attempt(bool(draft.vehicles or draft.assets or draft.loose_ids),
                            lambda: resolve_target(draft)[0])  # fmt: skip
    # A misspelt or foreign word may be the day or time: then those stay for the person to fill.
    words_ok = reader.attempt(True, lambda: _words_placed(text, draft))
    start = reader.attempt(bool(words_ok) and draft.has_time_point(), reader.start)
    day = reader.attempt(bool(words_ok) and start is None and bool(draft.days), reader.day)
    length_said = bool(draft.durations or draft.ranges or draft.centred)
    cameras_said = bool(draft.cameras.texts or draft.cameras.unknown)
    return SaidFields(
        vehicle_number=target.vehicle_number if target else None,
        asset_name=target.asset_name if target else None,
        start=start,
        day=day,
        duration=reader.attempt(length_said, reader.duration),
        recall_type=reader.attempt(bool(draft.recall_types), lambda: resolve_type(draft)[0]),
        cameras=reader.attempt(cameras_said, lambda: resolve_cameras(draft.cameras)[0]),
        unusable=tuple(dict.fromkeys(reader.unusable)),
    )
