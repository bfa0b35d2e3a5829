"""Locks shared out by key: one key's work is done one at a time, and a fixed set of locks
serves every key (no lock per key kept for ever, nor forgotten while someone holds it)."""

from __future__ import annotations

import threading


class StripedLocks:
    """``stripes`` locks; a key always gets the same one (two keys may share one: they only
    wait for each other now and then)."""

    def __init__(self, stripes: int = 64) -> None:
        self._locks = tuple(threading.Lock() for _ in range(stripes))

    def of(self, key: str) -> threading.Lock:
        """The lock that guards ``key``."""
        return self._locks[hash(key) % len(self._locks)]
