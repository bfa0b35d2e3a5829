"""/recall's previews: checked on the app's own threads, or in processes of their own.

A preview is CPU work in Python (reading the phrase, Motive's timelines over HTTP, the draft,
Block Kit, the answer at its ``response_url``), and one interpreter runs one thread at a time.
Under a burst of /recall the app's interpreter was busy throughout, the acks took most of it,
and the previews queued behind them on one core while the other was a third idle
(bench/ack.py: preview p50 0.37-0.56 s against a goal of 0.3 s). ``recallbot run`` therefore
checks previews in ``RECALLBOT_PREVIEW_PROCESSES`` spawned processes, each with the same core
built from the same settings, on the same store, with Motive's rate limit shared (``Shared``).

A preview goes to the processes straight from its ack and is never waited for by a thread:
the processes always have the next one at hand (a checks thread waiting on each kept them
idle between previews while it waited for the app's busy interpreter). The first preview
once the app serves starts the processes; until they are up, or after one died (their pool
breaks), previews run on the checks pool as before, and a new pool starts. A preview whose
process died mid-way is answered again on the app's threads: its ``response_url`` message is
replaced, and at worst a second draft is kept. A failure is answered on the checks pool, which
logs it and tells the person; at a stop, the previews still queued are told to ask again. Each
process ends with the app (``lineage.die_with_parent``), counts its calls in the app's
counters (``metrics.counted``) and hands the app the time zones Slack gave it, so that Slack
is asked once per person.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, tzinfo
from functools import partial
from typing import Any, NamedTuple

from slack_sdk import WebClient

from bot.config import Settings
from bot.motive import MotiveConfig
from bot.phrase import PhraseError
from bot.phrase.questions import Reading
from bot.plumbing import logs, metrics
from bot.plumbing.background import Background, OnError, ShuttingDown
from bot.plumbing.closing import ClosedOnExit
from bot.plumbing.lineage import die_with_parent
from bot.plumbing.pacing import Shared
from bot.policy import Gate
from bot.runtime import Runtime
from bot.slack import blocks
from bot.slack.client import slack_client
from bot.slack.desk import SlackDesk, UserZones
from bot.slack.directory import SlackDirectory
from bot.slack.notify import SlackPoster
from bot.store import Origin

_log = logging.getLogger("recallbot.previews")

STEADY_S = 60.0
"""A pool that broke this soon after it started, twice in a row, or did not start, is started
again only this long after (a process that cannot live, for want of memory say, is not
spawned in a loop)."""

Zone = tuple[tzinfo, bool]  # a person's zone, and whether it is the default for want of Slack's


class Asked(NamedTuple):
    """A /recall phrase to preview, as its ack left it."""

    text: str
    user: str
    origin: Origin
    response_url: str
    now: datetime  # when it was typed: "today" is then


class PreviewFailed(Exception):
    """A preview process could not answer (its log has why)."""


def _raise(exc: BaseException) -> None:
    """Raise ``exc`` on the checks pool, which logs it and tells the person (``on_error``)."""
    raise exc


def _not_made(on_error: OnError) -> None:
    """Tell the person their preview was not made (recallbot is stopping): ask again."""
    try:
        on_error(ShuttingDown())
    except Exception:
        _log.exception("could not tell the person their preview was not made")


def answer(desk: SlackDesk, asked: Asked, reading: Reading | None = None) -> None:
    """Read the phrase (unless ``reading`` is its reading), check it and put the preview, or
    why it cannot be one, at its ``response_url``."""
    read = reading or desk.read(asked.text, asked.user, now=asked.now)
    if isinstance(read, PhraseError):
        desk.record_refusal(asked.text, read, asked.user)
        message = blocks.phrase_error(asked.text, read)
    else:
        message = desk.preview(asked.text, read, asked.user, asked.origin, asked.response_url)
    desk.poster.respond(asked.response_url, message, True)


class SlackParts(NamedTuple):
    """The Slack side of a desk, over one Web API client (the app's, or a process's)."""

    poster: SlackPoster
    zones: UserZones
    directory: SlackDirectory
    gate: Gate

    @classmethod
    def of(cls, settings: Settings, client: WebClient, runtime: Runtime) -> SlackParts:
        """The parts over ``client``, the policy's refusals audited in ``runtime``'s store."""
        directory = SlackDirectory(client)
        return cls(
            SlackPoster(client, settings.slack_post_rate_per_s, settings.slack_response_urls),
            UserZones(client, settings.default_zone),
            directory,
            Gate(settings.policy(), directory, runtime.store.audit.add),
        )


class Previews(ClosedOnExit):
    """Previews on the checks pool's threads, in this process."""

    def __init__(self, desk: SlackDesk, checks: Background) -> None:
        self.desk = desk
        self.checks = checks

    def run(self, asked: Asked, reading: Reading | None, on_error: OnError) -> None:
        """Answer ``asked`` after the ack (``reading``: the ack read it already);
        ``on_error`` tells the person when that fails."""
        self.checks.run(partial(answer, self.desk, asked, reading), on_error)

    @property
    def pending(self) -> int:
        """Previews handed to processes and not answered yet (here: none, the checks pool
        counts them)."""
        return 0

    def health(self) -> dict[str, Any]:
        """Where previews are checked."""
        return {"ok": True, "processes": 0}

    def start(self) -> None:
        """Nothing to start in this process."""

    def close(self) -> None:
        """Nothing to release in this process."""


class Done(NamedTuple):
    """What a preview process says of one preview."""

    failed: bool
    zone: Zone | None
    counts: metrics.Counts


def shared_for(settings: Settings) -> Shared:
    """Motive's rate limit and slots, for the app and its preview processes to share."""
    config = MotiveConfig.from_settings(settings)
    return Shared.make(multiprocessing.get_context("spawn"), config.burst, config.location_calls)


class PreviewProcesses(Previews):
    """Previews in ``count`` spawned processes."""

    def __init__(
        self, desk: SlackDesk, checks: Background, settings: Settings, count: int, shared: Shared
    ) -> None:
        super().__init__(desk, checks)
        self._settings, self._count, self._shared = settings, count, shared
        self._context = multiprocessing.get_context("spawn")
        # the kernel ties a process's end to the thread that started it: one kept for it
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="recallbot-preview-spawner")
        self._pool: ProcessPoolExecutor | None = None
        self._opened = 0.0
        self._pending = 0
        self._answered = 0
        self._quick = 0  # pools in a row that broke within STEADY_S
        self._wanted = False  # the app serves: the first preview starts the processes
        self._opening = False  # a pool is starting (or waits to)
        self._lock = threading.Lock()
        self._closing = threading.Event()

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def health(self) -> dict[str, Any]:
        """Whether the processes are up (else previews are on the app's threads), and how
        many previews they have in hand."""
        with self._lock:
            pending, answered = self._pending, self._answered
        return {"ok": True, "processes": self._count, "up": self._pool is not None,
                "pending": pending, "answered": answered}  # fmt: skip

    def start(self) -> None:
        """From now on (the app serves), the first preview starts the processes, in the
        background; previews use the app's threads meanwhile. Not before: an app stopped or
        killed before its first preview has no process starting (one still starting when
        the app is killed outlives it until it gets to look)."""
        with self._lock:
            self._wanted = True

    def run(self, asked: Asked, reading: Reading | None, on_error: OnError) -> None:
        """Hand ``asked`` to a process at once: they are never left waiting for the app's
        threads, which a burst keeps busy (a job per process at a time, each waiting on the
        next, answered 0.35 s at p50 against 0.28 s: bench/ack.py)."""
        pool = self._pool
        if pool is None:
            self._again(0.0, first=True)
            super().run(asked, reading, on_error)
            return
        with self._lock:
            self._pending += 1
        try:
            future = pool.submit(_answer, asked, self.desk.zones.learned(asked.user))
        except (BrokenProcessPool, RuntimeError):  # RuntimeError: shut down as it broke
            self._finished(pool, asked, reading, on_error, None)
            return
        future.add_done_callback(partial(self._finished, pool, asked, reading, on_error))

    def _finished(
        self,
        pool: ProcessPoolExecutor,
        asked: Asked,
        reading: Reading | None,
        on_error: OnError,
        future: Future[Done] | None,
    ) -> None:
        """What a process made of ``asked`` (on the pool's own thread: anything slow goes to
        the checks pool). ``future`` None: it never reached one."""
        with self._lock:
            self._pending -= 1
        if future is not None and future.cancelled():  # the app is stopping
            _not_made(on_error)
            return
        failure = future.exception() if future is not None else None
        if future is None or isinstance(failure, BrokenProcessPool):
            self._broke(pool)
            self._here(asked, reading, on_error)  # answered here: its message is replaced
            return
        if failure is not None:
            self.checks.run(partial(_raise, failure), on_error)
            return
        done = future.result()
        with self._lock:
            self._answered += 1
        metrics.counted(done.counts)
        if done.zone is not None:
            self.desk.zones.remember(asked.user, *done.zone)
        if done.failed:
            self.checks.run(partial(_raise, PreviewFailed(asked.text)), on_error)

    def _open(self, after_s: float) -> None:
        """On the spawner: wait ``after_s``, start a pool and put it to use once each process
        has built its core (~1 s). Every process starts here, so a later ``submit`` never
        starts one on another thread (the kernel ends a process with the thread that started
        it)."""
        try:
            self._start_pool(after_s)
        finally:
            with self._lock:
                self._opening = False

    def _start_pool(self, after_s: float) -> None:
        if self._closing.wait(after_s):
            return
        pool = ProcessPoolExecutor(
            self._count, mp_context=self._context, initializer=_start,
            initargs=(self._settings, self._shared, os.getpid()),
        )  # fmt: skip
        try:
            warm = [pool.submit(_ready) for _ in range(self._count)]
        except Exception:  # out of processes or descriptors, say
            _log.exception("the preview processes could not be started")
            self._give_up(pool)
            return
        deadline = time.monotonic() + STEADY_S
        while wait(warm, timeout=0.1).not_done and time.monotonic() < deadline:
            if self._closing.is_set():  # stopping while they start: each ends once started
                pool.shutdown(wait=True, cancel_futures=True)  # (else one may still be
                return  # starting when the app has gone, and outlive it until it looks)
        if not all(future.done() and future.exception() is None for future in warm):
            _log.error("the preview processes did not start (their log lines above say why)")
            self._give_up(pool)
            return
        with self._lock:
            keep = not self._closing.is_set()
            if keep:
                self._pool, self._opened = pool, time.monotonic()
        if not keep:
            pool.shutdown(wait=True)
            return
        _log.info("previews are checked in %d processes of their own", self._count)

    def _give_up(self, pool: ProcessPoolExecutor) -> None:
        """A pool that did not start: let it go, and try again in a while."""
        _log.error("previews stay on the app's own threads; trying again in %.0f s", STEADY_S)
        pool.shutdown(wait=False, cancel_futures=True)
        self._again(STEADY_S)

    def _here(self, asked: Asked, reading: Reading | None, on_error: OnError) -> None:
        """Answer ``asked`` on the checks pool after all; if that is closed too, say so."""
        try:
            super().run(asked, reading, on_error)
        except RuntimeError:  # the checks pool has stopped
            _not_made(on_error)

    def _broke(self, pool: ProcessPoolExecutor) -> None:
        """A process of ``pool`` died: answer on the app's threads and start a new pool."""
        with self._lock:
            if self._pool is not pool:
                return  # another preview saw it first
            self._pool = None
            steady = time.monotonic() - self._opened >= STEADY_S
            self._quick = 0 if steady else self._quick + 1
            after_s = STEADY_S if self._quick > 1 else 0.0
        _log.error("a preview process died (killed: out of memory?); previews are answered on "
                   "the app's own threads until new ones are up")  # fmt: skip
        pool.shutdown(wait=False, cancel_futures=True)
        self._again(after_s)

    def _again(self, after_s: float, first: bool = False) -> None:
        """Start a pool after ``after_s`` (``first``: unless one is starting, or the app
        does not serve yet)."""
        with self._lock:
            if self._closing.is_set() or (first and (self._opening or not self._wanted)):
                return
            self._opening = True
            self._spawner.submit(self._open, after_s)

    def close(self) -> None:
        """Stop the processes once they have answered what they hold (what is still queued
        is told to ask again)."""
        with self._lock:
            self._closing.set()
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        # only now: the processes end with the thread that started them (a pool starting
        # stops in _open, once its processes have started)
        self._spawner.shutdown(wait=True, cancel_futures=True)


# -- in a preview process ---------------------------------------------------------------------

_DESK: SlackDesk | None = None
_COUNTED: metrics.Counts = {}  # the counters when the app was last told of them


def _start(settings: Settings, shared: Shared, parent: int) -> None:
    """A preview process's start: end with the app, log as it does, and build the core. A
    Ctrl-C to the whole group is the app's to act on (it stops the processes once they have
    answered what they hold). SIGTERM ends a process: ProcessPoolExecutor sends it to the
    other processes when one died, so they do not go on with previews the app answers again."""
    global _DESK
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logs.configure(settings.log_level, settings.log_format, settings.secret_values())
    runtime = Runtime.open(settings, webhooks=settings.motive_webhook_secret is not None,
                           shared=shared)  # fmt: skip
    slack = SlackParts.of(settings, slack_client(settings), runtime)
    _DESK = SlackDesk(runtime, slack.poster, slack.zones, slack.gate, settings.confirm)


def _ready() -> None:
    """Answered once the process has built its core."""


def _answer(asked: Asked, zone: Zone | None) -> Done:
    """One preview, with the zone the app knows for its person (so Slack is asked once)."""
    desk = _DESK
    assert desk is not None  # noqa: S101 - _start built it
    global _COUNTED
    if zone is not None:
        desk.zones.remember(asked.user, *zone)
    else:  # the app's has expired: ask Slack again, here, rather than keep this one's
        desk.zones.forget(asked.user)
    failed = False
    try:
        answer(desk, asked)
    except Exception:
        _log.exception("the preview of %r failed", asked.text)
        failed = True
    before, _COUNTED = _COUNTED, metrics.counts()  # one preview at a time in a process
    learned = desk.zones.learned(asked.user) if zone is None else None  # Slack's, just now
    return Done(failed, learned, metrics.increments(before, _COUNTED))
