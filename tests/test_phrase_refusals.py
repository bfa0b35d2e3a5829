"""Refusals: the future, vague or missing times, two times at once; and words we ignore."""

import pytest

from tests.phrase_table import Case, check, err, ok

CASES: list[Case] = [
    err("truck 42 tomorrow 3pm", "future_time"),
    err("truck 42 tomorrow", "future_time"),
    err("truck 42 in 10 minutes", "future_time"),
    err("truck 42 10 minutes from now", "future_time"),
    err("truck 42 next friday 3pm", "future_time"),
    err("truck 42 next week", "future_time"),
    err("truck 42 today 5pm", "future_time"),
    err("truck 42 tonight 9pm", "future_time"),
    err("truck 42 4:29pm 2 min", "future_time"),
    err("truck 42 1 min ago 2 min", "future_time"),
    err("truck 42 now", "future_time"),
    err("truck 42 right now", "future_time"),
    err("truck 42 11/25/26 3pm", "future_time"),
    err("truck 42 dec 25, 2026 3pm", "future_time"),
    err("truck 42 tonight midnight", "future_time"),
    err("truck 42 yesterday", "time_not_specific"),
    err("truck 42 this morning", "time_not_specific"),
    err("truck 42 around lunch", "time_not_specific"),
    err("truck 42 last friday", "time_not_specific"),
    err("truck 42 11/20", "time_not_specific"),
    err("truck 42 nov 20", "time_not_specific"),
    err("truck 42 sunday night", "time_not_specific"),
    err("truck 42 a few minutes ago", "time_not_specific"),
    err("truck 42 last week 3pm", "time_not_specific"),
    err("truck 42 november 3pm", "time_not_specific"),
    err("truck 42", "no_time"),
    err("truck 42 2 min front", "no_time"),
    err("pls pull the video for truck 42", "no_time"),
    err("truck 42 yesterday 3pm or 4pm", "ambiguous_time"),
    err("truck 42 yesterday 3pm and 4pm", "ambiguous_time"),
    err("truck 42 yesterday midnight", "ambiguous_time"),
    err("truck 42 monday midnight", "ambiguous_time"),
    err("truck 42 2h ago yesterday", "ambiguous_time"),
    err("truck 42 3pm 20 min ago", "ambiguous_time"),
    err("truck 42 yesterday 3:02pm-3:00pm", "invalid_time"),
    # Filler and narrative words are ignored.
    ok("pls can you pull truck 42 yesterday 3pm video", "2026-11-23T21:00:00Z"),
    ok("harsh brake on truck 42 yesterday 3pm", "2026-11-23T21:00:00Z"),
    ok("grab footage of truck 42 yesterday 3pm clip asap thx", "2026-11-23T21:00:00Z"),
    ok("need the clip for truck 42 at 3pm yesterday", "2026-11-23T21:00:00Z"),
    ok("Harsh braking - Vehicle 42 - 11/23/2026 03:01 PM CST", "2026-11-23T21:01:00Z"),
    ok("truck 42 yesterday 3pm right now pls", "2026-11-23T21:00:00Z"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_refusal(case: Case) -> None:
    check(case)
