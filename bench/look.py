"""Benchmark of Look now in Slack: from ``/recall look truck 42`` to the picture in the thread.

Run with ``.venv/bin/python bench/look.py [--runs 3]``. A real ``recallbot run --http``
process sits between the Motive sandbox at real speed (time scale 1) and the Slack emulator,
both in this process, so every step is measured on one clock (``time.monotonic``). Each run
types the command once and waits for the picture; the lines per run split the wall time:

- ``to Motive``: the command posted, the ack, the look checked and recorded, its status
  message posted, Motive's create answered (recallbot's own work);
- ``Motive``: the sandbox taking the picture (``capture_pending_s`` + ``capture_processing_s``,
  set here to 2 + 3 s; Motive's own time, not recallbot's);
- ``poll wait``: from the picture ready to the poll that saw it. Motive allows one poll of a
  capture per 10 s, so recallbot polls every 12 s: this is Motive's rule, not recallbot's
  work, and says how far the picture's readiness fell from the next allowed poll;
- ``to thread``: from that poll to the picture shared in the thread (the status edit, the
  JPEG fetched, Slack's three upload steps: recallbot's own work again).

``recallbot's part`` = ``to Motive`` + ``to thread`` (the target: under 1 s on two cores);
``total - Motive`` is printed too, which includes the poll wait. Medians of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.sandbox.app_process import AppProcess, free_port  # noqa: E402
from bot.sandbox.motive import MotiveSandbox  # noqa: E402
from bot.sandbox.motive_rules import SandboxSettings  # noqa: E402
from bot.sandbox.slack import SlackSandbox, SlackSettings  # noqa: E402
from bot.sandbox.slack_files import SharedFile  # noqa: E402

PENDING_S, PROCESSING_S = 2.0, 3.0


@dataclass(frozen=True)
class Run:
    """One look's timeline, in seconds."""

    to_motive: float
    motive: float
    poll_wait: float
    to_thread: float

    @property
    def total(self) -> float:
        """From the command to the picture in the thread."""
        return self.to_motive + self.motive + self.poll_wait + self.to_thread

    @property
    def ours(self) -> float:
        """recallbot's own part."""
        return self.to_motive + self.to_thread


def _wait(check: Callable[[], list[SharedFile]], timeout: float = 60.0) -> list[SharedFile]:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the picture")
        time.sleep(0.005)


def one(motive: MotiveSandbox, slack: SlackSandbox, url: str, count: int) -> Run:
    """Type the command once; the timeline of its look."""
    offset = motive.clock.now().timestamp() - time.monotonic()

    def mono(moment: datetime) -> float:
        return moment.timestamp() - offset

    payload = slack.command_payload("look truck 42", "U0DEMO", "C0SAFETY")
    start = time.monotonic()
    answer = slack.post_form(url, payload)
    if answer.status_code != 200:
        raise SystemExit(f"the app refused the command: {answer.status_code} {answer.text}")
    picture = _wait(lambda: [f for f in slack.shared_files("C0SAFETY") if f.shared_at][count:])[0]
    capture = max(motive.look.captures.values(), key=lambda c: c.id)
    if capture.last_poll is None or picture.shared_at is None:
        raise SystemExit("the picture was shared without a poll that saw it")
    return Run(
        to_motive=mono(capture.created_at) - start,
        motive=(capture.done_at - capture.created_at).total_seconds(),
        poll_wait=(capture.last_poll - capture.done_at).total_seconds(),
        to_thread=picture.shared_at - mono(capture.last_poll),
    )


def main() -> None:
    """Measure ``--runs`` looks and print each, then the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="looks measured (at least 3)")
    runs = max(3, parser.parse_args().runs)
    sandbox = SandboxSettings(capture_pending_s=PENDING_S, capture_processing_s=PROCESSING_S)
    workspace = SlackSettings()  # every scope the emulator knows
    scratch_dir = tempfile.TemporaryDirectory(prefix="recallbot-bench-look-")
    with scratch_dir as scratch, MotiveSandbox(sandbox, speed=1.0) as motive, \
            SlackSandbox(workspace) as slack:  # fmt: skip
        app = AppProcess(motive, slack, Path(scratch), free_port(), 1.0,
                         {"RECALLBOT_SLACK_POST_RATE": "50"})  # fmt: skip
        app.start()
        try:
            seen = [one(motive, slack, f"{app.url}/slack/events", i) for i in range(runs)]
        finally:
            app.stop()
    print(f"{'run':>3}  {'to Motive':>9}  {'Motive':>6}  {'poll wait':>9}  {'to thread':>9}  "
          f"{'total':>6}  {'total - Motive':>14}  recallbot's part")  # fmt: skip
    for i, run in enumerate(seen, 1):
        print(f"{i:>3}  {run.to_motive:>9.3f}  {run.motive:>6.2f}  {run.poll_wait:>9.3f}  "
              f"{run.to_thread:>9.3f}  {run.total:>6.2f}  {run.total - run.motive:>14.3f}  "
              f"{run.ours:.3f} s")  # fmt: skip
    median = statistics.median
    print(f"median: recallbot's part {median(r.ours for r in seen):.3f} s (to Motive "
          f"{median(r.to_motive for r in seen):.3f}, to thread "
          f"{median(r.to_thread for r in seen):.3f}); total - Motive "
          f"{median(r.total - r.motive for r in seen):.3f} s, of which waiting for Motive's "
          f"next allowed poll {median(r.poll_wait for r in seen):.3f} s")


if __name__ == "__main__":
    main()
