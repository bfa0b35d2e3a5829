"""Daylight saving: times that never happened, times that happened twice, real elapsed time."""

import pytest

from tests.phrase_table import (
    DAY_AFTER_SPRING,
    FALL,
    LONDON_FALL,
    LONDON_SPRING,
    SPRING,
    Case,
    check,
    err,
    ok,
)

CASES: list[Case] = [
    # Chicago, 2026-03-08: 02:00 CST became 03:00 CDT. Now is 10:00 CDT (15:00Z).
    err("truck 42 today 2:30am", "invalid_time", at=SPRING),
    err("truck 42 2:30am", "invalid_time", at=SPRING),
    ok("truck 42 today 1:30am", "2026-03-08T07:30:00Z", at=SPRING),
    ok("truck 42 today 3:30am", "2026-03-08T08:30:00Z", at=SPRING),
    ok("truck 42 yesterday 3pm", "2026-03-07T21:00:00Z", at=SPRING),
    ok("truck 42 3 hours ago", "2026-03-08T12:00:00Z", at=SPRING),
    ok("truck 42 today 1:59-3:01am", "2026-03-08T07:59:00Z", dur=2, at=SPRING),
    ok("truck 42 yesterday 3pm", "2026-03-08T20:00:00Z", at=DAY_AFTER_SPRING),
    ok("truck 42 2 days ago 3pm", "2026-03-07T21:00:00Z", at=DAY_AFTER_SPRING),
    err("truck 42 yesterday 2:30am", "invalid_time", at=DAY_AFTER_SPRING),
    # Chicago, 2026-11-01: 02:00 CDT became 01:00 CST. Now is 10:00 CST (16:00Z).
    err("truck 42 1:30am", "ambiguous_time", at=FALL),
    err("truck 42 today 1:30am", "ambiguous_time", at=FALL),
    ok("truck 42 1:30am CDT", "2026-11-01T06:30:00Z", at=FALL),
    ok("truck 42 1:30am CST", "2026-11-01T07:30:00Z", at=FALL),
    ok("truck 42 today 12:30am", "2026-11-01T05:30:00Z", at=FALL),
    ok("truck 42 today 2:30am", "2026-11-01T08:30:00Z", at=FALL),
    ok("truck 42 yesterday 3pm", "2026-10-31T20:00:00Z", at=FALL),
    ok("truck 42 2 hours ago", "2026-11-01T14:00:00Z", at=FALL),
    ok("truck 42 9 hours ago", "2026-11-01T07:00:00Z", at=FALL),
    # London, 2026-10-25: 02:00 BST became 01:00 GMT; 2026-03-29: 01:00 GMT became 02:00 BST.
    err("truck 42 1:30am", "ambiguous_time", at=LONDON_FALL),
    ok("truck 42 yesterday 3pm", "2026-10-24T14:00:00Z", at=LONDON_FALL),
    ok("truck 42 today 9am", "2026-10-25T09:00:00Z", at=LONDON_FALL),
    err("truck 42 today 1:30am", "invalid_time", at=LONDON_SPRING),
    ok("truck 42 today 9am", "2026-03-29T08:00:00Z", at=LONDON_SPRING),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_dst(case: Case) -> None:
    check(case)
