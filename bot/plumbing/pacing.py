"""Pacing calls to other services: a rate limit, and back-off between retries."""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, MutableSequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from multiprocessing.context import BaseContext
from typing import Any, NamedTuple

from bot.plumbing.lineage import alive


class Shared(NamedTuple):
    """What the processes calling one API share, made before they start (``make``): its
    rate limit's bucket and its places for concurrent calls. Each process's client draws on
    these, so a second process (recallbot's preview processes) never doubles the limit."""

    bucket: Any  # a multiprocessing array: tokens left, and when they were counted
    slots: Any  # a multiprocessing array: the process holding each place (0: free)

    @classmethod
    def make(cls, context: BaseContext, burst: int, slots: int) -> Shared:
        """A full bucket of ``burst`` and ``slots`` free places."""
        bucket = context.Array("d", [float(burst), time.monotonic()])
        return cls(bucket, context.Array("q", slots))


class Slots:
    """At most as many calls at once as ``places`` (``Shared.slots``) has, across processes.
    A place records the process holding it, so the places of a process that died holding them
    (killed for memory, say) are taken back rather than lost for good, which a semaphore
    cannot do. Used as ``with slots:``."""

    WAIT_S = 0.01

    def __init__(self, places: Any) -> None:
        self._places = places
        self._held = threading.local()

    def __enter__(self) -> None:
        me = os.getpid()
        while True:
            with self._places.get_lock():
                for index, holder in enumerate(self._places):
                    if holder == 0 or (holder != me and not alive(holder)):
                        self._places[index] = me
                        self._held.index = index
                        return
            time.sleep(self.WAIT_S)

    def __exit__(self, *exc: object) -> None:
        with self._places.get_lock():
            self._places[self._held.index] = 0


class RateLimiter:
    """A token bucket shared by every thread of a client: at most ``rate`` calls a second on
    average, ``burst`` at once. Callers wait outside the lock, each for its own reserved slot.
    ``shared`` (``Shared.bucket``) holds the bucket for several processes at once; the clock is
    then the system's monotonic one, the same in every process."""

    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        shared: Any | None = None,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self._rate = rate
        self._burst = float(burst)
        self._clock = clock
        self._sleep = sleep
        self._bucket: MutableSequence[float] = [float(burst), clock()]
        self._lock: AbstractContextManager[Any] = threading.Lock()
        if shared is not None:
            self._bucket, self._lock = shared, shared.get_lock()

    def acquire(self) -> float:
        """Take one call's slot, waiting for it if needed; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            tokens, stamp = self._bucket[0], self._bucket[1]
            tokens = min(self._burst, tokens + (now - stamp) * self._rate) - 1
            self._bucket[0], self._bucket[1] = tokens, now
            wait = 0.0 if tokens >= 0 else -tokens / self._rate
        if wait > 0:
            self._sleep(wait)
        return wait


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Full-jitter exponential back-off: a uniform pick in [0, min(cap, base * 2**attempt)].

    Jitter spreads the retries of many clients so they do not hit Motive in lockstep.
    """
    return rng.uniform(0, min(cap, base * 2**attempt))


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date), if it is valid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
