"""Benchmark of the footage in the thread (issues 13 and 22).

    python bench/media.py            # 3 cameras x 2 min at 1280x720, 15 fps, flat then busy
                                     # frames; then a 1 GB clip
    python bench/media.py --kinds busy --rounds 5 --big-mb 0

The Motive sandbox and the Slack emulator run in this process; recallbot's side (download,
check, stills, all angles, streamed upload: ``FootageDesk.post``) runs in a child process, so
its CPU seconds and peak RSS are its own (with its media worker processes': CPU added, their
peak RSS printed beside). Peak RSS is each process's VmHWM (``/proc/<pid>/status``, the workers'
read just before they end), not ``ru_maxrss``: Linux carries a process's high-water mark over
``fork`` and ``exec``, so a child's ``ru_maxrss`` starts at its parent's RSS (this bench's,
some 200 MB once the sandbox has rendered busy clips; the app's, for its workers) and would
report that instead of its own. The sandbox renders every clip once before the clock
starts (rendering is the sandbox's cost, not recallbot's). Prints medians of ``--rounds``:
the first footage in the thread (the first files Slack shared), All angles within the path
(its encode's wall time) and alone (wall and CPU), and the whole path (wall and CPU, peak RSS).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.recall import CameraPosition, RecallRequest  # noqa: E402
from bot.sandbox.motive import MotiveSandbox  # noqa: E402
from bot.sandbox.motive_rules import SandboxSettings  # noqa: E402
from bot.sandbox.slack import SlackSandbox  # noqa: E402
from tests.conftest import client_for  # noqa: E402

# The child: recallbot's side alone, measured from inside.
CHILD = r"""
import json, resource, sys, tempfile, time
from datetime import datetime, UTC
from pathlib import Path
import httpx
from slack_sdk import WebClient
import bot.slack.footage as footage
from bot.config import Settings
from bot.media.clip import all_angles
from bot.media.download import Downloader
from bot.slack.footage import FootageDesk
from bot.store import Store, TrackedRecall

job = json.loads(sys.argv[1])
def hwm_mb(pid="self"):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
def children():
    return [int(pid) for task in Path("/proc/self/task").iterdir()
            for pid in (task / "children").read_text().split()]
before = hwm_mb()
started, cpu0 = time.perf_counter(), time.process_time()
result = {"shared_s": []}
def timed(fn, key):
    def call(*args, **kwargs):
        begun = time.perf_counter()
        done = fn(*args, **kwargs)
        if key == "shared_s":
            result[key].append(time.perf_counter() - started)
        else:
            result[key] = time.perf_counter() - begun
        return done
    return call
footage.share = timed(footage.share, "shared_s")
if job["kind"] == "post":
    recall = TrackedRecall.model_validate(job["recall"])
    settings = Settings(_env_file=None, upload="clips", upload_driver_facing=True,
                        upload_max_mb=1000, default_tz="America/Chicago")
    slack = WebClient(token="xoxb-sandbox", base_url=job["slack"])
    class Open:
        def is_public(self, channel): return False
        def group_members(self, group): return frozenset()
    store = Store(f"{tempfile.mkdtemp()}/bench.db")  # the recall is not in it: records nothing
    desk = FootageDesk(settings, store, slack, None, None, Open())
    desk.processes.all_angles = timed(desk.processes.all_angles, "grid_s")
    outcome = desk.post(recall, "bench")
    result["worker_rss_peak_mb"] = max(hwm_mb(pid) for pid in children())
    desk.processes.close()  # its worker processes end, so their CPU and memory are counted
    result["files"] = len(outcome.files) // 2
    result["first_s"] = result["shared_s"][0]
elif job["kind"] == "grid":
    grid = all_angles([Path(p) for p in job["clips"]], Path(job["out"]))
    result["grid_mb"] = grid.stat().st_size / 2**20
else:
    with httpx.Client(timeout=120) as http:
        result["bytes"] = Downloader(http, 4 << 30).fetch(job["url"], Path(job["out"]))
done = resource.getrusage(resource.RUSAGE_CHILDREN)
result |= {"seconds": time.perf_counter() - started,
           "cpu": time.process_time() - cpu0 + done.ru_utime + done.ru_stime,
           "rss_start_mb": before, "rss_peak_mb": hwm_mb()}
print(json.dumps(result))
"""


def _child(job: dict[str, object]) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(job)], cwd=ROOT,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _recall(sandbox: MotiveSandbox, minutes: int, positions: tuple[CameraPosition, ...]) -> dict:
    start = (datetime.now(UTC) - timedelta(days=1)).replace(hour=20, minute=0, second=0,
                                                             microsecond=0)  # fmt: skip
    client = client_for(sandbox)
    request = RecallRequest(
        vehicle_number="42", start_time=start, duration=minutes, camera_positions=positions
    )
    created = client.create_recall(request)
    sandbox.clock.advance(3600)
    details = client.get_recall(created.id)
    client.close()
    for camera in details.cameras:  # the sandbox renders each clip now, before any timing
        with httpx.stream("GET", camera.download_url or "", timeout=600) as answer:
            for _ in answer.iter_bytes(1 << 20):
                pass
    return {
        "id": "rbench", "motive_id": details.id, "fingerprint": "x", "requested_by": "U0DEMO",
        "state": "success", "created_at": start.isoformat(), "updated_at": start.isoformat(),
        "deadline_at": (start + timedelta(days=1)).isoformat(), "delivery": "delivered",
        "request": {"vehicle_number": "42", "start_time": start.isoformat(), "duration": minutes,
                    "recall_type": "regular"},
        "cameras": [c.model_dump(mode="json") for c in details.cameras],
        "origin": {"surface": "slack", "channel_id": "C0SAFETY", "thread_ts": None},
    }  # fmt: skip


def _figures(runs: list[dict[str, float]], key: str, cpu: bool = False) -> str:
    wall = f"{statistics.median(r[key] for r in runs):5.1f} s wall"
    return wall + (f" {statistics.median(r['cpu'] for r in runs):5.1f} s CPU" if cpu else "")


def _footage(kind: str, rounds: int) -> None:
    """The footage of one 3-camera recall, ``rounds`` times, and its All angles alone."""
    three = (CameraPosition.FRONT_FACING, CameraPosition.DRIVER_FACING, CameraPosition.REAR)
    settings = SandboxSettings(media_width=1280, media_height=720, media_fps=15,
                               media_busy=kind == "busy")  # fmt: skip
    with MotiveSandbox(settings) as motive, SlackSandbox() as slack:
        recall = _recall(motive, 2, three)
        posts = [_child({"kind": "post", "recall": recall, "slack": slack.api_url})
                 for _ in range(rounds)]  # fmt: skip
        clips = sorted(motive.footage.folder.glob("*.mp4"))[:3]
        with tempfile.TemporaryDirectory() as scratch:
            job = {"kind": "grid", "clips": [str(c) for c in clips], "out": f"{scratch}/grid.mp4"}
            grids = [_child(job) for _ in range(rounds)]
    size = statistics.median(r["grid_mb"] for r in grids)
    print(f"3 cameras x 2 min at 1280x720, 15 fps, {kind} frames (medians of {rounds}):")
    print(f"  first footage in the thread      {_figures(posts, 'first_s')}")
    print(f"  All angles within the path       {_figures(posts, 'grid_s')}")
    print(f"  All angles alone                 {_figures(grids, 'seconds', cpu=True)}"
          f"  ({size:.1f} MB)")  # fmt: skip
    print(f"  the whole path to Slack          {_figures(posts, 'seconds', cpu=True)}  peak RSS "
          f"{statistics.median(r['rss_peak_mb'] for r in posts):.0f} MB, workers "
          f"{statistics.median(r['worker_rss_peak_mb'] for r in posts):.0f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", nargs="+", choices=("flat", "busy"), default=["flat", "busy"])
    parser.add_argument("--big-mb", type=int, default=1024, help="0: no big download")
    options = parser.parse_args()
    for kind in options.kinds:
        _footage(kind, options.rounds)
    if not options.big_mb:
        return
    big = SandboxSettings(media_pad_mb=options.big_mb)
    with MotiveSandbox(big) as motive:
        one = _recall(motive, 1, (CameraPosition.FRONT_FACING,))
        with tempfile.TemporaryDirectory() as scratch:
            run = _child({"kind": "download", "url": one["cameras"][0]["download_url"],
                          "out": f"{scratch}/big.mp4"})  # fmt: skip
    growth = run["rss_peak_mb"] - run["rss_start_mb"]
    print(
        f"a {run['bytes'] / 2**30:.2f} GB clip streamed to disk: {run['seconds']:.1f} s, "
        f"RSS {run['rss_start_mb']:.0f} MB at start, peak {run['rss_peak_mb']:.0f} MB "
        f"(grew {growth:.0f} MB; target < 100 MB)"
    )


if __name__ == "__main__":
    main()
