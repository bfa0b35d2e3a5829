"""Durations: allowed lengths per type, ranges that set the length, and conflicts."""

import pytest

from tests.phrase_table import Case, check, err, ok

Y3PM = "2026-11-23T21:00:00Z"
BASE = "truck 42 yesterday 3pm"

CASES: list[Case] = [
    ok(BASE, Y3PM, dur=1),
    ok(f"{BASE} 2 min", Y3PM, dur=2),
    ok(f"{BASE} 2m", Y3PM, dur=2),
    ok(f"{BASE} 2 mins", Y3PM, dur=2),
    ok(f"{BASE} 2min", Y3PM, dur=2),
    ok(f"{BASE} 2 minute", Y3PM, dur=2),
    ok(f"{BASE} two minutes", Y3PM, dur=2),
    ok(f"{BASE} a minute", Y3PM, dur=1),
    ok(f"{BASE} for 2", Y3PM, dur=2),
    ok(f"{BASE} for 3", Y3PM, dur=3),
    ok(f"{BASE} for two minutes", Y3PM, dur=2),
    ok(f"{BASE} 3-minute clip", Y3PM, dur=3),
    ok(f"{BASE} 120s", Y3PM, dur=2),
    ok(f"{BASE} 180 seconds", Y3PM, dur=3),
    ok(f"{BASE} 2 min for 2", Y3PM, dur=2),
    ok(f"{BASE} timelapse 1 hour", Y3PM, dur=60, kind="timelapse"),
    ok(f"{BASE} timelapse 1h", Y3PM, dur=60, kind="timelapse"),
    ok(f"{BASE} time lapse an hour", Y3PM, dur=60, kind="timelapse"),
    ok(f"{BASE} time-lapse 15 min", Y3PM, dur=15, kind="timelapse"),
    ok(f"{BASE} timelapse 5 min", Y3PM, dur=5, kind="timelapse"),
    ok(f"{BASE} timelapse 10 min", Y3PM, dur=10, kind="timelapse"),
    ok(f"{BASE} timelapse 30m", Y3PM, dur=30, kind="timelapse"),
    ok(f"{BASE} timelapse 45 minutes", Y3PM, dur=45, kind="timelapse"),
    ok(f"{BASE} timelapse half an hour", Y3PM, dur=30, kind="timelapse"),
    ok(f"{BASE} 1h timelapse", Y3PM, dur=60, kind="timelapse"),
    ok("truck 42 yesterday 3:00-3:02pm", Y3PM, dur=2),
    ok("truck 42 yesterday 3:00 pm – 3:03 pm", Y3PM, dur=3),
    ok("truck 42 yesterday 3:00 pm — 3:03 pm", Y3PM, dur=3),
    ok("truck 42 yesterday 1-1:02pm", "2026-11-23T19:00:00Z", dur=2),
    ok("truck 42 yesterday between 10:15 and 10:17am", "2026-11-23T16:15:00Z", dur=2),
    ok("truck 42 yesterday from 2:58 to 3:00pm", "2026-11-23T20:58:00Z", dur=2),
    ok("truck 42 yesterday 2:58 to 3pm", "2026-11-23T20:58:00Z", dur=2),
    ok("truck 42 yesterday 2pm-3pm timelapse", "2026-11-23T20:00:00Z", dur=60, kind="timelapse"),
    ok("truck 42 yesterday 2-3pm timelapse", "2026-11-23T20:00:00Z", dur=60, kind="timelapse"),
    ok("truck 42 yesterday 10:58am-11:00", "2026-11-23T16:58:00Z", dur=2),
    ok("truck 42 yesterday 11:59pm-12:01am", "2026-11-24T05:59:00Z", dur=2),
    ok("truck 42 yesterday 3:00:30-3:02:30pm", "2026-11-23T21:00:30Z", dur=2),
    ok(
        "truck 42 3:00-3:30pm timelapse front",
        "2026-11-24T21:00:00Z",
        dur=30,
        kind="timelapse",
        cams="front_facing",
    ),
    ok("truck 42 yesterday 3:00-3:02pm 2 min", Y3PM, dur=2),
    ok("truck 42 45m ago", "2026-11-24T21:45:00Z", dur=1),
    err(f"{BASE} 10 min", "duration_not_allowed"),
    err(f"{BASE} 5 min", "duration_not_allowed"),
    err(f"{BASE} 4 minutes", "duration_not_allowed"),
    err(f"{BASE} 1 hour", "duration_not_allowed"),
    err(f"{BASE} 90s", "duration_not_allowed"),
    err(f"{BASE} 30 seconds", "duration_not_allowed"),
    err(f"{BASE} 0 min", "duration_not_allowed"),
    err(f"{BASE} 2 days", "duration_not_allowed"),
    err(f"{BASE} timelapse 2 min", "duration_not_allowed"),
    err(f"{BASE} timelapse 20 min", "duration_not_allowed"),
    err(f"{BASE} timelapse 1.5 hours", "duration_not_allowed"),
    err(f"{BASE} timelapse 1 hour 30 minutes", "duration_not_allowed"),
    err("truck 42 yesterday 11-1pm timelapse", "duration_not_allowed"),
    err("truck 42 yesterday 3:00-3:10pm", "duration_not_allowed"),
    err(f"{BASE} timelapse", "missing_duration"),
    err(f"{BASE} time lapse please", "missing_duration"),
    err(f"{BASE} 2 min 3 min", "conflicting_duration"),
    err(f"{BASE} 2-3 min", "conflicting_duration"),
    err("truck 42 yesterday 3:00-3:02pm 3 min", "conflicting_duration"),
    err(f"{BASE} regular timelapse 15 min", "conflicting_duration"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_duration(case: Case) -> None:
    check(case)
