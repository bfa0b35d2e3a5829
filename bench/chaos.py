"""The chaos run and the soak of issue 9, at size.

    python bench/chaos.py                 # 60 Requests, 50+ SIGKILLs of `recallbot run`, faults
    python bench/chaos.py --soak          # 2,000 recalls over sped-up time with the same faults

Both drive the real `recallbot run --http` through our Slack emulator and Motive sandbox
(sandbox time 600x), inject store locks, Slack 5xx bursts and Motive 429 storms, then wait for
everything to settle and count: Requests, kills, Motive creates, answers (and repeats in the
documented window), status messages left in a transitional state, rows left 'submitting'.
Exit 1 when any promise was broken.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.sandbox.chaos import Chaos, ChaosPlan  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soak", action="store_true", help="2,000 recalls, no kills")
    parser.add_argument("--requests", type=int, help="how many Requests (default 60; soak 2000)")
    parser.add_argument("--kills", type=int, help="how many SIGKILLs (default 50; soak 0)")
    parser.add_argument("--drivers", type=int, help="people pressing at once (default 1; soak 8)")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    soak = args.soak
    plan = ChaosPlan(
        requests=args.requests or (2000 if soak else 60),
        kills=args.kills if args.kills is not None else (0 if soak else 50),
        drivers=args.drivers or (8 if soak else 1),
        seed=args.seed,
        # The sandbox's clock runs ahead of the real one, and footage is kept 7 sandbox days:
        # at 600x no real "yesterday" has footage after ~16 real minutes, so the long soak
        # runs at 120x (7 sandbox days = 84 real minutes; a recall takes ~6 s).
        speed=120.0 if soak else 600.0,
        settle_timeout_s=300.0,
    )
    print(f"{'soak' if soak else 'chaos'}: {plan}", flush=True)
    with TemporaryDirectory(prefix="recallbot-chaos-") as workdir:
        report = Chaos(plan, Path(workdir)).run()
    print(report.summary())
    start, end = [*report.rss_kib, 0, 0][:2]
    print(f"recallbot run RSS: {start / 1024:.0f} MiB at start, {end / 1024:.0f} MiB at the end "
          f"(of the process running then); /readyz at the end: "
          f"{'200' if report.healthy_at_end else 'NOT 200'}")  # fmt: skip
    for problem in report.problems[:20]:
        print(f"PROBLEM: {problem}")
    return 0 if not report.problems and report.healthy_at_end else 1


if __name__ == "__main__":
    raise SystemExit(main())
