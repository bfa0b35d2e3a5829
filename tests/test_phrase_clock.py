"""Clock times: written forms, bare hours, parts of the day, and impossible values."""

import pytest

from tests.phrase_table import Case, check, err, ok

Y = "truck 42 yesterday"

CASES: list[Case] = [
    ok(f"{Y} 3pm", "2026-11-23T21:00:00Z"),
    ok(f"{Y} 3 pm", "2026-11-23T21:00:00Z"),
    ok(f"{Y} 3p", "2026-11-23T21:00:00Z"),
    ok(f"{Y} 3 P.M.", "2026-11-23T21:00:00Z"),
    ok(f"{Y} 3:00 p.m.", "2026-11-23T21:00:00Z"),
    ok(f"{Y} 3:04:30 pm", "2026-11-23T21:04:30Z"),
    ok(f"{Y} 15:00", "2026-11-23T21:00:00Z"),
    ok(f"{Y} 15:04:30", "2026-11-23T21:04:30Z"),
    ok(f"{Y} 0730", "2026-11-23T13:30:00Z"),
    ok(f"{Y} 1504", "2026-11-23T21:04:00Z"),
    ok(f"{Y} noon", "2026-11-23T18:00:00Z"),
    ok(f"{Y} 12 noon", "2026-11-23T18:00:00Z"),
    ok(f"{Y} 3 o'clock", "2026-11-23T21:00:00Z"),
    ok(f"{Y} 3.15pm", "2026-11-23T21:15:00Z"),
    ok(f"{Y} ~2:30pm", "2026-11-23T20:30:00Z"),
    ok(f"{Y} 3:05ish", "2026-11-23T21:05:00Z"),
    ok(f"{Y} 3pm-ish", "2026-11-23T21:00:00Z"),
    ok(f"{Y} around 3pm", "2026-11-23T21:00:00Z"),
    ok(f"{Y} at 3", "2026-11-23T21:00:00Z"),
    ok(f"{Y} @ 3pm", "2026-11-23T21:00:00Z"),
    ok(f"{Y} 3", "2026-11-23T21:00:00Z"),
    ok(f"{Y} at 730", "2026-11-23T13:30:00Z"),
    ok(f"{Y} 730pm", "2026-11-24T01:30:00Z"),
    ok(f"{Y} 12am", "2026-11-23T06:00:00Z"),
    ok(f"{Y} 12pm", "2026-11-23T18:00:00Z"),
    # Bare hours: 1-6 pm, 7-11 am, 12 noon.
    ok(f"{Y} 6", "2026-11-24T00:00:00Z"),
    ok(f"{Y} 1:15", "2026-11-23T19:15:00Z"),
    ok(f"{Y} 7", "2026-11-23T13:00:00Z"),
    ok(f"{Y} 7:45", "2026-11-23T13:45:00Z"),
    ok(f"{Y} 9", "2026-11-23T15:00:00Z"),
    ok(f"{Y} 11:59", "2026-11-23T17:59:00Z"),
    ok(f"{Y} 12", "2026-11-23T18:00:00Z"),
    ok(f"{Y} 12:30", "2026-11-23T18:30:00Z"),
    # Parts of the day.
    ok("truck 42 this morning at 6", "2026-11-24T12:00:00Z"),
    ok("truck 42 this morning 7:40", "2026-11-24T13:40:00Z"),
    ok("truck 42 6 this morning", "2026-11-24T12:00:00Z"),
    ok("truck 42 this am 6", "2026-11-24T12:00:00Z"),
    ok("truck 42 this afternoon 2", "2026-11-24T20:00:00Z"),
    ok("truck 42 this evening 4", "2026-11-24T22:00:00Z"),
    ok("truck 42 earlier today 2pm", "2026-11-24T20:00:00Z"),
    ok("truck 42 last night 9:30", "2026-11-24T03:30:00Z"),
    ok("truck 42 last night 1:30", "2026-11-24T07:30:00Z"),
    ok("truck 42 last night at 11pm", "2026-11-24T05:00:00Z"),
    ok("truck 42 last night midnight", "2026-11-24T06:00:00Z"),
    ok("truck 42 9 last night", "2026-11-24T03:00:00Z"),
    ok("truck 42 yesterday evening 7", "2026-11-24T01:00:00Z"),
    ok("truck 42 last evening 7", "2026-11-24T01:00:00Z"),
    ok("truck 42 yesterday afternoon 3:15", "2026-11-23T21:15:00Z"),
    ok("truck 42 yesterday 9 in the morning", "2026-11-23T15:00:00Z"),
    ok("truck 42 yesterday 10 at night", "2026-11-24T04:00:00Z"),
    ok("truck 42 yesterday 7 in the evening", "2026-11-24T01:00:00Z"),
    err("truck 42 tonight 4", "future_time"),  # a bare 1-5 at night is after midnight
    ok("truck 42 sunday night 11", "2026-11-23T05:00:00Z"),
    ok("truck 42 sunday night 1:30", "2026-11-23T07:30:00Z"),
    ok("truck 42 saturday morning 9", "2026-11-21T15:00:00Z"),
    ok("truck 42 morning 6", "2026-11-24T12:00:00Z"),
    ok("truck 42 at night 9", "2026-11-24T03:00:00Z"),
    ok("truck 42 midnight", "2026-11-24T06:00:00Z"),
    # No day: the most recent past occurrence.
    ok("truck 42 3pm", "2026-11-24T21:00:00Z"),
    ok("truck 42 9am", "2026-11-24T15:00:00Z"),
    ok("truck 42 4:29pm", "2026-11-24T22:29:00Z"),
    ok("truck 42 5pm", "2026-11-23T23:00:00Z"),
    ok("truck 42 11pm", "2026-11-24T05:00:00Z"),
    ok("truck 42 at 4", "2026-11-24T22:00:00Z"),
    err(f"{Y} 25:00", "invalid_time"),
    err(f"{Y} 24:00", "invalid_time"),
    err(f"{Y} 13pm", "invalid_time"),
    err(f"{Y} 0am", "invalid_time"),
    err(f"{Y} 2:60pm", "invalid_time"),
    err(f"{Y} 3:75", "invalid_time"),
    err(f"{Y} 3:00:61 pm", "invalid_time"),
    err("truck 42 this morning 3pm", "ambiguous_time"),
    err("truck 42 last night 3pm", "ambiguous_time"),
    err("truck 42 yesterday morning evening 7", "ambiguous_time"),
    err("truck 42 yesterday evening 12", "ambiguous_time"),
    # "ish" after a bare hour or HHMM: a clock time, approximate (and reported as such).
    ok(f"{Y} 3ish", "2026-11-23T21:00:00Z"),
    ok(f"{Y} 3 ish", "2026-11-23T21:00:00Z"),
    ok(f"{Y} 3-ish", "2026-11-23T21:00:00Z"),
    ok(f"{Y} at 9ish", "2026-11-23T15:00:00Z"),
    ok(f"{Y} 1504ish", "2026-11-23T21:04:00Z"),
    ok(f"{Y} 10ish in the evening", "2026-11-24T04:00:00Z"),
    err(f"{Y} 42ish", "invalid_time"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_clock(case: Case) -> None:
    check(case)
