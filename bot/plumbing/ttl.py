"""A small thread-safe cache whose values are fresh for a fixed time.

Slack's users and channels and Motive's fleet lists change rarely and are asked for on every
request; each is kept for a while instead. The slow fetch runs outside the lock, so one slow
answer never holds up readers of other keys (two callers may both fetch a missing key; the
later answer is kept, which is harmless for data this stable)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """Values (never None) kept for ``ttl_s`` seconds of ``clock``."""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_s
        self._clock = clock
        self._values: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def peek(self, key: K) -> V | None:
        """The value if it is known and still fresh, without fetching."""
        with self._lock:
            hit = self._values.get(key)
        if hit is not None and self._clock() - hit[0] < self._ttl:
            return hit[1]
        return None

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` fresh from now."""
        with self._lock:
            self._values[key] = (self._clock(), value)

    def get(self, key: K, fetch: Callable[[], V]) -> V:
        """The fresh value, fetching (and keeping) it when there is none; what ``fetch``
        raises is raised and nothing is kept."""
        fresh = self.peek(key)
        if fresh is not None:
            return fresh
        value = fetch()
        self.put(key, value)
        return value

    def forget(self, key: K) -> None:
        """Forget one value (the next ``get`` fetches it again)."""
        with self._lock:
            self._values.pop(key, None)

    def clear(self) -> None:
        """Forget everything (the next ``get`` fetches again)."""
        with self._lock:
            self._values.clear()
