"""The CPU-heavy part of the footage (decoding, stills, All angles) in worker processes.

Measured with ``bench/ack.py --media``: run on threads of the app's own process, an All angles
encode holds the GIL for its Python part and competes for both cores, and the app's acks and
previews slowed by half again. In worker processes, reniced (``MEDIA_NICE``), the kernel gives
the app's threads the CPU first and the GIL is the app's alone. Workers are spawned (never
forked from a threaded process), on first use, and kept; one that dies (out of memory) breaks
only the attempt under way, which is retried on a fresh pool. A stop reaches an encode under
way through a shared event, at its next frame.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any, TypeVar

from bot.media import clip
from bot.plumbing.closing import ClosedOnExit

MEDIA_NICE = 10
"""How much lower than recallbot's other work the media processes run."""

T = TypeVar("T")
_STOP: Event | None = None  # in a worker: the pool's stop event


def _start(stop: Event) -> None:
    """A worker's start: keep the stop event, and step back for the app's own threads."""
    global _STOP
    _STOP = stop
    try:
        os.nice(MEDIA_NICE)
    except OSError:  # not permitted: run at the same priority
        return


def _all_angles(clips: list[Path], out: Path) -> Path:
    return clip.all_angles(clips, out, stop=_STOP)


class MediaProcesses(ClosedOnExit):
    """A small pool of media worker processes with the calls the footage path makes."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._context = multiprocessing.get_context("spawn")
        self.stop = self._context.Event()
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def probe(self, path: Path) -> clip.ClipInfo:
        """``clip.probe`` in a worker."""
        return self._call(clip.probe, path)

    def still(self, path: Path, at_seconds: float, out: Path) -> Path:
        """``clip.still`` in a worker."""
        return self._call(clip.still, path, at_seconds, out)

    def all_angles(self, clips: list[Path], out: Path) -> Path:
        """``clip.all_angles`` in a worker (``Interrupted`` once ``stop`` is set)."""
        return self._call(_all_angles, clips, out)

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        clip.check_stop(self.stop)
        future: Future[T]
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self._workers, mp_context=self._context, initializer=_start,
                    initargs=(self.stop,),
                )  # fmt: skip
            pool = self._pool
        try:
            future = pool.submit(fn, *args)
            return future.result()
        except BrokenProcessPool:  # a worker died: the next attempt gets a fresh pool
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise clip.ClipError("a media worker process died (out of memory?)") from None

    def close(self) -> None:
        """Stop any encode under way and the workers."""
        self.stop.set()
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
