"""Doctor's fleet checks: ``GET /vehicles`` lists vehicles where recallbot looks for them, and
one of them is found again by its number (``GET /vehicles/lookup``), as a phrase's "truck 42"
is.

The first vehicle listed is the one the footage timelines are then read for: a check of the
shapes needs a real vehicle of the account, and reading one spends nothing.
"""

from __future__ import annotations

from pydantic import ValidationError

from bot.doctor.check import Check, Outcome
from bot.doctor.motive_reads import (
    SEND_BUNDLE,
    MotiveReads,
    blocking,
    failed,
    keys,
    listed,
    listed_elsewhere,
    other_list_key,
    why,
)
from bot.motive import MotiveError, Vehicle


def vehicle_checks(reads: MotiveReads) -> tuple[list[Check], Vehicle | None]:
    """``motive.vehicles``, and the vehicle the later checks read (None: none reads)."""
    expected = reads.shapes().vehicles_key
    try:
        vehicles = reads.client().vehicles()
    except MotiveError as exc:
        return [failed("motive.vehicles", f"the vehicle list: {exc}")], None
    except ValidationError:
        first = (listed(reads.body("/vehicles"), expected, "vehicle") or [None])[0]
        unread = Check(
            name="motive.vehicles",
            outcome=Outcome.FAILED,
            summary="a listed vehicle does not read",
            expected="id and number",
            seen=keys(first),
            fix=SEND_BUNDLE,
        )
        return [unread], None
    if vehicles:
        ok = Check(
            name="motive.vehicles",
            outcome=Outcome.OK,
            summary=f"{len(vehicles)} vehicles listed under {expected!r}",
        )
        return [ok], vehicles[0]
    body = reads.body("/vehicles")
    other = other_list_key(body, expected)
    if other is None:
        none = Check(
            name="motive.vehicles",
            outcome=Outcome.FAILED,
            summary="Motive lists no vehicles",
            expected=f"a list under {expected!r}",
            seen=keys(body),
            fix="give the key access to the fleet's vehicles",
        )
        return [none], None
    part = reads.fix({"vehicles_key": other})
    try:
        vehicles = reads.client().vehicles()
    except (MotiveError, ValidationError):
        vehicles = []
    summary = f"GET /vehicles lists {len(vehicles)} vehicles under another key"
    check = listed_elsewhere("motive.vehicles", summary, expected, other, part)
    return [check], (vehicles[0] if vehicles else None)


def lookup_check(reads: MotiveReads, vehicle: Vehicle) -> Check:
    """The listed ``vehicle`` is found by its fleet number, and is the same vehicle."""
    try:
        found = reads.client().lookup_vehicle(vehicle.number)
    except (MotiveError, ValidationError) as exc:
        return failed("motive.lookup", f"GET /vehicles/lookup?number={vehicle.number}: {why(exc)}")
    if found.id != vehicle.id:
        return blocking(
            name="motive.lookup",
            summary=f"looking up vehicle {vehicle.number} finds another vehicle",
            expected=f"id {vehicle.id}",
            seen=f"id {found.id}",
            fix=SEND_BUNDLE,
        )
    return Check(
        name="motive.lookup",
        outcome=Outcome.OK,
        summary=f"vehicle {vehicle.number} is found by its number (id {found.id})",
    )
