"""Doctor's footage timelines check: where a vehicle's cameras hold footage reads, by the path
and query name recallbot asks with, or by another plausible pair (reported as the fix).

Every preview asks the timelines before quota is spent, and both the path and the query name
are guesses (motive-api.md: "path: guess by symmetry", "query parameters guessed"). Doctor asks
the configured pair first; while Motive answers as to a wrong path or name (404, 400, 422, or an
answer that does not read), it asks the next pair; any other answer (refused, unavailable) is
not about the shape and ends the tries.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.doctor.check import Check, Outcome
from bot.doctor.motive_reads import (
    LOOK_BACK,
    SEND_BUNDLE,
    SET_SHAPES,
    MotiveReads,
    blocking,
    keys,
    why,
)
from bot.motive import MotiveError, MotiveNotFound, Vehicle

TIMELINE_PATHS = (
    "/video_recall_requests/vehicles/available_timelines",
    "/video_recall_requests/available_timelines",
    "/video_recall_requests/vehicle/available_timelines",
    "/vehicles/available_timelines",
)
"""Paths the vehicle timelines plausibly live at (the first is motive-api.md's guess)."""
TIMELINE_PARAMS = ("vehicle_number", "number", "vehicle", "fleet_number")
"""Query names a vehicle's fleet number plausibly goes by in the timelines request."""


def timelines_check(reads: MotiveReads, vehicle: Vehicle) -> Check:
    """``motive.timelines``: ok as configured, differs with the pair that reads, or failed."""
    shapes = reads.shapes()
    path, param = shapes.vehicle_timelines_path, shapes.timeline_vehicle_param
    start, end = reads.now - LOOK_BACK, reads.now
    first: Exception | None = None
    asked = 0
    for tried_path, name in _pairs(path, param):
        asked += 1
        trying: dict[str, Any] = {}
        if tried_path != path:
            trying["vehicle_timelines_path"] = tried_path
        if name != param:
            trying["timeline_vehicle_param"] = name
        try:
            timelines = reads.client(trying).vehicle_timelines(vehicle.number, start, end)
        except (MotiveError, ValidationError) as exc:
            first = first or exc
            if _about_the_shape(exc):
                continue
            break
        body = reads.body(tried_path)
        if not isinstance(body, dict) or "available_timelines" not in body:
            return blocking(
                name="motive.timelines",
                summary=f"the timelines of vehicle {vehicle.number} carry no list of footage",
                expected="available_timelines [{start_time, end_time}]",
                seen=keys(body),
                fix=SEND_BUNDLE,
            )
        said = (
            f"{len(timelines.available_timelines)} stretches of footage in the last 24 h for "
            f"vehicle {vehicle.number}"
        )
        if not trying:
            return Check(
                name="motive.timelines",
                outcome=Outcome.OK,
                summary=f"{said} (GET {path}?{param}=…)",
            )
        moved = tried_path != path
        how = " ".join(
            words
            for words, differs in (
                ("at another path", moved),
                ("by another query name", name != param),
            )
            if differs
        )
        return blocking(
            name="motive.timelines",
            summary=f"{said}, asked {how}",
            expected=f"GET {path}?{param}={vehicle.number}",
            seen=f"Motive answers {_query(path, param, moved)} with {why(first)}; "
            f"{_query(tried_path, name, moved)} reads",
            fix=SET_SHAPES,
            shapes=reads.fix(trying),
        )
    return Check(
        name="motive.timelines",
        outcome=Outcome.FAILED,
        summary=f"the footage timelines of vehicle {vehicle.number} do not read: {why(first)}",
        fix="find the path and query name in Motive's API docs and set MOTIVE_SHAPES "
        f"vehicle_timelines_path and timeline_vehicle_param (doctor asked {asked} plausible pairs)",
    )


def _pairs(path: str, param: str) -> list[tuple[str, str]]:
    """Every (path, query name) to ask, the configured ones first."""
    paths = (path, *(p for p in TIMELINE_PATHS if p != path))
    params = (param, *(n for n in TIMELINE_PARAMS if n != param))
    return [(p, n) for p in paths for n in params]


def _about_the_shape(exc: Exception) -> bool:
    """Whether an error is how Motive answers a wrong path or query name."""
    if isinstance(exc, MotiveNotFound | ValidationError):
        return True
    return isinstance(exc, MotiveError) and exc.status in (400, 422)


def _query(path: str, name: str, with_path: bool) -> str:
    return f"{path}?{name}=" if with_path else f"{name}="
