"""A chaos run: Requests through the real ``recallbot run --http`` while it is SIGKILLed at
random moments and restarted at once, with store locks, Slack 5xx and Motive 429 storms.

It drives the app as people would (type ``/recall``, wait for the preview, press Request,
press again when no answer came), then waits for everything to settle and counts what the
promise is about: one Motive recall per Request, one answer in its thread, no status message
left "requesting", no row left 'submitting'. The suite runs it small; ``bench/chaos.py`` runs
it large (and long, as the soak).
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bot.ids import ActionId
from bot.sandbox.app_process import AppProcess, free_port
from bot.sandbox.faults import Fault, FaultKind
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack import Posted, SlackSandbox
from bot.sandbox.slack_view import button
from bot.store import RecallState, Store, TrackedRecall

VEHICLES = ("42", "0077", "0042")
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
    faults: bool = True  # store locks, Slack 5xx, Motive 429 storms
    settle_timeout_s: float = 180.0


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

    def summary(self) -> str:
        """One line of counts."""
        faults = ", ".join(f"{n} {k}" for k, n in sorted(self.faults.items()))
        return (
            f"{self.requests} requests, {self.presses} presses, {self.kills} kills, "
            f"{self.creates} Motive creates, {self.answers} answers ({self.repeats} repeats in "
            f"the documented window), {self.nothing_requested} nothing requested; faults: "
            f"{faults or 'none'}; {len(self.problems)} problems; {self.seconds:.0f} s"
        )


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

    def __init__(self, plan: ChaosPlan, workdir: Path) -> None:
        self.plan = plan
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
        self.app: AppProcess | None = None
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
            # The footage uploads (issue 13) are measured by bench/media.py, not here: this run
            # counts what the answers promise.
            env = {"RECALLBOT_SUBMIT_GRACE": "1", "RECALLBOT_DB_BUSY_TIMEOUT": "0.5",
                   "RECALLBOT_SLACK_POST_RATE": "100", "RECALLBOT_TRACK_DEADLINE": "31536000",
                   "RECALLBOT_DEFAULT_TZ": "America/Chicago",
                   "RECALLBOT_UPLOAD": "off"}  # fmt: skip
            self.app = AppProcess(self.motive, self.slack, self._workdir, self._port,
                                  self.plan.speed, env)  # fmt: skip
            self.app.start()
            self.report.rss_kib.append(rss_kib(self.app.pid))
            troubles = [threading.Thread(target=self._killer, daemon=True)]
            if self.plan.faults:
                troubles.append(threading.Thread(target=self._faults, daemon=True))
            for thread in troubles:
                thread.start()
            self._drive_all()
            while self._more_kills():  # the kills asked for, all of them
                time.sleep(0.05)
            self._done.set()
            for thread in troubles:
                thread.join()
            self.motive.faults.clear()
            recalls = self._settled()
            self.report.rss_kib.append(rss_kib(self.app.pid))
            self.report.healthy_at_end = httpx.get(f"{self.app.url}/readyz").status_code == 200
            self._count(recalls)
            self.app.stop()
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
        minute = 8 * 60 + number // len(VEHICLES)  # from 8:00, when every truck records
        zone = ZoneInfo("America/Chicago")
        moment = datetime.now(zone).replace(hour=0, minute=0) - timedelta(days=1)
        moment += timedelta(minutes=minute)
        return f"truck {vehicle} on {moment:%Y-%m-%d} at {moment:%H:%M} 1 min front"

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

    def _request(self, number: int) -> None:
        preview, payload = self._preview(self._phrase(number))
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

    def _kill(self) -> None:
        """SIGKILL the app and start it again at once (as systemd's Restart= would)."""
        assert self.app is not None  # noqa: S101 - started in run
        with self._app_lock:
            self.app.kill()
            self.report.kills += 1
            for _ in range(3):
                try:
                    self.app.start()
                    return
                except RuntimeError:  # a store lock at start: try again
                    self.app.kill()
            self.app.start()

    def _more_kills(self) -> bool:
        return self.report.kills < self.plan.kills

    def _killer(self) -> None:
        while not self._done.is_set():
            self._done.wait(self._random.uniform(2.0, 6.0))  # up, then down at a random moment
            if not self._done.is_set() and self._more_kills():
                self._kill()

    def _faults(self) -> None:
        kinds = [self._lock_store, self._slack_errors, self._motive_storm]
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

    # -- the count ------------------------------------------------------------------------------

    def _recalls(self) -> tuple[list[TrackedRecall], dict[str, str | None]]:
        with Store(self._workdir / "recallbot.db", read_only=True) as store:
            recalls = store.recalls.recent(10**6)
            drafts = {d: (found.recall_id if (found := store.drafts.get(d)) else None)
                      for d in self._drafts}  # fmt: skip
        return recalls, drafts

    def _settled(self) -> list[TrackedRecall]:
        """Wait until every recall is answered and every status message final."""
        deadline = time.monotonic() + self.plan.settle_timeout_s
        while True:
            recalls, _ = self._recalls()
            statuses = [m for m in self.slack.posted("C0SAFETY") if m.thread_ts is None]
            if all(r.delivery == "delivered" for r in recalls) and all(map(_final, statuses)):
                return recalls
            if time.monotonic() > deadline:
                stuck = [f"{r.id} {r.state} {r.delivery}" for r in recalls
                         if r.delivery != "delivered"]  # fmt: skip
                self.report.problems.append(f"not settled: {stuck[:5]}")
                return recalls
            time.sleep(0.2)

    def _count(self, recalls: list[TrackedRecall]) -> None:
        report = self.report
        _, drafts = self._recalls()
        by_id = {r.id: r for r in recalls}
        report.creates = self.motive.creates()
        creates_by_footage = Counter(
            (r.vehicle.number if r.vehicle else None, r.start)
            for r in self.motive.rules.recalls.values()
        )
        statuses = [m for m in self.slack.posted("C0SAFETY") if m.thread_ts is None]
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
        if len(statuses) != len(recalls):
            report.problems.append(f"{len(statuses)} status messages for {len(recalls)} recalls")

    def _check_one(self, recall: TrackedRecall, creates: Counter[Any]) -> None:
        report = self.report
        key = (recall.request.vehicle_number, recall.request.start_time)
        if recall.state is RecallState.SUCCESS and creates[key] != 1:
            report.problems.append(f"{recall.id}: {creates[key]} Motive recalls")
        if recall.state is not RecallState.SUCCESS:
            report.problems.append(f"{recall.id} ended {recall.state}: {recall.last_error}")
        thread = recall.origin.thread_ts if recall.origin else None
        answers = [m for m in self.slack.thread("C0SAFETY", thread or "")
                   if m.ts != thread and not m.files]  # fmt: skip
        report.answers += len(answers)
        if len(answers) == 2:
            report.repeats += 1
        elif len(answers) != 1:
            report.problems.append(f"{recall.id}: {len(answers)} answers in its thread")


def _said(message: dict[str, Any], words: tuple[str, ...]) -> bool:
    text = str(message.get("text") or "")
    return any(word in text for word in words)


def _final(status: Posted) -> bool:
    return status.text.rsplit(": ", 1)[-1] in FINAL
