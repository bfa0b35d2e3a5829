"""Days: day words, weekdays, calendar dates and times counted back from now.

The reference clock is Tuesday 2026-11-24 16:30 in Chicago unless a row says otherwise.
"""

import pytest

from tests.phrase_table import MON_LA, NEW_YEAR_UTC, Case, check, err, ok

CASES: list[Case] = [
    ok("truck 42 today 3pm", "2026-11-24T21:00:00Z"),
    ok("truck 42 yesterday 3pm", "2026-11-23T21:00:00Z"),
    ok("truck 42 yest 3pm", "2026-11-23T21:00:00Z"),
    ok("truck 42 yday 3pm", "2026-11-23T21:00:00Z"),
    ok("truck 42 2 days ago 3pm", "2026-11-22T21:00:00Z"),
    ok("truck 42 day before yesterday 3pm", "2026-11-22T21:00:00Z"),
    ok("truck 42 the day before yesterday at 3pm", "2026-11-22T21:00:00Z"),
    ok("truck 42 a week ago 3pm", "2026-11-17T21:00:00Z"),
    # Weekdays: the most recent past one; today only once its time has passed.
    ok("truck 42 monday 3pm", "2026-11-23T21:00:00Z"),
    ok("truck 42 mon 3pm", "2026-11-23T21:00:00Z"),
    ok("truck 42 on monday 3pm", "2026-11-23T21:00:00Z"),
    ok("truck 42 last monday 3pm", "2026-11-23T21:00:00Z"),
    ok("truck 42 tue 3pm", "2026-11-24T21:00:00Z"),
    ok("truck 42 tuesday 5pm", "2026-11-17T23:00:00Z"),
    ok("truck 42 last tuesday 3pm", "2026-11-17T21:00:00Z"),
    ok("truck 42 wed 3pm", "2026-11-18T21:00:00Z"),
    ok("truck 42 thurs 3pm", "2026-11-19T21:00:00Z"),
    ok("truck 42 friday 3pm", "2026-11-20T21:00:00Z"),
    ok("truck 42 sat 10am", "2026-11-21T16:00:00Z"),
    ok("truck 42 sunday 3pm", "2026-11-22T21:00:00Z"),
    ok(
        "trailer 88 last friday 6:10 pm 2 min rear",
        "2026-11-21T00:10:00Z",
        a="88",
        dur=2,
        cams="rear",
    ),
    ok("truck 42 monday 7am", "2026-11-23T15:00:00Z", at=MON_LA),
    ok("truck 42 monday 9am", "2026-11-16T17:00:00Z", at=MON_LA),
    ok("truck 42 last monday 7am", "2026-11-16T15:00:00Z", at=MON_LA),
    ok("truck 42 3pm", "2026-11-22T23:00:00Z", at=MON_LA),
    # Calendar dates: US month/day, no year = the most recent past occurrence.
    ok("truck 42 11/20 3pm", "2026-11-20T21:00:00Z"),
    ok("truck 42 11-20 3pm", "2026-11-20T21:00:00Z"),
    ok("truck 42 11/20/26 3pm", "2026-11-20T21:00:00Z"),
    ok("truck 42 11/20/2026 3pm", "2026-11-20T21:00:00Z"),
    ok("truck 42 2026-11-20 3pm", "2026-11-20T21:00:00Z"),
    ok("truck 42 20/11 3pm", "2026-11-20T21:00:00Z"),
    ok("truck 42 11/24 3pm", "2026-11-24T21:00:00Z"),
    ok("truck 42 11/23 yesterday 3pm", "2026-11-23T21:00:00Z"),
    ok("truck 42 11/25 3pm", "2025-11-25T21:00:00Z"),
    ok("truck 42 12/25 3pm", "2025-12-25T21:00:00Z"),
    ok("truck 42 nov 20 3pm", "2026-11-20T21:00:00Z"),
    ok("truck 42 nov 20th 3pm", "2026-11-20T21:00:00Z"),
    ok("truck 42 20 nov 3pm", "2026-11-20T21:00:00Z"),
    ok("truck 42 Nov. 22 3pm", "2026-11-22T21:00:00Z"),
    ok("truck 42 22nd nov 3pm", "2026-11-22T21:00:00Z"),
    ok("truck 42 20th of november 3pm", "2026-11-20T21:00:00Z"),
    ok("truck 42 november 20th, 2025 3pm", "2025-11-20T21:00:00Z"),
    ok("truck 42 december 25 3pm", "2025-12-25T21:00:00Z"),
    ok("truck 42 sept 3 3pm", "2026-09-03T20:00:00Z"),
    ok("truck 42 on the 20th 3pm", "2026-11-20T21:00:00Z"),
    ok("truck 42 the 30th 3pm", "2026-10-30T20:00:00Z"),
    ok("truck 42 Monday the 23rd 3pm", "2026-11-23T21:00:00Z"),
    ok("truck 42 monday 23rd 3pm", "2026-11-23T21:00:00Z"),
    ok("truck 42 Monday, Nov 16 3pm", "2026-11-16T21:00:00Z"),
    ok("truck 42 dec 31 3pm", "2025-12-31T15:00:00Z", at=NEW_YEAR_UTC),
    ok("truck 42 12/31 11:59pm", "2025-12-31T23:59:00Z", at=NEW_YEAR_UTC),
    ok("truck 42 yesterday 11:59pm", "2025-12-31T23:59:00Z", at=NEW_YEAR_UTC),
    ok("truck 42 11:55pm", "2025-12-31T23:55:00Z", at=NEW_YEAR_UTC),
    ok("truck 42 jan 1 12:05am", "2026-01-01T00:05:00Z", at=NEW_YEAR_UTC),
    ok("truck 42 midnight", "2026-01-01T00:00:00Z", at=NEW_YEAR_UTC),
    # Times counted back from now: real elapsed time.
    ok("truck 42 20 min ago", "2026-11-24T22:10:00Z"),
    ok("truck 42 an hour ago", "2026-11-24T21:30:00Z"),
    ok("unit 77 2h ago inside", "2026-11-24T20:30:00Z", v="77", cams="driver_facing"),
    ok("truck 42 half an hour ago", "2026-11-24T22:00:00Z"),
    ok("truck 42 1.5 hours ago", "2026-11-24T21:00:00Z"),
    ok("truck 42 an hour and a half ago", "2026-11-24T21:00:00Z"),
    ok("truck 42 90 minutes ago", "2026-11-24T21:00:00Z"),
    ok("truck 42 1h30m ago", "2026-11-24T21:00:00Z"),
    ok("truck 42 1 hour 30 minutes ago", "2026-11-24T21:00:00Z"),
    ok("truck 42 15 minutes back", "2026-11-24T22:15:00Z"),
    ok("truck 42 10 min ago", "2026-01-01T00:10:00Z", at=NEW_YEAR_UTC),
    ok("truck 42 2 min ago 2 min", "2026-11-24T22:28:00Z", dur=2),
    ok("truck 42 last 2 minutes", "2026-11-24T22:28:00Z", dur=2),
    ok("truck 42 the past 3 min", "2026-11-24T22:27:00Z", dur=3),
    ok("truck 42 today 2h ago", "2026-11-24T20:30:00Z"),
    err("truck 42 Tuesday the 23rd 3pm", "invalid_time"),
    err("truck 42 13/45 3pm", "invalid_time"),
    err("truck 42 feb 30 3pm", "invalid_time"),
    err("truck 42 11/31 3pm", "invalid_time"),
    err("truck 42 the 32nd 3pm", "invalid_time"),
    err("truck 42 yesterday 11/20 3pm", "ambiguous_time"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_day(case: Case) -> None:
    check(case)
