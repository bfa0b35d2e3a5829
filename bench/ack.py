"""Benchmark of the Slack endpoint: time to the ack under a burst, and Request click to anchor.

Run with ``make bench`` (or ``.venv/bin/python bench/ack.py``). ``recallbot run --http`` runs as
its own process against the Motive sandbox and the Slack emulator (both in this process, with
the load generator). Each round sends 500 signed ``/recall`` commands, 20 at a time, spread
over 40 channels (9 in 10 valid and all different, 1 in 10 a phrase error), and times each from
sending to the HTTP answer (Slack's 3 s limit applies to this ack). It then waits until every
command's preview has reached its ``response_url``.

Request clicks are timed from the click to the status ("anchor") message in the channel: 20 at
rest, one per channel, and 20 while the next round's burst is arriving.
Targets: p99 ack under 250 ms on 2 cores. Figures are medians over the rounds.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.ids import ActionId  # noqa: E402
from bot.sandbox.app_process import AppProcess, free_port  # noqa: E402
from bot.sandbox.motive import MotiveSandbox  # noqa: E402
from bot.sandbox.motive_rules import SandboxSettings  # noqa: E402
from bot.sandbox.slack import SlackSandbox, SlackSettings, signature_headers  # noqa: E402
from bot.sandbox.slack_view import button  # noqa: E402

CHANNELS = [f"C0BENCH{n:02d}" for n in range(40)]
VEHICLES = ["42", "1207", "0077", "0042"]  # all recording 05:00-23:00 or around the clock
BAD = ["truck 42 yesterday 3pm 7 min", "yesterday 3pm 2 min", "truck 42 next thursday"]


def workspace() -> SlackSettings:
    """The emulator's workspace with 40 channels the bot and the bench user are in."""
    settings = SlackSettings()
    members = [settings.bot_user_id, "U0DEMO"]
    channels = {c: {"name": c.lower(), "members": members} for c in CHANNELS}
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
    ``time.monotonic`` is the system's monotonic clock, comparable across processes."""
    local = threading.local()

    def one(payload: dict[str, str]) -> tuple[float, float, dict[str, Any]]:
        if not hasattr(local, "http"):
            local.http = httpx.Client(timeout=30)
        body = str(httpx.QueryParams(payload)).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        headers |= signature_headers(body, secret)
        start = time.monotonic()
        answer = local.http.post(url, content=body, headers=headers)
        ack_ms = (time.monotonic() - start) * 1000
        if answer.status_code != 200:
            raise SystemExit(f"/recall answered HTTP {answer.status_code}: {answer.text[:200]}")
        return start, ack_ms, answer.json() if answer.content else {}

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, payloads))


@dataclass
class Sent:
    """One /recall: what was typed, where, and how it was answered."""

    payload: dict[str, str]
    sent_at: float
    ack_ms: float
    acked: dict[str, Any] = field(default_factory=dict)


class Bench:
    """Drives the app through the Slack emulator and times it."""

    def __init__(self, slack: SlackSandbox, app_url: str, sender: ProcessPoolExecutor) -> None:
        self.slack = slack
        self.sender = sender
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
        pressed = time.monotonic()
        self.slack.post_interaction(self.url, action)
        deadline = pressed + 60
        while len(posted := self.slack.posted(channel)) == before:
            if time.monotonic() > deadline:
                raise SystemExit(f"no anchor message in {channel} a minute after Request")
            time.sleep(0.002)
        return (posted[-1].at - pressed) * 1000


def p(values: list[float], q: float) -> float:
    """The q-quantile (0.5, 0.99)."""
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


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
    options = parser.parse_args()

    limits = SandboxSettings(rate_limit_per_minute=1_000_000, quota_regular_minutes=100_000)
    with (
        TemporaryDirectory(prefix="recallbot-bench-") as workdir,
        MotiveSandbox(limits, speed=60) as motive,
        SlackSandbox(workspace()) as slack,
    ):
        port = free_port()
        motive.settings.webhook_url = f"http://127.0.0.1:{port}/motive/webhook"
        settings = {"MOTIVE_RATE_LIMIT": "1000"}  # the bench times recallbot, not Motive's limit
        with (
            AppProcess(motive, slack, Path(workdir), port, 60, settings) as app,
            ProcessPoolExecutor(1, multiprocessing.get_context("spawn")) as sender,
        ):
            bench = Bench(slack, app.url, sender)
            bench.previews(bench.burst(options.concurrency, options.concurrency))  # warm up
            acks, previews, drains, rest, loaded, taken = [], [], [], [], [], set[str]()
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
                acks.append([s.ack_ms for s in sent])
                previews.append(waits)
                if round_no == 0:  # clicks at rest, once every preview is in
                    targets = clickable(sent, taken)[: options.clicks]
                    taken |= {t.payload["channel_id"] for t in targets}
                    rest = [bench.click(t) for t in targets]
                last = sent
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
    p99 = statistics.median(p(r, 0.99) for r in acks)
    print(f"target: p99 ack under 250 ms: {'met' if p99 < 250 else 'NOT met'} ({p99:.0f} ms)")


if __name__ == "__main__":
    main()
