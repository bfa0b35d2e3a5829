"""Time zones people name in a phrase, read into tzinfo objects.

Region words (ET, central, pacific) follow daylight saving; abbreviations (EST, CDT) are the
fixed offsets they stand for, as written, because someone who types "CST" in July may be
reading a clock that really is on CST.
"""

from __future__ import annotations

from datetime import UTC, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from bot.phrase.draft import ZoneSpec
from bot.phrase.lexer import Token

_REGIONS: dict[str, str] = {
    "eastern": "America/New_York", "et": "America/New_York",
    "central": "America/Chicago", "ct": "America/Chicago",
    "mountain": "America/Denver", "mt": "America/Denver",
    "pacific": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "alaska": "America/Anchorage", "hawaii": "Pacific/Honolulu",
}  # fmt: skip

# abbreviation: (hours from UTC, region word)
_FIXED: dict[str, tuple[int, str]] = {
    "est": (-5, "eastern"), "edt": (-4, "eastern"),
    "cst": (-6, "central"), "cdt": (-5, "central"),
    "mst": (-7, "mountain"), "mdt": (-6, "mountain"),
    "pst": (-8, "pacific"), "pdt": (-7, "pacific"),
    "akst": (-9, "alaska"), "akdt": (-8, "alaska"),
    "hst": (-10, "hawaii"), "hdt": (-9, "hawaii"),
}  # fmt: skip

UTC_ZONE = UTC


class UnknownZoneError(ValueError):
    """A zone-like word that names no zone we know (e.g. "America/Atlantis", "UTC+15")."""


def offset_label(offset: timedelta) -> str:
    """UTC−05:00 style, the way people read offsets (with a real minus sign)."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


@lru_cache(maxsize=1)
def _iana_names() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def _fixed(abbr: str) -> ZoneSpec:
    hours, region = _FIXED[abbr]
    offset = timedelta(hours=hours)
    name = abbr.upper()
    return ZoneSpec(
        tz=timezone(offset, name),
        label=f"{name} ({offset_label(offset)})",
        text=abbr,
        region=ZoneInfo(_REGIONS[region]),
    )


def _region(token: Token) -> ZoneSpec:
    region = (token.group("z_region") or token.group("z_gen") or "").lower()
    kind = (token.group("z_kind") or "").lower()
    if kind:  # "eastern standard time" is EST as written
        abbr = next(a for a, (_, r) in _FIXED.items() if r == region and a[-2] == kind[0])
        return _fixed(abbr)
    name = _REGIONS[region]
    return ZoneSpec(tz=ZoneInfo(name), label=name, text=token.text)


def _utc(token: Token) -> ZoneSpec:
    raw = (token.group("z_off") or "").replace(" ", "")
    if not raw:
        return ZoneSpec(tz=UTC_ZONE, label="UTC", text=token.text)
    sign = -1 if raw[0] == "-" else 1
    digits = raw[1:].replace(":", "")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
    if hours > 14 or minutes > 59:
        raise UnknownZoneError(f"{token.text} is not a UTC offset (they run from −12 to +14)")
    offset = sign * timedelta(hours=hours, minutes=minutes)
    return ZoneSpec(tz=timezone(offset), label=offset_label(offset), text=token.text)


def read_zone(token: Token) -> ZoneSpec:
    """The zone a ``zone`` token names; ``tz`` is None for "our time" / "local time"."""
    if token.group("z_local"):
        return ZoneSpec(tz=None, label="your time zone", text=token.text)
    if iana := token.group("z_iana"):
        name = _iana_names().get(iana.lower())
        if name is None:
            raise UnknownZoneError(f"{iana} is not a time zone name")
        return ZoneSpec(tz=ZoneInfo(name), label=name, text=token.text)
    if abbr := token.group("z_abbr"):
        return _fixed(abbr.lower())
    if token.group("z_region") or token.group("z_gen"):
        return _region(token)
    if token.group("z_utc") or token.group("z_z"):
        return _utc(token)
    raise UnknownZoneError(f"{token.text} is not a time zone")  # pragma: no cover


def utc_spec(text: str) -> ZoneSpec:
    """UTC, as named by a trailing Z ("15:00Z")."""
    return ZoneSpec(tz=UTC_ZONE, label="UTC", text=text)


def fixed_offset_spec(text: str, raw: str) -> ZoneSpec:
    """A zone from an ISO 8601 offset such as ``-06:00``."""
    digits = raw.replace(":", "")
    sign = -1 if digits[0] == "-" else 1
    offset = sign * timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
    return ZoneSpec(tz=timezone(offset), label=offset_label(offset), text=text)


def zone_label(tz: tzinfo) -> str:
    """How to name a requester's zone in messages."""
    return str(getattr(tz, "key", None) or tz)
