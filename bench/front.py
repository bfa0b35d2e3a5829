"""Benchmark of the HTTP front under a trickle (issue 20, item 7): how many slow connections it
holds before ``/healthz`` answers later.

    python bench/front.py                          # levels 0..2,000, 3 runs each
    python bench/front.py --levels 0,500,1000 --runs 1

``recallbot run --http`` runs as its own process (Slack emulator and Motive sandbox in this
one), with its default cap of 100 connections per address and a request deadline longer than
a level lasts, so every trickling connection stays until the level ends. For each level, that
many connections open from 127.0.0.2..127.0.0.50 (spread so no address passes its cap) and
send a header line every ``--every`` seconds without ever finishing their request; then a
health checker asks ``/healthz`` ``--probes`` times from 127.0.0.1, one new connection each.
Past 1,000 connections (the front's limit) each newcomer takes the place of the connection
receiving longest. Everything stays on loopback; every connection is closed before the next
level. Prints, per level, the medians over the runs of p50 and p99 latency and the failures,
and the first level whose p99 is more than 3x the p99 with no trickle.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.sandbox.app_process import AppProcess, free_port  # noqa: E402
from bot.sandbox.motive import MotiveSandbox  # noqa: E402
from bot.sandbox.slack import SlackSandbox  # noqa: E402
from bot.sandbox.trickle import Trickle  # noqa: E402

SOURCES = [f"127.0.0.{n}" for n in range(2, 51)]
MOST = 4000  # connections at once, whatever --levels asks: the load stays bounded


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def probe(url: str, count: int) -> tuple[list[float], int]:
    """``count`` health checks, each on its own connection: milliseconds, and failures."""
    times: list[float] = []
    failures = 0
    transport = httpx.HTTPTransport(local_address="127.0.0.1")
    for _ in range(count):
        started = time.perf_counter()
        try:
            with httpx.Client(transport=transport, timeout=5.0) as client:
                ok = client.get(f"{url}/healthz", headers={"Connection": "close"}).is_success
        except httpx.TransportError:
            ok = False
        times.append((time.perf_counter() - started) * 1000)
        failures += not ok
    return times, failures


Level = tuple[int, float, float, int]  # connections held, p50 and p99 in ms, failures


def level(app: AppProcess, count: int, every_s: float, probes: int) -> Level:
    """``/healthz`` beside ``count`` trickling connections (of which the front holds some)."""
    with Trickle(app.port, SOURCES, count, every_s).start() as trickle:
        time.sleep(1.0)  # the front has taken them in (or made room past its limit)
        times, failures = probe(app.url, probes)
        held = len(trickle.open())
    time.sleep(1.0)  # and has seen them close
    return held, quantile(times, 0.5), quantile(times, 0.99), failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="0,250,500,750,1000,1500,2000",
                        help="trickling connections at once, comma-separated")  # fmt: skip
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--probes", type=int, default=500)
    parser.add_argument("--every", type=float, default=8.0, help="seconds between lines")
    options = parser.parse_args()
    levels = [int(n) for n in options.levels.split(",")]
    if any(not 0 <= n <= MOST for n in levels):
        raise SystemExit(f"--levels: each between 0 and {MOST}")
    results: dict[int, list[Level]] = {n: [] for n in levels}
    with (
        TemporaryDirectory(prefix="recallbot-bench-") as workdir,
        MotiveSandbox() as motive,
        SlackSandbox() as slack,
    ):
        port = free_port()
        settings = {"RECALLBOT_HTTP_REQUEST_DEADLINE": "600"}  # a level never reaches it
        with AppProcess(motive, slack, Path(workdir), port, 1, settings) as app:
            for run in range(options.runs):
                for count in levels:
                    results[count].append(level(app, count, options.every, options.probes))
                    held, p50, p99, failed = results[count][-1]
                    print(f"run {run + 1}: {count:5d} trickling, {held:4d} held: /healthz "
                          f"p50 {p50:6.1f} ms, p99 {p99:7.1f} ms, {failed} failed",
                          flush=True)  # fmt: skip
    print(f"\nmedians of {options.runs} runs, {options.probes} probes each, a line every "
          f"{options.every:g} s from {len(SOURCES)} addresses")  # fmt: skip
    print("trickling | held | /healthz p50 | p99 | failed")
    medians: dict[int, float] = {}
    for count in levels:
        kept, mid50, mid99, failures = (statistics.median(float(r[i]) for r in results[count])
                                        for i in range(4))  # fmt: skip
        medians[count] = mid99
        print(f"{count:9d} | {kept:4g} | {mid50:9.1f} ms | {mid99:7.1f} ms | {failures:g}")
    ordered = sorted(levels)
    calm = medians[ordered[0]]
    degraded = [n for n in ordered if medians[n] > 3 * calm]
    print(f"\np99 with no trickle {calm:.1f} ms; first level past 3x that: "
          f"{degraded[0] if degraded else 'none'}")  # fmt: skip


if __name__ == "__main__":
    main()
