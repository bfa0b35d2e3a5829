"""Benchmark of safety events arriving in a burst, as after an outage (issue 14).

    python bench/alerts.py                 # 1,000 events, Slack's pace of 1 message a second
    python bench/alerts.py --events 200 --post-rate 5

``recallbot run --http`` runs as its own process between the Motive sandbox and the Slack
emulator (both in this process), with ``RECALLBOT_ALERTS_CHANNEL`` set. The sandbox raises
``--events`` events at once and delivers each, signed, to the app's webhook; the bench times
the webhook's answers (Motive waits ~3 s), then how long until every event has its message in
the channel, checks that each was posted exactly once and that no second of the run saw more
messages in the channel than ``RECALLBOT_SLACK_POST_RATE`` allows (plus its burst of 2). While
the messages go out, a person types ``/recall`` every half second: their acks are timed and
compared with acks timed before the burst. Prints medians and tails.
"""

from __future__ import annotations

import argparse
import collections
import re
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.plumbing.timefmt import iso_utc  # noqa: E402
from bot.sandbox.app_process import AppProcess, free_port  # noqa: E402
from bot.sandbox.motive import MotiveSandbox  # noqa: E402
from bot.sandbox.motive_rules import SandboxSettings  # noqa: E402
from bot.sandbox.slack import SlackSandbox, signature_headers  # noqa: E402

ALERTS = "C0ALERTS"
EVENT = re.compile(r"Motive event (\d+)")
VEHICLES = ("42", "1207", "0077", "0042", "TX-4471", "Truck 300")


def p(values: list[float], q: float) -> float:
    """The q-quantile (0.5, 0.99)."""
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def acks(slack: SlackSandbox, url: str, stop: threading.Event, every_s: float) -> list[float]:
    """Type /recall every ``every_s`` seconds until ``stop``; each ack's milliseconds."""
    times: list[float] = []
    n = 0
    with httpx.Client(timeout=30) as http:
        while not stop.is_set():
            phrase = f"truck 42 yesterday {6 + n % 12}:{n % 60:02d} 1 min front only"
            body = str(httpx.QueryParams(slack.command_payload(phrase))).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            headers |= signature_headers(body, slack.settings.signing_secret)
            sent = time.monotonic()
            answer = http.post(url, content=body, headers=headers)
            times.append((time.monotonic() - sent) * 1000)
            if answer.status_code != 200:
                raise SystemExit(f"/recall answered HTTP {answer.status_code}")
            n += 1
            stop.wait(every_s)
    return times


def busiest_second(stamps: list[float]) -> int:
    """The most messages posted within any one second."""
    stamps = sorted(stamps)
    most, first = 0, 0
    for last, at in enumerate(stamps):
        while at - stamps[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--post-rate", type=float, default=1.0,
                        help="RECALLBOT_SLACK_POST_RATE (Slack's guidance: 1/s)")  # fmt: skip
    options = parser.parse_args()
    sandbox = SandboxSettings(event_media_after_s=-1, rate_limit_per_minute=1_000_000)
    with (
        TemporaryDirectory(prefix="recallbot-bench-") as workdir,
        MotiveSandbox(sandbox, speed=60) as motive,
        SlackSandbox() as slack,
    ):
        port = free_port()
        motive.settings.webhook_url = f"http://127.0.0.1:{port}/motive/webhook"
        settings = {"RECALLBOT_ALERTS_CHANNEL": ALERTS, "MOTIVE_RATE_LIMIT": "1000",
                    "RECALLBOT_SLACK_POST_RATE": f"{options.post_rate:g}",
                    "RECALLBOT_UPLOAD": "off", "RECALLBOT_ALERT_NET_EVERY": "3600"}  # fmt: skip
        with AppProcess(motive, slack, Path(workdir), port, 60, settings) as app:
            url = f"{app.url}/slack/events"
            calm_stop = threading.Event()
            timer = threading.Timer(15.0, calm_stop.set)
            timer.start()
            calm = acks(slack, url, calm_stop, 0.5)

            now = motive.clock.now().replace(microsecond=0)
            began = time.monotonic()
            for n in range(options.events):
                start = now - timedelta(hours=3) + timedelta(seconds=10 * n)
                motive.events.raise_event({
                    "vehicle_number": VEHICLES[n % len(VEHICLES)], "type": "hard_brake",
                    "start_time": iso_utc(start), "end_time": iso_utc(start + timedelta(seconds=3)),
                    "start_speed": 80.0, "end_speed": 40.0, "location": "Joliet, IL",
                })  # fmt: skip
            busy_stop = threading.Event()
            busy: list[float] = []
            typist = threading.Thread(target=lambda: busy.extend(acks(slack, url, busy_stop, 0.5)))
            typist.start()
            while not all(d.done for d in motive.events.deliveries):
                time.sleep(0.05)
            delivered = time.monotonic() - began

            def posted() -> list[float]:
                return [m.at for m in slack.posted(ALERTS) if m.thread_ts is None]

            deadline = began + options.events / options.post_rate * 3 + 120
            while len(posted()) < options.events:
                if time.monotonic() > deadline:
                    raise SystemExit(f"only {len(posted())} of {options.events} alerts posted")
                time.sleep(0.2)
            all_posted = time.monotonic() - began
            busy_stop.set()
            typist.join()
            time.sleep(2)  # anything posted twice would show now
            code = app.stop()
    tops = [m for m in slack.posted(ALERTS) if m.thread_ts is None]
    markers = collections.Counter(m[1] for t in tops if (m := EVENT.search(str(t.blocks))))
    twice = sum(1 for count in markers.values() if count > 1)
    answered = sum(1 for d in motive.events.deliveries if 200 <= d.status < 300)
    print(f"{options.events} safety events in a burst; recallbot run --http in its own process "
          f"(exit {code} on SIGTERM); RECALLBOT_SLACK_POST_RATE={options.post_rate:g}")  # fmt: skip
    print(f"  webhooks delivered in {delivered:.1f} s ({options.events / delivered:.0f} a "
          f"second): {answered} of {len(motive.events.deliveries)} answered 2xx")  # fmt: skip
    rate = options.events / all_posted
    print(f"  every alert posted in {all_posted:.0f} s ({rate:.2f} a second); {len(tops)} "
          f"messages for {len(markers)} events, {twice} posted twice")  # fmt: skip
    print(f"  busiest second in the channel: {busiest_second([m.at for m in tops])} messages "
          f"(allowed: {options.post_rate:g}/s plus a burst of 2)")  # fmt: skip
    for name, times in (("/recall acks before the burst", calm), ("/recall acks during it", busy)):
        print(f"  {name:30} p50 {p(times, 0.5):6.1f} ms  p99 {p(times, 0.99):6.1f} ms  "
              f"max {max(times):6.1f} ms  ({len(times)} commands)")  # fmt: skip


if __name__ == "__main__":
    main()
