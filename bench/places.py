"""Benchmark of what where-was and by-place cost Motive: calls per question, counted from the
Motive sandbox's request log (issue 23's target: at most one history call per vehicle, none
repeated within the cache's life, RECALLBOT_PLACES_TTL).

Run with ``.venv/bin/python bench/places.py``. The sandbox runs in this process over
loopback; the client, the fleet lists and ``Places`` are the product's own. Each row is one
question asked in order on the same ``Places`` (so later rows show what the caches save),
then the by-place question again where Motive cannot list geofence visits (the fallback reads
every vehicle's history). The wall time of each question is printed too (loopback, one run:
indicative only).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.fleet import Fleet
from bot.motive import MotiveClient, MotiveConfig, MotiveShapes
from bot.places import Inside, Places
from bot.sandbox.motive import MotiveSandbox

ZONE = ZoneInfo("America/Chicago")
KINDS = {"/v3/vehicle_locations/": "history", "/geofences": "geofences",
         "/geofence_events": "visits", "/geofence_visits": "visits", "/vehicles": "vehicles",
         "/assets": "assets"}  # fmt: skip


def _kind(path: str) -> str:
    return next((name for prefix, name in KINDS.items() if path.startswith(prefix)), path)


def _yesterday_at(sandbox: MotiveSandbox, hour: int) -> datetime:
    today = sandbox.clock.now().astimezone(ZONE).date()
    return datetime.combine(today - timedelta(days=1), clock(hour), ZONE).astimezone(UTC)


def _ask(sandbox: MotiveSandbox, name: str, question: object) -> None:
    before = len(sandbox.requests)
    started = time.perf_counter()
    answer = question() if callable(question) else None
    took = (time.perf_counter() - started) * 1000
    calls = Counter(_kind(path) for _, path, _ in sandbox.requests[before:])
    shown = ", ".join(f"{n} {kind}" for kind, n in sorted(calls.items())) or "none"
    found = ""
    if isinstance(answer, Inside):
        found = f" -> {len(answer.occupancy.visitors)} vehicles ({answer.occupancy.source})"
    print(f"{name:<58} {sum(calls.values()):>3} calls ({shown}){found}  {took:6.1f} ms")


def main() -> None:
    """Ask the questions in order and print each one's Motive calls."""
    with MotiveSandbox() as sandbox:
        vehicles = len(sandbox.rules.vehicles)
        at = _yesterday_at(sandbox, 15)
        for shapes, title in ((MotiveShapes(), "geofence visits listed by Motive"),
                              (MotiveShapes(geofence_events_path="/geofence_visits"),
                               "visits not listed: every vehicle's history")):  # fmt: skip
            config = MotiveConfig(base_url=sandbox.api_url, api_key=SecretStr("sandbox"),
                                  shapes=shapes)  # fmt: skip
            with MotiveClient(config) as client:
                places = Places(client, Fleet(client), ZONE)
                print(f"\n{title} ({vehicles} vehicles in the fleet)")
                _ask(sandbox, "where was truck 42 yesterday 3pm (cold)",
                     lambda p=places: p.where("42", at))  # fmt: skip
                _ask(sandbox, "where was truck 42 yesterday 9am (same day)",
                     lambda p=places: p.where("42", _yesterday_at(sandbox, 9)))  # fmt: skip
                _ask(sandbox, "preview line: truck 42 yesterday 3:00-3:02pm",
                     lambda p=places: p.at_window("42", at, at + timedelta(minutes=2)))  # fmt: skip
                _ask(sandbox, "where was truck 1207 yesterday 3pm",
                     lambda p=places: p.where("1207", at))  # fmt: skip
                _ask(sandbox, "trucks at the Elm St yard yesterday 3pm",
                     lambda p=places: p.inside("the Elm St yard", at))  # fmt: skip
                _ask(sandbox, "trucks at the Elm St yard yesterday 3:02pm (again)",
                     lambda p=places: p.inside("elm yard", at + timedelta(minutes=2)))  # fmt: skip
                _ask(sandbox, "preview lines of the 3 yard trucks",
                     lambda p=places: [p.at_window(n, at, at + timedelta(minutes=2))
                                       for n in ("42", "1207", "0077")])  # fmt: skip


if __name__ == "__main__":
    main()
