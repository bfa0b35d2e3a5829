"""Zones: the requester's zone unless the phrase names one; abbreviations are fixed offsets."""

import pytest

from tests.phrase_table import MON_LA, NY_SUMMER, TUE, Case, check, err, ok

BASE = "truck 42 yesterday 3pm"

CASES: list[Case] = [
    ok(BASE, "2026-11-23T21:00:00Z"),
    ok(f"{BASE} ET", "2026-11-23T20:00:00Z"),
    ok(f"{BASE} eastern", "2026-11-23T20:00:00Z"),
    ok(f"{BASE} eastern time", "2026-11-23T20:00:00Z"),
    ok(f"{BASE} CT", "2026-11-23T21:00:00Z"),
    ok(f"{BASE} central", "2026-11-23T21:00:00Z"),
    ok(f"{BASE} MT", "2026-11-23T22:00:00Z"),
    ok(f"{BASE} mountain", "2026-11-23T22:00:00Z"),
    ok(f"{BASE} PT", "2026-11-23T23:00:00Z"),
    ok(f"{BASE} pacific time", "2026-11-23T23:00:00Z"),
    ok(f"{BASE} EST", "2026-11-23T20:00:00Z"),
    ok(f"{BASE} EDT", "2026-11-23T19:00:00Z"),
    ok(f"{BASE} CST", "2026-11-23T21:00:00Z"),
    ok(f"{BASE} CDT", "2026-11-23T20:00:00Z"),
    ok(f"{BASE} MST", "2026-11-23T22:00:00Z"),
    ok(f"{BASE} MDT", "2026-11-23T21:00:00Z"),
    ok(f"{BASE} PST", "2026-11-23T23:00:00Z"),
    ok(f"{BASE} PDT", "2026-11-23T22:00:00Z"),
    ok(f"{BASE} eastern standard time", "2026-11-23T20:00:00Z"),
    ok(f"{BASE} UTC", "2026-11-23T15:00:00Z"),
    ok(f"{BASE} GMT", "2026-11-23T15:00:00Z"),
    ok(f"{BASE} UTC+2", "2026-11-24T13:00:00Z"),
    ok(f"{BASE} our time", "2026-11-23T21:00:00Z"),
    ok(f"{BASE} local time", "2026-11-23T21:00:00Z"),
    ok(f"{BASE} my time", "2026-11-23T21:00:00Z"),
    ok(f"{BASE} America/New_York", "2026-11-23T20:00:00Z"),
    ok("truck 42 yesterday 15:00Z", "2026-11-23T15:00:00Z"),
    ok("truck 42 yesterday 15:00 Z", "2026-11-23T15:00:00Z"),
    ok("truck 42 2026-11-23T15:00:00-06:00", "2026-11-23T21:00:00Z"),
    ok("truck 42 2026-11-23T21:00:00Z", "2026-11-23T21:00:00Z"),
    ok("truck 42 2026-11-23 15:00", "2026-11-23T21:00:00Z"),
    # "3pm pacific" at 4:30pm Chicago (2:30pm Pacific) has not happened today: yesterday.
    ok("truck 42 3pm pacific", "2026-11-23T23:00:00Z"),
    ok("truck 42 2pm pacific", "2026-11-24T22:00:00Z"),
    ok("truck 42 3pm central", "2026-11-22T21:00:00Z", at=MON_LA),
    ok(BASE, "2026-07-03T19:00:00Z", at=NY_SUMMER),
    ok(f"{BASE} eastern", "2026-07-03T19:00:00Z", at=NY_SUMMER),
    ok(f"{BASE} EST", "2026-07-03T20:00:00Z", at=NY_SUMMER),
    err(f"{BASE} ET PT", "ambiguous_time"),
    err(f"{BASE} America/Atlantis", "invalid_time"),
    err(f"{BASE} UTC+19", "invalid_time"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_zone(case: Case) -> None:
    check(case)


def test_fixed_abbreviation_out_of_season_is_kept_but_explained() -> None:
    result = check(ok(f"{BASE} EST", "2026-07-03T20:00:00Z", at=NY_SUMMER))
    notes = " ".join(i.message for i in getattr(result, "inferred", ()))
    assert "EDT" in notes
    assert "as written" in notes


def test_the_zone_used_is_always_reported() -> None:
    result = check(ok(BASE, "2026-11-23T21:00:00Z", at=TUE))
    kinds = [i.kind for i in getattr(result, "inferred", ())]
    assert "zone" in kinds
