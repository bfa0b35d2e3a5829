"""Benchmark of the phrase parser: throughput and latency beside dateparser, and cold start.

Run with ``make bench`` (or ``.venv/bin/python bench/parse.py``). Prints medians and ratios;
single runs are too noisy on a shared 2-core machine to quote.

- ``parse_phrase`` over a few thousand realistic phrases (seeded, so every run sees the same),
  several rounds, per-call latency from ``perf_counter_ns``.
- The same phrases through ``dateparser.search_dates`` (English, past-preferring, a fixed naive
  relative base): the general-purpose way to find a time in a sentence, as the baseline. The
  two take turns, 100 phrases at a time, so that a load on the host meets both.
- Whole processes: the same phrases through one ``recallbot parse --jsonl`` process, against
  the same phrases through one Python process that imports ``dateparser.search.search_dates``
  and calls it on each line (writing each answer out, as ``--jsonl`` does); both timed from
  spawn to exit, so each includes its interpreter's start and imports. Several runs, each
  ``search_dates`` process between two of ours, so that a drift in the host's speed meets both
  (ours, ~0.35 s, meets a burst of load whole or not at all: it runs twice as often, and
  medians are compared); wall time, and CPU time (user + system) that a busy host disturbs
  less.
- Cold start: ``recallbot parse`` as a fresh process with its bytecode cached (one unmeasured
  run first, with ``PYTHONDONTWRITEBYTECODE`` unset), for a typical phrase with ``--tz``, with the
  zone from ``RECALLBOT_DEFAULT_TZ``, and with a month-name date; each the median of several
  runs, beside a bare ``python -c pass`` of the same interpreter.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
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


def _timed(
    calls: dict[str, tuple[Callable[[str], object], int]], texts: list[str], chunk: int = 100
) -> dict[str, list[list[float]]]:
    """Per-call latencies in milliseconds of each named call, one list per round over the
    phrases. The calls take turns a chunk of phrases at a time (every round of one, then every
    round of the next), so that both meet the same load on a shared host: run one after the
    other, a load that came and went between them moved the ratio by a quarter."""
    passes: dict[str, list[list[float]]] = {name: [[] for _ in range(rounds)]
                                            for name, (_, rounds) in calls.items()}  # fmt: skip
    for first in range(0, len(texts), chunk):
        part = texts[first : first + chunk]
        for name, (call, rounds) in calls.items():
            for latencies in passes[name][:rounds]:
                for text in part:
                    start = time.perf_counter_ns()
                    call(text)
                    latencies.append((time.perf_counter_ns() - start) / 1e6)
    return passes


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1]


_RECALLBOT = Path(sys.executable).parent / "recallbot"
_COMMAND = [str(_RECALLBOT)] if _RECALLBOT.exists() else [sys.executable, "-m", "bot.cli"]
# Bytecode written and read (the goal is for a cached start), and no setting from the caller.
_ENV = {k: v for k, v in os.environ.items()
        if k != "PYTHONDONTWRITEBYTECODE" and not k.startswith("RECALLBOT_")}  # fmt: skip

_SEARCH_DATES = """
import json, sys
from datetime import datetime
from dateparser.search import search_dates
settings = {"PREFER_DATES_FROM": "past", "RELATIVE_BASE": datetime.fromisoformat(sys.argv[1])}
for line in sys.stdin:
    found = search_dates(line, languages=["en"], settings=settings) or []
    print(json.dumps([[words, moment.isoformat()] for words, moment in found]))
"""


def _process(
    command: list[str], stdin: str = "", env: dict[str, str] | None = None
) -> tuple[float, float]:
    """One process from spawn to exit: (wall seconds, CPU seconds of user and system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, input=stdin, text=True, check=True, capture_output=True, cwd=ROOT,
                   env={**_ENV, **(env or {})})  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _cold_start(args: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    command = [*_COMMAND, *args] if args else [sys.executable, "-c", "pass"]
    _process(command, env=env)  # writes the bytecode this start then reads
    return statistics.median(_process(command, env=env)[0] for _ in range(runs))


def _whole_processes(texts: list[str], runs: int) -> None:
    """The phrases through ``recallbot parse --jsonl`` and through a ``search_dates`` process."""
    lines = "".join(text + "\n" for text in texts)
    ours = [*_COMMAND, "parse", "--jsonl", "--tz", "America/Chicago", "--now", NOW.isoformat()]
    theirs = [sys.executable, "-c", _SEARCH_DATES, NOW.replace(tzinfo=None).isoformat()]
    figures: dict[str, list[tuple[float, float]]] = {"ours": [], "theirs": []}
    for command in (ours, theirs):  # bytecode written first, as for the cold start
        _process(command, lines[:200])
    ours_each = 2  # a short process meets a burst of load whole: more runs of it, the median
    for _ in range(runs):  # each search_dates process between runs of ours
        figures["ours"] += [_process(ours, lines) for _ in range(ours_each)]
        figures["theirs"].append(_process(theirs, lines))
    figures["ours"] += [_process(ours, lines) for _ in range(ours_each)]
    print(f"whole processes, {len(texts)} phrases each (medians of {len(figures['ours'])} and "
          f"{runs}, alternated):")  # fmt: skip
    wall = {k: statistics.median(w for w, _ in v) for k, v in figures.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in figures.items()}
    for name, label in (("ours", "recallbot parse --jsonl"), ("theirs", "python, search_dates")):
        print(f"  {label:37}{wall[name]:7.2f} s wall {cpu[name]:7.2f} s CPU")
    print(f"  speed-up as a whole process: {wall['theirs'] / wall['ours']:.1f}x wall, "
          f"{cpu['theirs'] / cpu['ours']:.1f}x CPU")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phrases", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline-rounds", type=int, default=1)
    parser.add_argument("--cold-runs", type=int, default=9)
    parser.add_argument("--process-runs", type=int, default=3)
    options = parser.parse_args()

    from dateparser.search import search_dates

    texts = phrases(options.phrases)
    base = NOW.replace(tzinfo=None)
    dp_settings = {"PREFER_DATES_FROM": "past", "RELATIVE_BASE": base}
    search_dates("warm up yesterday 3pm", languages=["en"], settings=dp_settings)

    passes = _timed(
        {
            "parse_phrase": (lambda t: parse_phrase(t, ZONE, NOW), options.rounds),
            "dateparser.search_dates": (
                lambda t: search_dates(t, languages=["en"], settings=dp_settings),
                options.baseline_rounds,
            ),
        },
        texts,
    )
    print(
        f"phrases: {len(texts)} distinct, parse_phrase x{options.rounds} rounds, "
        f"search_dates x{options.baseline_rounds}; figures are medians over the rounds"
    )
    print(f"{'':24}{'median ms':>11}{'(spread)':>18}{'p99 ms':>9}{'phrases/s':>12}")
    medians = {}
    for name, rounds in passes.items():
        per_round = [statistics.median(p) for p in rounds]
        p99 = statistics.median(_p(p, 0.99) for p in rounds)
        rate = statistics.median(len(p) / (sum(p) / 1000) for p in rounds)
        medians[name] = statistics.median(per_round)
        spread = f"{min(per_round):.3f}-{max(per_round):.3f}"
        print(f"{name:24}{medians[name]:11.3f}{spread:>18}{p99:9.3f}{rate:12,.0f}")
    ratio = medians["dateparser.search_dates"] / medians["parse_phrase"]
    print(f"speed-up over search_dates (median latency): {ratio:.1f}x")

    _whole_processes(texts, options.process_runs)

    chicago = ["parse", "--tz", "America/Chicago"]
    runs = options.cold_runs
    bare = _cold_start([], runs)
    typical = _cold_start([*chicago, "truck 42 yesterday 3pm 2 min front"], runs)
    default_zone = _cold_start(["parse", "truck 42 yesterday 3pm 2 min front"], runs,
                               env={"RECALLBOT_DEFAULT_TZ": "America/Chicago"})  # fmt: skip
    month = _cold_start([*chicago, "truck 42 nov 22 3pm"], runs)
    print(f"cold start `recallbot parse`, bytecode cached (median of {runs}):")
    print(f"  bare `python -c pass`                  {bare * 1000:6.0f} ms")
    print(f"  typical phrase, --tz given             {typical * 1000:6.0f} ms")
    print(f"  typical phrase, RECALLBOT_DEFAULT_TZ   {default_zone * 1000:6.0f} ms")
    print(f"  month-name date (nov 22)               {month * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
