"""How recallbot writes times for people: their local time with its zone, and UTC beside it."""

from __future__ import annotations

from datetime import UTC, date, datetime

# Fixed English names: strftime is locale-dependent and, on the parser's hot path, slow.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def clock_text(moment: datetime) -> str:
    """'3:00 PM', or '3:04:30 PM' when the seconds matter."""
    hour = moment.hour % 12 or 12
    seconds = f":{moment.second:02d}" if moment.second else ""
    return f"{hour}:{moment.minute:02d}{seconds} {'PM' if moment.hour >= 12 else 'AM'}"


def day_text(day: date) -> str:
    """'Mon Nov 23' (the year only when it is not obvious is the caller's business)."""
    return f"{_WEEKDAYS[day.weekday()]} {_MONTHS[day.month - 1]} {day.day}"


def local_text(moment: datetime) -> str:
    """'Mon Nov 23, 3:00 PM CST': a moment as the requester reads it."""
    return f"{day_text(moment.date())}, {clock_text(moment)} {moment.tzname() or ''}".rstrip()


def span_text(start: datetime, end: datetime) -> str:
    """'Mon Nov 23, 3:00 PM CST to 3:02 PM' in the zone of ``start`` (the end's day is said
    too when it is another day)."""
    end = end.astimezone(start.tzinfo)
    close = clock_text(end) if end.date() == start.date() else local_text(end)
    return f"{local_text(start)} to {close}"


def utc_text(moment: datetime) -> str:
    """'2026-11-23 21:00 UTC'."""
    utc = moment.astimezone(UTC)
    seconds = f":{utc.second:02d}" if utc.second else ""
    return f"{utc.date().isoformat()} {utc.hour:02d}:{utc.minute:02d}{seconds} UTC"


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, the way recallbot always sends times to Motive."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def utcnow() -> datetime:
    """Now, aware, in UTC (the default clock of everything that takes one, for tests)."""
    return datetime.now(UTC)
