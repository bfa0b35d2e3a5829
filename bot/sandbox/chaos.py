"""A chaos run: Requests through the real ``recallbot run --http`` while it is SIGKILLed at
random moments and restarted at once, with store locks, Slack 5xx, Motive 429 storms and slow
clip hosts, while safety events arrive with their own faults (``chaos_alerts``).

It drives the app as people would (type ``/recall``, wait for the preview, press Request,
press again when no answer came); then kills it while a media worker encodes All angles, and
holds trickling HTTP connections while probing ``/healthz``; then waits for everything to
settle and counts what the promises are about: one Motive recall per Request, one answer in its
thread, the footage in it once, no status message left "requesting", no row left 'submitting',
each safety event one message with Motive's clip once, the automatic-request budget spent to
the minute. It ends with the operator's checks: the store's size, the idle app's CPU, and no
process left running once the app is stopped. The suite runs it small; ``bench/chaos.py`` runs
it large (and long, as the soak).
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bot.ids import ActionId
from bot.sandbox.app_process import AppProcess, free_port
from bot.sandbox.chaos_alerts import VEHICLE, AlertChaos, AlertFigures
from bot.sandbox.faults import Fault, FaultKind
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack import Posted, SlackSandbox
from bot.sandbox.slack_view import button
from bot.sandbox.trickle import Trickle
from bot.store import Delivery, RecallState, Store, TrackedRecall
from bot.store.schema import MEDIA_OWED

VEHICLES = ("42", "0077", "0042")
CHANNEL = "C0SAFETY"
ZONE = "America/Chicago"
FINAL = {str(state) for state in RecallState if state.finished}
# What a press of Request may be answered with: done, or press again.
_DONE = ("Requested: recall", "already used", "already requested", "did not answer clearly",
         "Motive refused it", "keeps trying")  # fmt: skip
_AGAIN = ("Press Request again", "restarted before")


@dataclass(frozen=True)
class ChaosPlan:
    """How big and how rough a run is."""

    requests: int = 8
    kills: int = 5  # SIGKILLs: after clicks, and at random moments, until there were this many
    seed: int = 9
    speed: float = 600.0
    drivers: int = 1  # people pressing at once
    faults: bool = True  # store locks, Slack 5xx, Motive 429 storms, slow clip hosts
    settle_timeout_s: float = 180.0
    events: int = 0  # safety events raised while the Requests go on, each with its fault
    event_every_s: float = 2.0
    auto_budget: int = 10  # RECALLBOT_AUTO_BUDGET: minutes a day
    encode_kills: int = 1  # SIGKILLs while a media worker encodes All angles
    tricklers: int = 0  # slow HTTP connections held from 127.0.0.1 while /healthz is probed
    trickle_s: float = 15.0
    idle_s: float = 20.0  # how long the settled app's CPU is measured (0: not measured)


@dataclass
class ChaosReport:
    """What a run did and found."""

    requests: int = 0
    kills: int = 0
    presses: int = 0
    creates: int = 0
    answers: int = 0
    repeats: int = 0  # answers sent once more in the documented window (killed mid-delivery)
    nothing_requested: int = 0  # Requests that ended with "nothing was requested" said
    faults: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)  # the app's RSS at start and end
    healthy_at_end: bool = False  # /readyz said 200 (tracker alive and recent, store writable)
    seconds: float = 0.0
    encode_kills: int = 0  # kills while a media worker was encoding
    footage: int = 0  # Requests whose footage is in their thread
    footage_repeats: int = 0  # files shared once more in the documented window
    alerts: AlertFigures = field(default_factory=AlertFigures)
    trickle: str = "no trickling clients"
    store_bytes: tuple[int, int] = (0, 0)  # the database file and its write-ahead log
    store_bound: int = 0
    idle_cpu: float = 0.0  # % of one core the settled app used
    orphans: int = 0  # processes left running under PID 1 once the app was stopped

    def summary(self) -> str:
        """Lines of counts."""
        faults = ", ".join(f"{n} {k}" for k, n in sorted(self.faults.items()))
        db, wal = self.store_bytes
        return (
            f"{self.requests} requests, {self.presses} presses, {self.kills} kills "
            f"({self.encode_kills} mid-encode), {self.creates} Motive creates, {self.answers} "
            f"answers ({self.repeats} repeats in the documented window), "
            f"{self.nothing_requested} nothing requested, footage in {self.footage} threads "
            f"({self.footage_repeats} files repeated in the documented window); faults: "
            f"{faults or 'none'}; {len(self.problems)} problems; {self.seconds:.0f} s\n"
            f"{self.alerts.summary()}\n{self.trickle}\n"
            f"store {db / 2**20:.1f} MiB + WAL {wal / 2**20:.1f} MiB (bound "
            f"{self.store_bound / 2**20:.1f} MiB); idle CPU {self.idle_cpu:.2f}% of a core; "
            f"{self.orphans} processes left running"
        )


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used (``/proc/<pid>/stat``, after the command name)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int | None) -> int:
    """A process's resident memory (0 when unknown)."""
    if pid is None:
        return 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Chaos:
    """One run: the sandboxes here, the app in its own process, the drivers and the killer."""

    def __init__(self, plan: ChaosPlan, workdir: Path, orphans: Callable[[], set[int]]) -> None:
        """``orphans``: the processes of this checkout adopted by PID 1 now (the suite's own
        reading of ``/proc``, ``tests/leaks.py``, so the run and the suite mean the same)."""
        self.plan = plan
        self._orphans = orphans
        self.report = ChaosReport()
        self._random = random.Random(plan.seed)  # noqa: S311 - chaos, not cryptography
        self._workdir = workdir
        self._port = free_port()
        settings = SandboxSettings(
            webhook_url=f"http://127.0.0.1:{self._port}/motive/webhook",
            quota_regular_minutes=10**6, rate_limit_per_minute=10**6,
        )  # fmt: skip
        self.motive = MotiveSandbox(settings, speed=plan.speed)
        self.slack = SlackSandbox()
        self.alerts = AlertChaos(self.motive, self.slack, plan.events, plan.event_every_s,
                                 plan.auto_budget, self.report.faults, plan.seed)  # fmt: skip
        self.app: AppProcess | None = None
        # Starts the app, every time: the kernel ends a child with the thread that started it
        # (bot.plumbing.lineage), and this one thread lives as long as the run.
        self._keeper = ThreadPoolExecutor(1, thread_name_prefix="chaos-app-keeper")
        self._app_lock = threading.Lock()
        self._done = threading.Event()
        self._drafts: list[str] = []
        self._lock = threading.Lock()

    # -- the run --------------------------------------------------------------------------------

    def run(self) -> ChaosReport:
        """Drive every request through kills and faults, let it settle, and count."""
        started = time.monotonic()
        with self.motive, self.slack:
            # Every restart costs real seconds, which are sandbox minutes at 600x: the deadline
            # (24 h, 144 real seconds) is stretched so that kills cannot make recalls expire.
            # The footage goes into the threads (the sandbox's clips are small: 320x180, 5 fps;
            # bench/media.py measures real sizes); a claim cut short by a kill is taken up again
            # after 10 s, and a trickling clip host gives its worker back after 3 s.
            env = {"RECALLBOT_SUBMIT_GRACE": "1", "RECALLBOT_DB_BUSY_TIMEOUT": "0.5",
                   "RECALLBOT_SLACK_POST_RATE": "100", "RECALLBOT_TRACK_DEADLINE": "31536000",
                   "RECALLBOT_DEFAULT_TZ": ZONE, "RECALLBOT_UPLOAD": "clips",
                   "RECALLBOT_MEDIA_LEASE": "10", "RECALLBOT_DOWNLOAD_DEADLINE": "3",
                   "RECALLBOT_HTTP_REQUEST_DEADLINE": "5"}  # fmt: skip
            if self.plan.events:
                env |= self.alerts.settings()
            self.app = AppProcess(self.motive, self.slack, self._workdir, self._port,
                                  self.plan.speed, env)  # fmt: skip
            there_before = self._orphans()  # not this run's
            self._start()
            self.report.rss_kib.append(rss_kib(self.app.pid))
            troubles = [threading.Thread(target=self._killer, daemon=True)]
            if self.plan.faults:
                troubles.append(threading.Thread(target=self._faults, daemon=True))
            events = threading.Thread(target=self.alerts.raise_all, daemon=True)
            for thread in [*troubles, events]:
                thread.start()
            self._drive_all()
            while self._more_kills():  # the kills asked for, all of them
                time.sleep(0.05)
            self._done.set()
            for thread in [*troubles, events]:
                thread.join()
            self.motive.faults.clear()  # a slow clip host left armed would meet the encode's
            for number in range(self.plan.encode_kills):
                self._kill_mid_encode(number, there_before)
            if self.plan.tricklers:
                self._trickling_clients()
            recalls = self._settled()
            self.report.rss_kib.append(rss_kib(self.app.pid))
            self.report.healthy_at_end = httpx.get(f"{self.app.url}/readyz").status_code == 200
            self._count(recalls)
            self._operations()
            self.app.stop()
            self._keeper.shutdown()
            self._left_running(there_before)
        self.report.seconds = time.monotonic() - started
        return self.report

    def _drive_all(self) -> None:
        numbers = iter(range(self.plan.requests))
        take = threading.Lock()

        def driver() -> None:
            while True:
                with take:
                    number = next(numbers, None)
                if number is None:
                    return
                self._request(number)

        drivers = [threading.Thread(target=driver) for _ in range(self.plan.drivers)]
        for thread in drivers:
            thread.start()
        for thread in drivers:
            thread.join()

    # -- a person -------------------------------------------------------------------------------

    def _phrase(self, number: int) -> str:
        """Distinct footage per request (a vehicle and a minute of yesterday)."""
        vehicle = VEHICLES[number % len(VEHICLES)]
        return _yesterday(vehicle, 8 * 60 + number // len(VEHICLES), "front")  # from 8:00

    def _url(self) -> str:
        return f"http://127.0.0.1:{self._port}/slack/events"

    def _preview(self, phrase: str) -> tuple[dict[str, Any], dict[str, str]]:
        """Type the phrase until a preview with a Request button comes back."""
        for _ in range(200):
            payload = self.slack.command_payload(phrase)
            try:
                self.slack.post_form(self._url(), payload)
            except httpx.TransportError:
                time.sleep(0.2)  # the app is restarting
                continue
            shown = self._wait(payload["response_url"], 0, lambda m: button(m, ActionId.SUBMIT),
                               timeout=5)  # fmt: skip
            if shown is not None:
                return shown, payload
        raise RuntimeError(f"no preview for {phrase!r}")

    def _request(self, number: int, phrase: str | None = None) -> None:
        preview, payload = self._preview(phrase or self._phrase(number))
        found = button(preview, ActionId.SUBMIT)
        assert found is not None  # noqa: S101 - _preview waited for it
        draft = str(found["value"])
        with self._lock:
            self._drafts.append(draft)
            self.report.requests += 1
        url = payload["response_url"]
        for _ in range(100):
            before = len(self.slack.responses_to(url))
            click = self.slack.action_payload(ActionId.SUBMIT, draft, url)
            try:
                self.slack.post_interaction(self._url(), click)
            except httpx.TransportError:
                time.sleep(0.2)
                continue
            with self._lock:
                self.report.presses += 1
            if self._more_kills() and self._random.random() < 0.5:  # 0-60 ms after the click
                time.sleep(self._random.uniform(0, 0.06))
                self._kill()
            said = self._wait(url, before, lambda m: _said(m, _DONE + _AGAIN), timeout=8)
            if said is not None and _said(said, _DONE):
                if "Motive refused it" in said["text"]:
                    self.report.problems.append(f"request {number} refused: {said['text']}")
                return
        self.report.problems.append(f"request {number}: no answer to Request")

    def _wait(
        self, url: str, skip: int, wanted: Callable[[dict[str, Any]], Any], timeout: float = 15.0
    ) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.slack.responses_to(url)[skip:]:
                if wanted(message):
                    return dict(message)
            time.sleep(0.02)
        return None

    # -- trouble --------------------------------------------------------------------------------

    def _kill(self, pause_at: str | None = None) -> None:
        """SIGKILL the app and start it again at once (as systemd's Restart= would);
        ``pause_at``: the new process pauses at that crash point (RECALLBOT_PAUSE_AT)."""
        assert self.app is not None  # noqa: S101 - started in run
        env = {"RECALLBOT_PAUSE_AT": pause_at} if pause_at else {}
        with self._app_lock:
            self.app.kill()
            self.report.kills += 1
            for _ in range(3):
                try:
                    self._start(env)
                    return
                except RuntimeError:  # a store lock at start: try again
                    self.app.kill()
            self._start(env)

    def _start(self, env: Mapping[str, str] | None = None) -> None:
        """Start the app (``env``: for this start only) on the keeper thread."""
        assert self.app is not None  # noqa: S101 - made in run
        self._keeper.submit(self.app.start, env=env).result()

    def _kill_mid_encode(self, number: int, there_before: set[int]) -> None:
        """Restart the app so that its media workers pause mid-encode, Request footage of two
        cameras (All angles is encoded), SIGKILL the app once a worker says it paused there,
        and check that no process it started outlives it (its workers die with it); the
        restarted app completes the footage, each file once (checked with the others)."""
        assert self.app is not None  # noqa: S101 - started in run
        self._kill(pause_at="mid_encode")
        log = self.app.log_path
        paused_before = log.read_text(errors="replace").count("paused at mid_encode")
        self._request(self.plan.requests + number, _yesterday("42", 7 * 60 + number,
                                                              "front and rear"))  # fmt: skip
        deadline = time.monotonic() + 120
        while log.read_text(errors="replace").count("paused at mid_encode") == paused_before:
            if time.monotonic() > deadline:
                self.report.problems.append("no media worker reached mid_encode in 120 s")
                return
            time.sleep(0.1)
        self._kill()
        self.report.encode_kills += 1
        deadline = time.monotonic() + 10
        while (left := self._orphans() - there_before) and time.monotonic() < deadline:
            time.sleep(0.1)
        if left:
            self.report.problems.append(f"{len(left)} processes outlived a kill mid-encode")

    def _trickling_clients(self) -> None:
        """Hold ``tricklers`` connections from 127.0.0.1 that send a header line every 2 s and
        never finish, while another client (127.0.0.2) probes ``/healthz`` four times a
        second: every probe must be answered, within 2 s."""
        assert self.app is not None  # noqa: S101 - started in run
        self.report.faults["trickling HTTP clients"] += self.plan.tricklers
        probe = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"),
                             timeout=2.0)  # fmt: skip
        answered, slowest, failed = 0, 0.0, 0
        with probe, Trickle(self._port, ["127.0.0.1"], self.plan.tricklers, 2.0) as trickle:
            trickle.start()
            until = time.monotonic() + self.plan.trickle_s
            while time.monotonic() < until:
                asked = time.monotonic()
                try:
                    ok = probe.get(f"{self.app.url}/healthz").status_code == 200
                except httpx.TransportError:
                    ok = False
                answered += ok
                failed += not ok
                slowest = max(slowest, time.monotonic() - asked)
                time.sleep(0.25)
            cut = len(trickle.tricklers) - len(trickle.open())
        self.report.trickle = (
            f"{self.plan.tricklers} trickling connections from 127.0.0.1 for "
            f"{self.plan.trickle_s:.0f} s: {cut} closed by the front; /healthz from another "
            f"address: {answered} answered, {failed} not, slowest {slowest * 1000:.0f} ms"
        )
        if failed:
            self.report.problems.append(f"/healthz failed {failed} times beside the trickle")

    def _more_kills(self) -> bool:
        return self.report.kills < self.plan.kills

    def _killer(self) -> None:
        while not self._done.is_set():
            self._done.wait(self._random.uniform(2.0, 6.0))  # up, then down at a random moment
            if not self._done.is_set() and self._more_kills():
                self._kill()

    def _faults(self) -> None:
        kinds = [self._lock_store, self._slack_errors, self._motive_storm, self._slow_clip_host]
        while not self._done.is_set():
            self._done.wait(self._random.uniform(1.5, 5.0))
            if not self._done.is_set():
                self._random.choice(kinds)()

    def _lock_store(self) -> None:
        self.report.faults["store locks"] += 1
        other = sqlite3.connect(self._workdir / "recallbot.db", timeout=5, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            time.sleep(self._random.uniform(0.5, 1.5))  # past the app's 0.5 s busy timeout
            other.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the app held it: no lock this time
        finally:
            other.close()

    def _slack_errors(self) -> None:
        self.report.faults["Slack 5xx bursts"] += 1
        for method in ("chat.postMessage", "chat.update"):
            self.slack.fail(method, "internal_error", status=500, count=self._random.randint(1, 4))

    def _motive_storm(self) -> None:
        self.report.faults["Motive 429 storms"] += 1
        # Creates, and checks of recalls (Motive's ids start at 5000001), not previews' reads.
        recalls = "/video_recall_requests"
        for method, path in (("POST", recalls), ("GET", f"{recalls}/5")):
            count = self._random.randint(3, 12)
            self.motive.faults.arm(Fault(kind=FaultKind.RATE_LIMIT, count=count, method=method,
                                         path=path))  # fmt: skip

    def _slow_clip_host(self) -> None:
        """The next clip downloaded (a Request's footage, or Motive's own clip of an event)
        comes a byte a second: RECALLBOT_DOWNLOAD_DEADLINE gives its worker back."""
        self.report.faults["slow clip hosts"] += 1
        self.motive.faults.arm(Fault(kind=FaultKind.TRICKLE, path="/media/", delay=1.0))

    # -- the count ------------------------------------------------------------------------------

    def _recalls(self) -> tuple[list[TrackedRecall], dict[str, str | None]]:
        with Store(self._workdir / "recallbot.db", read_only=True) as store:
            recalls = store.recalls.recent(10**6)
            drafts = {d: (found.recall_id if (found := store.drafts.get(d)) else None)
                      for d in self._drafts}  # fmt: skip
        return recalls, drafts

    def _settled(self) -> list[TrackedRecall]:
        """Wait until every recall's answer has ended (delivered, or refused for good), its
        footage is in its thread, every status message is final, and every safety event's
        message, automatic request and clip are out."""
        deadline = time.monotonic() + self.plan.settle_timeout_s
        while True:
            recalls, _ = self._recalls()
            owed = self._owed(recalls)
            if not owed:  # read again: the footage read as owed may have ended since the first
                return self._recalls()[0]
            if time.monotonic() > deadline:
                self.report.problems.append(f"not settled: {owed[:5]}")
                return recalls
            time.sleep(0.2)

    def _owed(self, recalls: list[TrackedRecall]) -> list[str]:
        """What is still to be done, in words."""
        owed = [f"{r.id} {r.state} {r.delivery}" for r in recalls if not r.delivery.ended]
        owed += [f"status {m.ts} {m.text!r}" for m in self.slack.posted(CHANNEL)
                 if m.thread_ts is None and not _final(m)]  # fmt: skip
        with Store(self._workdir / "recallbot.db", read_only=True) as store:
            owing = f"SELECT id FROM recalls WHERE {MEDIA_OWED}"  # noqa: S608 - the store's own text
            owed += [f"{row['id']}'s footage" for row in store.db.query(owing)]
            if events := self.alerts.owed(store):
                owed.append(f"{events} safety events")
        return owed

    def _count(self, recalls: list[TrackedRecall]) -> None:
        report = self.report
        _, drafts = self._recalls()
        by_id = {r.id: r for r in recalls}
        report.creates = sum(1 for r in self.motive.rules.recalls.values()
                             if r.vehicle is None or r.vehicle.number != VEHICLE)  # fmt: skip
        creates_by_footage = Counter(
            (r.vehicle.number if r.vehicle else None, r.start)
            for r in self.motive.rules.recalls.values()
        )
        statuses = [m for m in self.slack.posted(CHANNEL) if m.thread_ts is None]
        for status in statuses:
            if not _final(status):
                report.problems.append(f"status message {status.ts} left at {status.text!r}")
        for recall_id in drafts.values():
            recall = by_id.get(recall_id or "")
            if recall is None:
                report.nothing_requested += 1
                continue
            self._check_one(recall, creates_by_footage)
        for recall in recalls:
            if recall.state is RecallState.SUBMITTING:
                report.problems.append(f"{recall.id} left submitting")
        requested = [r for r in recalls if r.origin and r.origin.channel_id == CHANNEL]
        if len(statuses) != len(requested):
            report.problems.append(f"{len(statuses)} status messages for {len(requested)} "
                                   "recalls")  # fmt: skip
        with Store(self._workdir / "recallbot.db", read_only=True) as store:
            report.problems += self.alerts.check(store, recalls, ZoneInfo(ZONE), report.kills > 0)
        report.alerts = self.alerts.figures

    def _check_one(self, recall: TrackedRecall, creates: Counter[Any]) -> None:
        report = self.report
        key = (recall.request.vehicle_number, recall.request.start_time)
        if recall.state is RecallState.SUCCESS and creates[key] != 1:
            report.problems.append(f"{recall.id}: {creates[key]} Motive recalls")
        if recall.state is not RecallState.SUCCESS:
            report.problems.append(f"{recall.id} ended {recall.state}: {recall.last_error}")
        if recall.delivery is not Delivery.DELIVERED:
            report.problems.append(f"{recall.id}: its answer ended {recall.delivery}")
        thread = recall.origin.thread_ts if recall.origin else None
        answers = [m for m in self.slack.thread(CHANNEL, thread or "")
                   if m.ts != thread and not m.files]  # fmt: skip
        report.answers += len(answers)
        if len(answers) == 2:
            report.repeats += 1
        elif len(answers) != 1:
            report.problems.append(f"{recall.id}: {len(answers)} answers in its thread")
        if recall.state is RecallState.SUCCESS:
            self._check_footage(recall, thread or "")

    def _check_footage(self, recall: TrackedRecall, thread: str) -> None:
        """The footage is in the thread, each file once; twice only in the documented window
        (a kill after Slack shared them, before the store recorded it)."""
        report = self.report
        if recall.media != "done":
            report.problems.append(f"{recall.id}: footage {recall.media}: {recall.media_note}")
            return
        report.footage += 1
        names = Counter(f.name for f in self.slack.shared_files(CHANNEL, thread))
        twice = [name for name, seen in names.items() if seen == 2]
        if twice and report.kills:
            report.footage_repeats += len(twice)
        elif twice or max(names.values(), default=0) > 2:
            report.problems.append(f"{recall.id}: files shared more than once: {dict(names)}")
        if len(recall.cameras) > 1 and f"{recall.id}-all-angles.mp4" not in names:
            report.problems.append(f"{recall.id}: no All angles clip in its thread")

    # -- the operator's checks ------------------------------------------------------------------

    def _operations(self) -> None:
        """The store's size against a bound from the counts, and the settled app's CPU."""
        assert self.app is not None  # noqa: S101 - started in run
        assert self.app.pid is not None  # noqa: S101 - running
        report = self.report
        db = self._workdir / "recallbot.db"
        wal = db.with_name(f"{db.name}-wal")
        report.store_bytes = (db.stat().st_size, wal.stat().st_size if wal.exists() else 0)
        # A recall with its draft, audit lines and answer is a few KB, an event with its
        # versions a few more; the write-ahead log holds about 1,000 pages before its
        # checkpoint (4 MiB) and the schema, indexes and free pages a little more.
        rows = report.presses + report.requests + report.alerts.events
        report.store_bound = 8 * 2**20 + 32 * 2**10 * rows
        if sum(report.store_bytes) > report.store_bound:
            report.problems.append(f"the store holds {sum(report.store_bytes)} bytes, over "
                                   f"{report.store_bound}")  # fmt: skip
        if not self.plan.idle_s:
            return
        before = cpu_seconds(self.app.pid)
        time.sleep(self.plan.idle_s)
        report.idle_cpu = 100 * (cpu_seconds(self.app.pid) - before) / self.plan.idle_s
        if report.idle_cpu >= 2.0:
            report.problems.append(f"the idle app used {report.idle_cpu:.1f}% of a core")

    def _left_running(self, there_before: set[int]) -> None:
        """No process of this checkout adopted by PID 1 once the app is stopped."""
        deadline = time.monotonic() + 5
        while (left := self._orphans() - there_before) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.report.orphans = len(left)
        if left:
            self.report.problems.append(f"{len(left)} processes left running under PID 1")


def _yesterday(vehicle: str, minute: int, cameras: str) -> str:
    """A phrase for a minute of yesterday (minutes from midnight) in the team's zone."""
    zone = ZoneInfo(ZONE)
    moment = datetime.now(zone).replace(hour=0, minute=0) - timedelta(days=1)
    moment += timedelta(minutes=minute)
    return f"truck {vehicle} on {moment:%Y-%m-%d} at {moment:%H:%M} 1 min {cameras}"


def _said(message: dict[str, Any], words: tuple[str, ...]) -> bool:
    text = str(message.get("text") or "")
    return any(word in text for word in words)


def _final(status: Posted) -> bool:
    return status.text.rsplit(": ", 1)[-1] in FINAL
