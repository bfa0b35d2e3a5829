"""Rows of the phrase corpus, and the one check every row goes through.

An ``ok`` row states the whole request the phrase must become: unless a row says otherwise it
expects vehicle "42", a one-minute regular recall and every camera (the defaults), so a row that
only names its start still proves the defaults were applied. An ``err`` row states the refusal
code, and every refusal must come with a message that shows an example.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.phrase import ParsedPhrase, PhraseError, parse_phrase


@dataclass(frozen=True)
class Clock:
    """A reference "now" and the requester's zone."""

    name: str
    now: datetime

    @property
    def tz(self) -> ZoneInfo:
        assert isinstance(self.now.tzinfo, ZoneInfo)
        return self.now.tzinfo


def _at(name: str, iso: str, zone: str) -> Clock:
    return Clock(name, datetime.fromisoformat(iso).replace(tzinfo=ZoneInfo(zone)))


# The reference: Tuesday 2026-11-24 16:30 in Chicago (CST, UTC-6) = 22:30Z.
TUE = _at("tue", "2026-11-24T16:30:00", "America/Chicago")
MON_LA = _at("mon-la", "2026-11-23T08:00:00", "America/Los_Angeles")
SPRING = _at("spring-fwd", "2026-03-08T10:00:00", "America/Chicago")  # DST began 02:00
DAY_AFTER_SPRING = _at("spring+1", "2026-03-09T09:00:00", "America/Chicago")
FALL = _at("fall-back", "2026-11-01T10:00:00", "America/Chicago")  # DST ended 02:00
NY_SUMMER = _at("ny-jul", "2026-07-04T09:15:00", "America/New_York")
LONDON_FALL = _at("london-fall", "2026-10-25T12:00:00", "Europe/London")
LONDON_SPRING = _at("london-spring", "2026-03-29T12:00:00", "Europe/London")
NEW_YEAR_UTC = _at("new-year-utc", "2026-01-01T00:20:00", "UTC")

ALL = None


@dataclass(frozen=True)
class Case:
    """One phrase and what it must become at one reference clock."""

    phrase: str
    clock: Clock
    start: str | None = None
    vehicle: str | None = None
    asset: str | None = None
    duration: int = 1
    recall_type: str = "regular"
    cameras: tuple[str, ...] | None = ALL
    error: str | None = None

    def __str__(self) -> str:
        return f"{self.clock.name}: {self.phrase}"


def ok(
    phrase: str,
    start: str,
    *,
    v: str | None = "42",
    a: str | None = None,
    dur: int = 1,
    kind: str = "regular",
    cams: str | None = None,
    at: Clock = TUE,
) -> Case:
    """A phrase that must become exactly this request (cams: space-separated positions)."""
    return Case(
        phrase,
        at,
        start=start,
        vehicle=None if a is not None else v,
        asset=a,
        duration=dur,
        recall_type=kind,
        cameras=None if cams is None else tuple(cams.split()),
    )


def err(phrase: str, code: str, *, at: Clock = TUE) -> Case:
    """A phrase that must be refused with this code."""
    return Case(phrase, at, error=code)


def check(case: Case) -> ParsedPhrase | PhraseError:
    """Parse the row's phrase at its clock and compare everything the row states."""
    result = parse_phrase(case.phrase, case.clock.tz, case.clock.now)
    if case.error is not None:
        assert isinstance(result, PhraseError), f"expected {case.error}, got {result}"
        assert result.code == case.error, result.message
        assert "“" in result.message, "a refusal quotes an example of what to say"
        return result
    assert isinstance(result, ParsedPhrase), f"refused: {result}"
    request = result.request.model_dump(mode="json")
    assert request == {
        "vehicle_number": case.vehicle,
        "asset_name": case.asset,
        "start_time": case.start,
        "duration": case.duration,
        "recall_type": case.recall_type,
        "camera_positions": None if case.cameras is None else list(case.cameras),
    }
    return result
