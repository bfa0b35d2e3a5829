"""Benchmark of the phrase parser: throughput and latency beside dateparser, and cold start.

Run with ``make bench`` (or ``.venv/bin/python bench/parse.py``). Prints medians and ratios;
single runs are too noisy on a shared 2-core machine to quote.

- ``parse_phrase`` over a few thousand realistic phrases (seeded, so every run sees the same),
  several rounds, per-call latency from ``perf_counter_ns``.
- The same phrases through ``dateparser.search_dates`` (English, past-preferring, a fixed naive
  relative base): the general-purpose way to find a time in a sentence, as the baseline.
- Cold start: ``recallbot parse`` as a fresh process, for a typical phrase and for one with a
  month-name date (the path that loads dateparser), each the median of several runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.phrase import parse_phrase  # noqa: E402

ZONE = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 24, 16, 30, tzinfo=ZONE)

TARGETS = ["truck 42", "unit 1207", "#42", "trailer 88", "TX-4471", "asset TRL-0093", "van 7",
           'asset "Yard Jockey 3"', "pull 1207", "vehicle 042"]  # fmt: skip
TIMES = [
    "yesterday 3pm", "today 9:15am", "2h ago", "20 min ago", "last friday 6:10 pm",
    "this morning at 6", "last night 9:30", "11/20 3pm", "nov 22 2:30pm", "22nd nov 1pm",
    "yesterday 3:00-3:02pm", "yesterday between 10:15 and 10:17am", "monday 1504",
    "3pm pacific", "yesterday 15:00 UTC", "sunday night 11", "day before yesterday noon",
    "around 3pm yesterday", "tomorrow 3pm", "yesterday", "half an hour ago", "at 3",
]  # fmt: skip
LENGTHS = ["", "2 min", "for 3", "a minute", "10 min", "timelapse 15 min", "120s", "3-minute"]
CAMERAS = ["", "front only", "driver cam", "front and rear", "everything except driver",
           "both", "omnicam", "no driver cam", "roof cam"]  # fmt: skip
NOISE = ["", "pls", "harsh brake on", "customer complaint - backed into dock door", "grab video"]


def phrases(count: int, seed: int = 7) -> list[str]:
    """Realistic phrases, built from the forms people type (some refused on purpose)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts = [rng.choice(NOISE), rng.choice(TARGETS), rng.choice(TIMES),
                 rng.choice(LENGTHS), rng.choice(CAMERAS)]  # fmt: skip
        rng.shuffle(parts[2:])
        out.append(" ".join(p for p in parts if p))
    return out


def _timed(call: Callable[[str], object], texts: list[str], rounds: int) -> list[list[float]]:
    """Per-call latencies in milliseconds, one list per pass over the phrases."""
    passes = []
    for _ in range(rounds):
        latencies = []
        for text in texts:
            start = time.perf_counter_ns()
            call(text)
            latencies.append((time.perf_counter_ns() - start) / 1e6)
        passes.append(latencies)
    return passes


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1]


def _cold_start(args: list[str], runs: int) -> float:
    script = Path(sys.executable).parent / "recallbot"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*command, *args], check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phrases", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline-rounds", type=int, default=1)
    parser.add_argument("--cold-runs", type=int, default=9)
    options = parser.parse_args()

    from dateparser.search import search_dates

    texts = phrases(options.phrases)
    base = NOW.replace(tzinfo=None)
    dp_settings = {"PREFER_DATES_FROM": "past", "RELATIVE_BASE": base}
    search_dates("warm up yesterday 3pm", languages=["en"], settings=dp_settings)

    ours = _timed(lambda t: parse_phrase(t, ZONE, NOW), texts, options.rounds)
    theirs = _timed(
        lambda t: search_dates(t, languages=["en"], settings=dp_settings),
        texts,
        options.baseline_rounds,
    )
    print(
        f"phrases: {len(texts)} distinct, parse_phrase x{options.rounds} rounds, "
        f"search_dates x{options.baseline_rounds}; figures are medians over the rounds"
    )
    print(f"{'':24}{'median ms':>11}{'(spread)':>18}{'p99 ms':>9}{'phrases/s':>12}")
    medians = {}
    for name, passes in (("parse_phrase", ours), ("dateparser.search_dates", theirs)):
        per_round = [statistics.median(p) for p in passes]
        p99 = statistics.median(_p(p, 0.99) for p in passes)
        rate = statistics.median(len(p) / (sum(p) / 1000) for p in passes)
        medians[name] = statistics.median(per_round)
        spread = f"{min(per_round):.3f}-{max(per_round):.3f}"
        print(f"{name:24}{medians[name]:11.3f}{spread:>18}{p99:9.3f}{rate:12,.0f}")
    ratio = medians["dateparser.search_dates"] / medians["parse_phrase"]
    print(f"speed-up over search_dates (median latency): {ratio:.1f}x")

    chicago = ["parse", "--tz", "America/Chicago"]
    typical = _cold_start([*chicago, "truck 42 yesterday 3pm 2 min front"], options.cold_runs)
    month = _cold_start([*chicago, "truck 42 nov 22 3pm"], options.cold_runs)
    default_zone = _cold_start(["parse", "truck 42 yesterday 3pm 2 min front"], options.cold_runs)
    print(f"cold start `recallbot parse` (median of {options.cold_runs}):")
    print(f"  typical phrase, --tz given        {typical * 1000:6.0f} ms")
    print(f"  typical phrase, zone from settings{default_zone * 1000:6.0f} ms")
    print(f"  month-name date (loads dateparser){month * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
