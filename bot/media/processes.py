"""The CPU-heavy part of the footage (decoding, stills, All angles) in worker processes.

Measured with ``bench/ack.py --media``: run on threads of the app's own process, an All angles
encode holds the GIL for its Python part and competes for both cores, and the app's acks and
previews slowed by half again. In worker processes, reniced (``MEDIA_NICE``), the kernel gives
the app's threads the CPU first and the GIL is the app's alone. Workers are spawned (never
forked from a threaded process), on first use, and kept; one that dies (out of memory) breaks
only the attempt under way, which is retried on a fresh pool. A stop reaches an encode under
way through a shared event, at its next frame.

Nothing outlives recallbot: a worker ends the moment recallbot does, even on a SIGKILL
(``lineage.die_with_parent``), and so does an encode under way in it. The kernel ties a worker
to the *thread* that started it, so workers are started only by a thread of their own, kept
until ``close`` (the footage threads that ask for the work come and go with their pool).
multiprocessing's resource tracker, a child of recallbot that ends when the last holder of its
pipe closes it, holds on only while a worker (which inherits the pipe) lives: it goes with them.
A restarted recallbot therefore finds no worker of the last run to stop; it removes only the
scratch folders (``remove_orphans``).
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any, TypeVar

from bot.media import clip
from bot.plumbing.closing import ClosedOnExit
from bot.plumbing.lineage import die_with_parent

MEDIA_NICE = 10
"""How much lower than recallbot's other work the media processes run."""

T = TypeVar("T")
_STOP: Event | None = None  # in a worker: the pool's stop event


def _start(stop: Event, parent: int) -> None:
    """A worker's start: end with recallbot (``parent``), keep the stop event, step back for
    the app's own threads, and have a crash in FFmpeg write its Python stack to recallbot's
    log (the worker's stderr): the pool itself says only that a worker died, not how."""
    global _STOP
    faulthandler.enable()
    die_with_parent(parent)
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
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="recallbot-media-spawner")
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
                    initargs=(self.stop, os.getpid()),
                )  # fmt: skip
            pool = self._pool
        try:  # a submit starts a worker when none is idle: on the spawner thread, always
            future = self._spawner.submit(pool.submit, fn, *args).result()
            return future.result()
        except BrokenProcessPool:  # a worker died: the next attempt gets a fresh pool
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise clip.ClipError(
                "a media worker process died (killed: out of memory?, or crashed: its stack "
                "is in the log)"
            ) from None

    def close(self) -> None:
        """Stop any encode under way and the workers."""
        self.stop.set()
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        self._spawner.shutdown()
