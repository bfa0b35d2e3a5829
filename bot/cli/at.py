"""``recallbot at``: the vehicles inside a place at a moment ("trucks at the Elm St yard
yesterday 3pm 2 min"), as ``/recall`` finds them, and with ``--yes`` the recall of each for
the window; ``recallbot request`` hands such a phrase here.

The place is one of the company's geofences, named as people type it: two that fit, or none,
are said (with a did-you-mean), never guessed. Without --yes nothing is spent. More vehicles
than RECALLBOT_MAX_TARGETS are listed; ``--only 42,1207`` chooses among them.
Exit status: 0 when the vehicles were listed (and, with --yes, requested), 1 when the phrase,
the place, Motive or a check said no, 2 for a usage error.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.cli.output import cli_user, finish, lines_to, refused
from bot.cli.parse import default_zone
from bot.cli.request import _runtime
from bot.cli.where import read_asked
from bot.describe import describe_preview
from bot.motive import MotiveError
from bot.phrase import PhraseError
from bot.phrase.questions import PlacePhrase, read_phrase
from bot.places import Inside
from bot.plumbing.timefmt import local_text
from bot.runtime import Runtime
from bot.store import Origin


def asks_place(text: str, args: argparse.Namespace) -> bool:
    """Whether a phrase asks for the vehicles inside a place (``recallbot request`` hands it
    here): read as the person wrote it, nothing is assumed."""
    zone = args.tz or default_zone()
    return isinstance(read_phrase(text, zone, args.now or datetime.now(UTC)), PlacePhrase)


def run_at(args: argparse.Namespace, out: TextIO) -> int:
    """List the vehicles inside the place then; request them with --yes."""
    asked = read_asked(" ".join(args.text), args, "vehicles at", PlacePhrase)
    if isinstance(asked, PhraseError):
        return refused(out, args.json, asked.code.value, asked.message)
    if not isinstance(asked, PlacePhrase):
        example = "name a place and a time, e.g. trucks at the Elm St yard yesterday 3pm"
        return refused(out, args.json, "not_a_place", example)
    with _runtime(args) as runtime:
        try:
            found = runtime.places.inside(asked.place, asked.at)
        except MotiveError as exc:
            return refused(out, args.json, "motive_error", f"Motive: {exc}")
        if not isinstance(found, Inside):
            return refused(out, args.json, "unknown_place", found.message())
        return _listed(args, out, runtime, asked, found)


def _listed(
    args: argparse.Namespace, out: TextIO, runtime: Runtime, asked: PlacePhrase, found: Inside
) -> int:
    occupancy = found.occupancy
    zone = asked.window.local_start.tzinfo or default_zone()
    visits = {v.vehicle: v.words(occupancy.at, zone) for v in occupancy.visitors}
    answer: dict[str, Any] = {
        "place": occupancy.place.name, "at": occupancy.at.isoformat(), "source": occupancy.source,
        "vehicles": [{"vehicle": v.vehicle, "entered": v.entered and v.entered.isoformat(),
                      "left": v.left and v.left.isoformat()} for v in occupancy.visitors],
    }  # fmt: skip
    say = lines_to(out, args.json)
    say(f"inside {occupancy.place.name} at {local_text(occupancy.at.astimezone(zone))}: "
        f"{len(visits)} vehicle(s), from {occupancy.source.replace('_', ' ')}")  # fmt: skip
    if found.match.note:
        say(f"· {found.match.note}")
    for number, words in visits.items():
        say(f"  {number}: {words}")
    chosen = [n for n in (args.only or list(visits)) if n in visits]
    most = runtime.settings.max_targets
    if not args.yes or not visits:
        say("  nothing spent; --yes requests them" if visits else "  nothing to recall")
        return finish(out, args.json, 0, answer)
    if not chosen or len(chosen) > most:
        some = ",".join(list(visits)[:2])
        example = f"recallbot at \"{' '.join(args.text)}\" --yes --only {some}"
        message = (f"{len(chosen)} vehicles chosen: one request takes 1 to {most} "
                   f"(RECALLBOT_MAX_TARGETS); choose some, e.g. `{example}`")  # fmt: skip
        return refused(out, args.json, "multiple_vehicles", message)
    return _request(args, out, runtime, asked.with_vehicles(chosen).requests, answer)


def _request(
    args: argparse.Namespace, out: TextIO, runtime: Runtime, requests: Any, answer: dict[str, Any]
) -> int:
    """Check each (a line each), then record the ready ones together and create each."""
    say = lines_to(out, args.json)
    requester = cli_user()
    ready = []
    for request in requests:
        preview = runtime.service.preview(request)
        say(f"vehicle {request.target}:")
        for line in describe_preview(preview, args.tz or default_zone()):
            say(f"  {line}")
        if preview.spends:
            ready.append(preview.request)
    origin = Origin(surface="cli", user_id=requester, zone=str(args.tz or default_zone()))
    submissions = runtime.service.record_many(ready, requester, origin) if ready else []
    recalls = []
    for submission in submissions:
        recall = submission.recall
        if submission.new:
            try:
                recall = runtime.service.create(recall, requester)
            except MotiveError as exc:
                say(f"✗ vehicle {recall.request.target}: Motive: {exc}")
        say(f"requested: recall {recall.id} for vehicle {recall.request.target} "
            f"({recall.state})")  # fmt: skip
        recalls.append(recall.model_dump(mode="json"))
    if recalls and not args.sandbox:
        say("  follow them with `recallbot track`")
    answer["recalls"] = recalls
    return finish(out, args.json, 0 if len(recalls) == len(requests) else 1, answer)
