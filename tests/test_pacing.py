"""The client's own rate limit and back-off, on a clock the test moves."""

import multiprocessing
import os
import random
import threading
import time
from datetime import UTC, datetime
from typing import Any

from bot.plumbing.pacing import RateLimiter, Shared, Slots, backoff_delay, retry_after_seconds


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_burst_passes_then_calls_are_spaced_at_the_rate() -> None:
    fake = FakeTime()
    limiter = RateLimiter(rate=2.0, burst=3, clock=fake.clock, sleep=fake.sleep)
    waits = [limiter.acquire() for _ in range(6)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3:] == [0.5, 0.5, 0.5]
    assert fake.now == 1.5


def test_unused_time_refills_the_bucket_up_to_the_burst() -> None:
    fake = FakeTime()
    limiter = RateLimiter(rate=1.0, burst=2, clock=fake.clock, sleep=fake.sleep)
    limiter.acquire()
    limiter.acquire()
    fake.now += 100
    assert [limiter.acquire(), limiter.acquire(), limiter.acquire()] == [0.0, 0.0, 1.0]


def test_limiters_over_one_shared_bucket_share_its_calls() -> None:
    fake = FakeTime()
    bucket = multiprocessing.get_context("spawn").Array("d", [2.0, 0.0])
    app, previews = (RateLimiter(rate=4.0, burst=2, clock=fake.clock, sleep=fake.sleep,
                                 shared=bucket) for _ in range(2))  # fmt: skip
    assert [app.acquire(), previews.acquire()] == [0.0, 0.0], "the burst, between them"
    assert previews.acquire() == 0.25, "the other's calls count: the rate is one for both"
    assert app.acquire() == 0.25


def _take(bucket: Any, calls: int) -> None:
    limiter = RateLimiter(rate=2.0, burst=2, shared=bucket)
    for _ in range(calls):
        limiter.acquire()


def test_a_process_spends_the_same_bucket() -> None:
    context = multiprocessing.get_context("spawn")
    shared = Shared.make(context, burst=2, slots=1)
    other = context.Process(target=_take, args=(shared.bucket, 2))
    other.start()
    other.join(30)
    assert other.exitcode == 0
    waited = RateLimiter(rate=2.0, burst=2, shared=shared.bucket).acquire()
    assert waited > 0.25, "the other process took the burst: this call waits for a token"


def test_a_place_held_by_a_process_that_died_is_taken_back() -> None:
    context = multiprocessing.get_context("spawn")
    gone = context.Process(target=int)
    gone.start()
    gone.join(30)
    places = Shared.make(context, burst=1, slots=2).slots
    places[0], places[1] = gone.pid, os.getppid()  # one holder killed, one alive
    taken = threading.Event()

    def take() -> None:
        with Slots(places):
            taken.set()
            time.sleep(0.3)

    first = threading.Thread(target=take)
    first.start()
    assert taken.wait(5), "the dead process's place"
    assert list(places) == [os.getpid(), os.getppid()]
    taken.clear()
    second = threading.Thread(target=take)
    second.start()
    assert not taken.wait(0.1), "every place is held: it waits"
    assert taken.wait(5), "until this process gives one back"
    first.join()
    second.join()
    assert list(places) == [0, os.getppid()]


def test_backoff_is_jittered_within_an_exponential_cap() -> None:
    rng = random.Random(1)
    for attempt in range(8):
        delays = [backoff_delay(attempt, 0.5, 20.0, rng) for _ in range(200)]
        assert min(delays) >= 0
        assert max(delays) <= min(20.0, 0.5 * 2**attempt)
        assert len(set(delays)) > 150  # spread, so clients do not retry in lockstep


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Tue, 24 Nov 2026 22:30:05 GMT", now) == 5.0
    assert retry_after_seconds("Tue, 24 Nov 2026 22:29:00 GMT", now) == 0.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
