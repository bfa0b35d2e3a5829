"""``recallbot where``: where a vehicle was at a moment, from Motive's location history, as
``/recall where was …`` answers it; nothing is spent. "Recall 2 min here" is the command
printed last: the recall of two minutes centred on the moment.

Exit status: 0 when the history placed the vehicle, 1 when the phrase, the vehicle or the
history said no, 2 for a usage error.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, TextIO

from bot.cli.output import finish, refused
from bot.cli.parse import default_zone, zone_words
from bot.cli.request import _runtime
from bot.fleet import NoMatch
from bot.motive import MotiveError
from bot.phrase import PhraseError
from bot.phrase.questions import HERE_MINUTES, Reading, WherePhrase, read_phrase
from bot.places import Whereabouts
from bot.plumbing.timefmt import clock_text, local_text


def read_asked(text: str, args: argparse.Namespace, cue: str, wanted: type) -> Reading:
    """The phrase as typed when it asks ``wanted``, else with ``cue`` before it ("truck 42
    yesterday 3pm" is "where was truck 42 yesterday 3pm" to ``recallbot where``)."""
    zone: tzinfo = args.tz or default_zone()
    now = args.now or datetime.now(UTC)
    whose = zone_words(args.tz is not None)
    asked = read_phrase(text, zone, now, zone_words=whose)
    return asked if isinstance(asked, wanted) else read_phrase(f"{cue} {text}", zone, now,
                                                               zone_words=whose)  # fmt: skip


def here_command(found: Whereabouts, zone: tzinfo) -> str:
    """The command that recalls two minutes centred on the moment ("Recall 2 min here")."""
    local = found.at.astimezone(zone)
    moment = local.strftime("%Y-%m-%d %H:%M:%S")
    return (f'recallbot request --tz {getattr(zone, "key", zone)} "vehicle {found.vehicle} '
            f'{moment} ± {HERE_MINUTES // 2} min"')  # fmt: skip


def _lines(found: Whereabouts, zone: tzinfo) -> list[str]:
    at, seen = found.at.astimezone(zone), found.seen_at.astimezone(zone)
    start = at - timedelta(minutes=HERE_MINUTES / 2)
    return [
        f"vehicle {found.vehicle} at {local_text(at)}: {found.words()}",
        f"  map: {found.map_url}",
        f"  seen: {clock_text(seen)} (the location nearest that moment); nothing was spent",
        f"  recall {HERE_MINUTES} min here ({clock_text(start)} to "
        f"{clock_text(start + timedelta(minutes=HERE_MINUTES))}): {here_command(found, zone)}",
    ]


def _json(found: Whereabouts, zone: tzinfo) -> dict[str, Any]:
    return {
        "vehicle": found.vehicle, "at": found.at.isoformat(), "seen_at": found.seen_at.isoformat(),
        "place": found.place, "geofence": found.geofence.name if found.geofence else None,
        "lat": found.lat, "lon": found.lon, "moving": found.moving, "heading": found.heading,
        "kph": found.kph, "engine_on": found.engine_on, "map_url": found.map_url,
        "recall_here": here_command(found, zone),
    }  # fmt: skip


def run_where(args: argparse.Namespace, out: TextIO) -> int:
    """Answer one where-was."""
    text = " ".join(args.text)
    asked = read_asked(text, args, "where was", WherePhrase)
    if isinstance(asked, PhraseError):
        return refused(out, args.json, asked.code.value, asked.message)
    if not isinstance(asked, WherePhrase):
        example = "name one vehicle and a moment, e.g. recallbot where truck 42 yesterday 3pm"
        return refused(out, args.json, "not_where", example)
    zone = asked.local_at.tzinfo or UTC
    with _runtime(args) as runtime:
        try:
            found = runtime.places.where(asked.vehicle, asked.at)
        except MotiveError as exc:
            return refused(out, args.json, "motive_error", f"Motive: {exc}")
    if isinstance(found, NoMatch):
        return refused(out, args.json, "no_match", found.message())
    if not isinstance(found, Whereabouts):
        return refused(out, args.json, "no_location", found.message())
    if not args.json:
        out.write("\n".join(_lines(found, zone)) + "\n")
    return finish(out, args.json, 0, _json(found, zone))
