"""The chaos run and the soak of issues 9 and 20, at size.

    python bench/chaos.py                 # 60 Requests, 50+ SIGKILLs of `recallbot run`, faults
    python bench/chaos.py --soak          # 1,000 recalls over sped-up time with the same faults
    python bench/chaos.py --soak --requests 200 --events 40   # a shorter soak

Both drive the real `recallbot run --http` through our Slack emulator and Motive sandbox
(sandbox time 600x), inject store locks, Slack 5xx bursts, Motive 429 storms and slow clip
hosts while safety events arrive, each with a fault in turn (a trickling clip host, an
out-of-order and re-signed redelivery, a Slack refusal window); then kill the app mid-encode
and hold trickling HTTP connections beside /healthz; then wait for everything to settle and
count: Requests, kills, Motive creates, answers (and repeats in the documented window), the
footage in each thread once, status messages left in a transitional state, rows left
'submitting', each event's one message and clip, the automatic-request budget spent to the
minute, the store's size, the idle app's CPU and processes left running. Exit 1 when any
promise was broken (each one a PROBLEM line).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from tempfile import mkdtemp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.sandbox.chaos import Chaos, ChaosPlan  # noqa: E402
from tests import leaks  # noqa: E402 - the suite's reading of /proc, so both mean the same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soak", action="store_true", help="1,000 recalls, no kills")
    parser.add_argument("--requests", type=int, help="how many Requests (default 60; soak 1000)")
    parser.add_argument("--kills", type=int, help="how many SIGKILLs (default 50; soak 0)")
    parser.add_argument("--drivers", type=int, help="people pressing at once (default 1; soak 8)")
    parser.add_argument("--events", type=int,
                        help="safety events, one every --event-every s (default 24; soak "
                             "requests / 10)")  # fmt: skip
    parser.add_argument("--event-every", type=float, help="seconds (default 2; soak 3)")
    parser.add_argument("--budget", type=int, default=10, help="RECALLBOT_AUTO_BUDGET minutes")
    parser.add_argument("--encode-kills", type=int, default=1, help="kills mid-encode")
    parser.add_argument("--tricklers", type=int, default=150,
                        help="trickling HTTP connections from 127.0.0.1 (0: none)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    soak = args.soak
    requests = args.requests or (1000 if soak else 60)
    plan = ChaosPlan(
        requests=requests,
        kills=args.kills if args.kills is not None else (0 if soak else 50),
        drivers=args.drivers or (8 if soak else 1),
        seed=args.seed,
        events=args.events if args.events is not None else (requests // 10 if soak else 24),
        event_every_s=args.event_every or (3.0 if soak else 2.0),
        auto_budget=args.budget,
        encode_kills=args.encode_kills,
        tricklers=args.tricklers,
        # The sandbox's clock runs ahead of the real one, and footage is kept 7 sandbox days:
        # at 600x no real "yesterday" has footage after ~16 real minutes, so the long soak
        # runs at 120x (7 sandbox days = 84 real minutes; a recall takes ~6 s).
        speed=120.0 if soak else 600.0,
        settle_timeout_s=300.0,
    )
    print(f"{'soak' if soak else 'chaos'}: {plan}", flush=True)
    workdir = Path(mkdtemp(prefix="recallbot-chaos-"))
    report = Chaos(plan, workdir, lambda: leaks.orphans_of(ROOT)).run()
    print(report.summary())
    if report.problems:  # what the app logged is where a PROBLEM's cause is found
        print(f"the run's store and app log are kept: {workdir}")
    else:
        shutil.rmtree(workdir)
    start, end = [*report.rss_kib, 0, 0][:2]
    print(f"recallbot run RSS: {start / 1024:.0f} MiB at start, {end / 1024:.0f} MiB at the end "
          f"(of the process running then); /readyz at the end: "
          f"{'200' if report.healthy_at_end else 'NOT 200'}")  # fmt: skip
    for problem in report.problems[:20]:
        print(f"PROBLEM: {problem}")
    return 0 if not report.problems and report.healthy_at_end else 1


if __name__ == "__main__":
    raise SystemExit(main())
