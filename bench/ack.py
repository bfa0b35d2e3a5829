"""Benchmark of the Slack endpoint: time to the ack under a burst, and Request click to anchor.

Run with ``make bench`` (or ``.venv/bin/python bench/ack.py``). ``recallbot run --http`` runs as
its own process against the Motive sandbox and the Slack emulator (both in this process, with
the load generator). Each round sends 500 signed ``/recall`` commands, 20 at a time, spread
over 40 channels (9 in 10 valid and all different, 1 in 10 a phrase error), and times each from
sending to the HTTP answer (Slack's 3 s limit applies to this ack). It then waits until every
command's preview has reached its ``response_url``.

Request clicks are timed from the click to the status ("anchor") message in the channel: 20 at
rest, one per channel, and 20 while the next round's burst is arriving. Each click is signed
before the clock starts and sent from a process of its own over a kept-alive connection.
Targets: p99 ack under 250 ms on 2 cores. Figures are medians over the rounds.

``--media N`` (issue 13) first requests N 3-camera, 2-minute recalls at 1280x720, 15 fps in a
channel of their own, so the media pool (``RECALLBOT_MEDIA_WORKERS``) is downloading, checking,
composing All angles and uploading while the rounds run; the bench says how many media jobs
were under way through every round. With or without, it prints how long each clicked recall's
links answer took after recallbot learned of Motive's success (the answer must not wait for
footage). The sandbox renders those clips before the clock starts (its cost, not recallbot's).
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import random
import sqlite3
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.ids import ActionId  # noqa: E402
from bot.sandbox.app_process import AppProcess, free_port  # noqa: E402
from bot.sandbox.footage import ClipSpec, window_start  # noqa: E402
from bot.sandbox.motive import MotiveSandbox  # noqa: E402
from bot.sandbox.motive_rules import SandboxSettings  # noqa: E402
from bot.sandbox.slack import SlackSandbox, SlackSettings, signature_headers  # noqa: E402
from bot.sandbox.slack_view import button  # noqa: E402

CHANNELS = [f"C0BENCH{n:02d}" for n in range(40)]
MEDIA_CHANNEL = "C0BENCHMEDIA"
MEDIA_CAMERAS = ("front_facing", "driver_facing", "rear")
VEHICLES = ["42", "1207", "0077", "0042"]  # all recording 05:00-23:00 or around the clock
BAD = ["truck 42 yesterday 3pm 7 min", "yesterday 3pm 2 min", "truck 42 next thursday"]


def workspace() -> SlackSettings:
    """The emulator's workspace with 40 channels the bot and the bench user are in."""
    settings = SlackSettings()
    members = [settings.bot_user_id, "U0DEMO"]
    channels = {c: {"name": c.lower(), "members": members} for c in [*CHANNELS, MEDIA_CHANNEL]}
    return SlackSettings(channels=settings.channels | channels)


def phrases() -> itertools.cycle[str] | Any:
    """Distinct valid phrases (so no two requests are duplicates), with a phrase error in ten."""
    distinct = (
        f"truck {v} yesterday {h}:{m:02d} 1 min front only"
        for m, h, v in itertools.product(range(60), range(6, 21), VEHICLES)
    )
    for n, phrase in enumerate(distinct):
        yield BAD[n % len(BAD)] if n % 10 == 9 else phrase


def send_all(
    url: str, secret: str, payloads: list[dict[str, str]], concurrency: int
) -> list[tuple[float, float, dict[str, Any]]]:
    """In the sender process: post each signed command; (sent at, ack ms, ack body) for each.
    ``time.monotonic`` is the system's monotonic clock, comparable across processes.

    Bodies are encoded and signed before the first is sent, and sent over kept-alive stdlib
    connections: at 20 in flight an httpx post's ~1.6 ms of CPU held the sender's own GIL long
    enough to be part of the ack it timed (Slack's servers do not share recallbot's cores)."""
    target = urlsplit(url)
    signed = []
    for payload in payloads:
        body = str(httpx.QueryParams(payload)).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        signed.append((body, headers | signature_headers(body, secret)))
    local = threading.local()

    def one(request: tuple[bytes, dict[str, str]]) -> tuple[float, float, dict[str, Any]]:
        if not hasattr(local, "http"):
            local.http = HTTPConnection(target.hostname or "", target.port, timeout=30)
        body, headers = request
        start = time.monotonic()
        local.http.request("POST", target.path, body, headers)
        answer = local.http.getresponse()
        content = answer.read()
        ack_ms = (time.monotonic() - start) * 1000
        if answer.status != 200:
            raise SystemExit(f"/recall answered HTTP {answer.status}: {content[:200]!r}")
        return start, ack_ms, json.loads(content) if content else {}

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, signed))


_PRESSING: dict[str, HTTPConnection] = {}  # in the clicker process: one kept-alive connection


def press(url: str, body: bytes, headers: dict[str, str]) -> float:
    """In the clicker process: POST a signed interaction; the moment it was sent
    (``time.monotonic``, comparable across processes). Like the sender's commands, and unlike a
    ``httpx.post`` from this process (a new client each time: ~20 ms of CPU building its TLS
    context, more while the sandboxes here serve a burst), none of the bench's own work is
    inside the time."""
    target = urlsplit(url)
    if url not in _PRESSING:
        _PRESSING[url] = HTTPConnection(target.hostname or "", target.port, timeout=30)
    http = _PRESSING[url]
    pressed = time.monotonic()
    http.request("POST", target.path, body, headers)
    answer = http.getresponse()
    answer.read()
    if answer.status != 200:
        raise SystemExit(f"the Request click was answered HTTP {answer.status}")
    return pressed


@dataclass
class Sent:
    """One /recall: what was typed, where, and how it was answered."""

    payload: dict[str, str]
    sent_at: float
    ack_ms: float
    acked: dict[str, Any] = field(default_factory=dict)


class Bench:
    """Drives the app through the Slack emulator and times it."""

    def __init__(
        self,
        slack: SlackSandbox,
        app_url: str,
        sender: ProcessPoolExecutor,
        clicker: ProcessPoolExecutor,
    ) -> None:
        self.slack = slack
        self.sender = sender
        self.clicker = clicker
        self.url = f"{app_url}/slack/events"
        self.words = phrases()
        self.pick = random.Random(7)  # channels at random: phrase errors land in every one

    def burst(self, count: int, concurrency: int) -> list[Sent]:
        """``count`` commands, ``concurrency`` in flight at any time, sent from the sender
        process (so the sandboxes in this one never delay the reading of an ack)."""
        payloads = []
        for _ in range(count):
            text, channel = next(self.words), self.pick.choice(CHANNELS)
            payloads.append(self.slack.command_payload(text, "U0DEMO", channel))
        secret = self.slack.settings.signing_secret
        answers = self.sender.submit(send_all, self.url, secret, payloads, concurrency).result()
        return [Sent(p, *answer) for p, answer in zip(payloads, answers, strict=True)]

    def previews(self, sent: list[Sent], timeout: float = 300.0) -> list[float]:
        """Wait for every command's answer at its response_url; seconds from sending to it."""
        deadline = time.monotonic() + timeout
        waits: list[float] = []
        for item in sent:
            if "Checking" not in item.acked.get("text", ""):
                continue  # a phrase error, answered in the ack itself
            url = item.payload["response_url"]
            while not (shown := self.slack.responses_to(url)):
                if time.monotonic() > deadline:
                    raise SystemExit(f"no preview for {item.payload['text']!r} in {timeout:g} s")
                time.sleep(0.005)
            waits.append(shown[0]["_at"] - item.sent_at)
        return waits

    def click(self, item: Sent) -> float:
        """Press Request on a preview; milliseconds until the anchor message is in its channel."""
        preview = self.slack.responses_to(item.payload["response_url"])[-1]
        submit = button(preview, ActionId.SUBMIT)
        if submit is None:
            raise SystemExit(f"no Request button for {item.payload['text']!r}: {preview['text']}")
        channel = item.payload["channel_id"]
        before = len(self.slack.posted(channel))
        action = self.slack.action_payload(
            ActionId.SUBMIT, submit["value"], item.payload["response_url"], "U0DEMO", channel
        )
        body = urlencode({"payload": json.dumps(action)}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        headers |= signature_headers(body, self.slack.settings.signing_secret)
        pressed = self.clicker.submit(press, self.url, body, headers).result()
        deadline = pressed + 60
        while len(posted := self.slack.posted(channel)) == before:
            if time.monotonic() > deadline:
                raise SystemExit(f"no anchor message in {channel} a minute after Request")
            time.sleep(0.002)
        return (posted[-1].at - pressed) * 1000


class Media:
    """Heavy footage jobs kept running beside the rounds, and what the store says of them."""

    def __init__(self, bench: Bench, motive: MotiveSandbox, db: Path, count: int) -> None:
        self.bench, self.motive, self.db, self.count = bench, motive, db, count

    def phrases(self) -> list[str]:
        """Distinct 2-minute windows read in UTC (so this process knows their clips)."""
        return [f"truck 42 yesterday {15 + n // 4}:{(n % 4) * 10:02d} UTC 2 min front, driver "
                f"and rear" for n in range(self.count)]  # fmt: skip

    def render(self) -> None:
        """The sandbox makes every clip now, so its cost stays out of the measurement."""
        day = (datetime.now(UTC) - timedelta(days=1)).date()
        s = self.motive.settings
        for n in range(self.count):
            start = datetime(day.year, day.month, day.day, 15 + n // 4, (n % 4) * 10, tzinfo=UTC)
            for position in MEDIA_CAMERAS:
                self.motive.footage.clip(ClipSpec(
                    vehicle="42", position=position, start=window_start(start), window_s=120,
                    width=s.media_width, height=s.media_height, fps=s.media_fps,
                ))  # fmt: skip

    def start(self) -> None:
        """Request every media recall and wait until the media pool has claimed its first."""
        payloads = [self.bench.slack.command_payload(t, "U0DEMO", MEDIA_CHANNEL)
                    for t in self.phrases()]  # fmt: skip
        secret = self.bench.slack.settings.signing_secret
        sent = self.bench.sender.submit(send_all, self.bench.url, secret, payloads, 1).result()
        items = [Sent(p, *answer) for p, answer in zip(payloads, sent, strict=True)]
        self.bench.previews(items)
        for item in items:
            self.bench.click(item)
        deadline = time.monotonic() + 300
        while not self.states().get("claimed", 0):
            if time.monotonic() > deadline:
                raise SystemExit(f"no media job started in 5 minutes: {self.states()}")
            time.sleep(0.2)

    def states(self) -> dict[str, int]:
        """How many media recalls stand in each footage state (None: not yet begun)."""
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30) as db:
            rows = db.execute(
                "SELECT COALESCE(r.media, 'owed'), COUNT(*) FROM recalls r JOIN origins o "
                "ON o.recall_id = r.id WHERE o.channel_id = ? GROUP BY 1", (MEDIA_CHANNEL,)
            ).fetchall()  # fmt: skip
        return dict(rows)


def links_after_success(db: Path) -> list[float]:
    """Seconds from recallbot learning of Motive's success to the links answer posted, for
    every answered recall outside the media channel."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as con:
        rows = con.execute(
            "SELECT r.finished_at, r.delivered_at FROM recalls r JOIN origins o "
            "ON o.recall_id = r.id WHERE r.delivered_at IS NOT NULL AND o.channel_id != ?",
            (MEDIA_CHANNEL,),
        ).fetchall()
    return [(datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()
            for a, b in rows]  # fmt: skip


def p(values: list[float], q: float) -> float:
    """The q-quantile (0.5, 0.99)."""
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def app_cpu_s(pid: int | None) -> float:
    """CPU seconds (user + system) the app process has used so far, from /proc (Linux)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_s(pid: int | None) -> float:
    """CPU seconds so far of the app's child processes (its preview processes; the media
    workers too, under ``--media``), from /proc (Linux)."""
    if pid is None:
        return 0.0
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            total += app_cpu_s(int(stat.parent.name))
    return total


def cpu_now(app: AppProcess, sender: ProcessPoolExecutor) -> tuple[float, ...]:
    """CPU seconds so far of the app, its preview processes, the sender process and this one
    (the Slack emulator, the Motive sandbox and the bench's own waiting): on two shared cores,
    whether previews keep pace with acks is a CPU budget (at 20 in flight and a 50 ms ack, 400
    commands a second)."""
    return (app_cpu_s(app.pid), children_cpu_s(app.pid), sender.submit(time.process_time).result(),
            time.process_time())  # fmt: skip


def previews_up(url: str, timeout: float = 60.0) -> None:
    """Wait until the app's preview processes are up (the warm-up's first preview starts
    them), so that the rounds time the app as it runs, not as it starts."""
    deadline = time.monotonic() + timeout
    while True:
        previews = httpx.get(f"{url}/healthz", timeout=5).json()["checks"]["previews"]
        if not previews["processes"] or previews["up"]:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"the preview processes were not up in {timeout:g} s: {previews}")
        time.sleep(0.1)


def clickable(sent: list[Sent], taken: set[str]) -> list[Sent]:
    """One previewed valid command per channel not used for a click yet."""
    chosen: dict[str, Sent] = {}
    for item in sent:
        channel = item.payload["channel_id"]
        if "Checking" in item.acked.get("text", "") and channel not in taken | set(chosen):
            chosen[channel] = item
    return list(chosen.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--media", type=int, default=0, help="heavy footage jobs beside it")
    parser.add_argument("--media-workers", type=int, default=None,
                        help="RECALLBOT_MEDIA_WORKERS (default: recallbot's)")  # fmt: skip
    parser.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for recallbot's process (e.g. RECALLBOT_SLACK_WORKERS=8)")
    options = parser.parse_args()

    limits = SandboxSettings(rate_limit_per_minute=1_000_000, quota_regular_minutes=100_000)
    if options.media:
        limits = limits.model_copy(update={"media_width": 1280, "media_height": 720,
                                           "media_fps": 15})  # fmt: skip
    with (
        TemporaryDirectory(prefix="recallbot-bench-") as workdir,
        MotiveSandbox(limits, speed=60) as motive,
        SlackSandbox(workspace()) as slack,
    ):
        port = free_port()
        motive.settings.webhook_url = f"http://127.0.0.1:{port}/motive/webhook"
        settings = {"MOTIVE_RATE_LIMIT": "1000",  # the bench times recallbot, not Motive's limit
                    "RECALLBOT_UPLOAD_DRIVER_FACING": "true"}  # fmt: skip
        if options.media_workers:
            settings["RECALLBOT_MEDIA_WORKERS"] = str(options.media_workers)
        settings |= dict(setting.split("=", 1) for setting in options.setting)
        with (
            AppProcess(motive, slack, Path(workdir), port, 60, settings) as app,
            ProcessPoolExecutor(1, multiprocessing.get_context("spawn")) as sender,
            ProcessPoolExecutor(1, multiprocessing.get_context("spawn")) as clicker,
        ):
            bench = Bench(slack, app.url, sender, clicker)
            bench.previews(bench.burst(options.concurrency, options.concurrency))  # warm up
            previews_up(app.url)
            media = Media(bench, motive, Path(workdir) / "recallbot.db", options.media)
            under_way: list[int] = []
            if options.media:
                media.render()
                media.start()
            acks, previews, drains, rest, loaded, taken = [], [], [], [], [], set[str]()
            cpu_before = cpu_now(app, sender)
            last: list[Sent] = []
            for round_no in range(options.rounds):
                began = time.monotonic()
                if round_no == 1:  # clicks while this round's burst arrives
                    targets = clickable(last, taken)[: options.clicks]
                    taken |= {t.payload["channel_id"] for t in targets}
                    clicker = ThreadPoolExecutor(1)
                    spaced = clicker.submit(lambda chosen=targets: [bench.click(t) for t in chosen])
                sent = bench.burst(options.commands, options.concurrency)
                if round_no == 1:
                    loaded = spaced.result()
                    clicker.shutdown()
                waits = bench.previews(sent)
                drains.append(time.monotonic() - began)
                under_way.append(media.states().get("claimed", 0))
                acks.append([s.ack_ms for s in sent])
                previews.append(waits)
                if round_no == 0:  # clicks at rest, once every preview is in
                    targets = clickable(sent, taken)[: options.clicks]
                    taken |= {t.payload["channel_id"] for t in targets}
                    rest = [bench.click(t) for t in targets]
                last = sent
            cpu = [b - a for a, b in zip(cpu_before, cpu_now(app, sender), strict=True)]
            clicked = len(rest) + len(loaded)
            db = Path(workdir) / "recallbot.db"
            deadline = time.monotonic() + 120
            while len(links_after_success(db)) < clicked and time.monotonic() < deadline:
                time.sleep(0.5)  # Motive's processing of the clicked recalls, at 60x
            answers = links_after_success(db)
            media_end = media.states() if options.media else {}
            code = app.stop()
    print(f"{options.commands} signed /recall x{options.rounds} rounds, {options.concurrency} at a "
          f"time, recallbot run --http in its own process (exit {code} on SIGTERM)")  # fmt: skip
    print(f"{'':34}{'p50':>9}{'p99':>9}{'max':>9}   (per round)")
    for name, rounds, unit in (
        ("ack (ms)", acks, 1.0),
        ("preview at response_url (s)", previews, 1.0),
    ):
        p50 = [p(r, 0.5) * unit for r in rounds]
        p99 = [p(r, 0.99) * unit for r in rounds]
        worst = [max(r) * unit for r in rounds]
        detail = ", ".join(f"{a:.3g}/{b:.3g}" for a, b in zip(p50, p99, strict=True))
        print(f"{name:34}{statistics.median(p50):9.3g}{statistics.median(p99):9.3g}"
              f"{statistics.median(worst):9.3g}   ({detail})")  # fmt: skip
    rate = statistics.median(options.commands / d for d in drains)
    print(f"burst fully previewed in (s)      {statistics.median(drains):9.3g}   ({rate:.0f} /s)")
    clicks = (("Request -> anchor, at rest", rest), ("Request -> anchor, under burst", loaded))
    for name, times in ((name, times) for name, times in clicks if len(times) > 1):
        print(f"{name + ' (ms)':34}{p(times, 0.5):9.3g}{p(times, 0.99):9.3g}{max(times):9.3g}"
              f"   ({len(times)} clicks)")  # fmt: skip
    per = 1000 / (options.commands * options.rounds)
    print(f"CPU per command (ms): app {cpu[0] * per:.2f}, its processes {cpu[1] * per:.2f}, "
          f"sender {cpu[2] * per:.2f}, emulators + bench {cpu[3] * per:.2f} (all rounds, clicks "
          "too)")  # fmt: skip
    if len(answers) > 1:
        print(f"{'links answer after success (ms)':34}{p(answers, 0.5) * 1000:9.3g}"
              f"{p(answers, 0.99) * 1000:9.3g}{max(answers) * 1000:9.3g}   "
              f"({len(answers)} answers)")  # fmt: skip
    if options.media:
        print(f"media jobs under way at the end of each round: {under_way} "
              f"(of {options.media}; at the end: {media_end})")  # fmt: skip
    p99 = statistics.median(p(r, 0.99) for r in acks)
    print(f"target: p99 ack under 250 ms: {'met' if p99 < 250 else 'NOT met'} ({p99:.0f} ms)")


if __name__ == "__main__":
    main()
