"""Issue 20: nothing recallbot starts outlives it, even when recallbot is killed with SIGKILL.

The media worker processes (and multiprocessing's resource tracker with them) end the moment
the real ``recallbot run`` is killed mid-encode, and a restart completes the footage once. A
child ends with its parent by the kernel's word (Linux) and by its own watch (anywhere), and
a worker is tied to a thread that lives as long as the pool, not to the thread that asked first.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.ids import ActionId
from bot.media.processes import MediaProcesses
from bot.plumbing.lineage import PARENT_ENV
from bot.slack.footage import SCRATCH_PREFIX
from tests import leaks
from tests.app_world import app_world
from tests.processes import ROOT
from tests.slack_world import wait_for

PHRASE = "truck 42 yesterday 3pm 1 min front and rear"
GUARDS = {
    "kernel and watch": "from bot.plumbing.lineage import die_with_named_parent\n"
                        "die_with_named_parent()",
    "watch alone": "import threading\nfrom bot.plumbing.lineage import watch\n"
                   f"parent = int(os.environ['{PARENT_ENV}'])\n"
                   "threading.Thread(target=watch, args=(parent, signal.SIGTERM)).start()",
}  # fmt: skip


def _gone(processes: dict[int, str]) -> bool:
    """Whether none of ``processes`` (pid: command line) runs any more."""
    return all(leaks.command_line(pid) != line for pid, line in processes.items())


@pytest.mark.parametrize("guard", GUARDS)
def test_a_child_ends_when_its_parent_is_killed(guard: str) -> None:
    child = f"import os, signal, time\n{GUARDS[guard]}\nprint('ready', flush=True)\ntime.sleep(600)"
    parent = (
        "import os, subprocess, sys, time\n"
        f"child = subprocess.Popen([sys.executable, '-c', {child!r}],\n"
        f"                         env=os.environ | {{'{PARENT_ENV}': str(os.getpid())}})\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(600)"
    )
    started = subprocess.Popen([sys.executable, "-c", parent], cwd=ROOT, stdout=subprocess.PIPE,
                               text=True)  # fmt: skip
    assert started.stdout is not None
    pid = int(started.stdout.readline())
    assert started.stdout.readline().strip() == "ready"
    child_line = leaks.command_line(pid)
    started.kill()
    started.wait()
    started.stdout.close()
    wait_for(lambda: _gone({pid: child_line}), 10)


def test_a_worker_outlives_the_thread_that_first_asked_for_it() -> None:
    with MediaProcesses(1) as workers:
        first: list[int] = []
        asking = threading.Thread(target=lambda: first.append(workers._call(os.getpid)))
        asking.start()
        asking.join()
        assert workers._call(os.getpid) == first[0], "the same worker, still there"
        assert workers._call(os.getpid) == first[0]


def test_killed_mid_encode_no_process_remains_and_a_restart_completes_the_footage(
    tmp_path: Path,
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {"RECALLBOT_MEDIA_LEASE": "2", "TMPDIR": str(scratch)}
    with app_world(tmp_path, env) as world:
        world.restart(env={"RECALLBOT_PAUSE_AT": "mid_encode"})
        preview, payload = world.preview(PHRASE)
        world.press(preview, ActionId.SUBMIT, payload)
        world.paused_at("mid_encode", timeout=60)
        # All angles encodes while the stills and clips upload: kill once those are recorded,
        # or the kill lands in the documented window and they go up once more (a repeat).
        wait_for(lambda: any(r.media_files for r in world.recalls()), 30)
        assert world.app.pid is not None
        run = {pid: leaks.command_line(pid) for pid in leaks.descendants(world.app.pid)}
        lines = list(run.values())
        assert any("spawn_main" in line for line in lines), f"a media worker: {lines}"
        assert any("resource_tracker" in line for line in lines), f"the tracker: {lines}"
        assert list(scratch.glob(f"{SCRATCH_PREFIX}*")), "mid-encode, the folder is there"

        world.app.kill()
        wait_for(lambda: _gone(run), 10)

        world.app.start()
        recall = wait_for(lambda: next((r for r in world.recalls() if r.media == "done"), None),
                          90)  # fmt: skip
        assert recall.origin is not None
        shared = world.slack.shared_files("C0SAFETY", recall.origin.thread_ts)
        clips = sorted(f.name.removeprefix(f"{recall.id}-") for f in shared
                       if f.name.endswith(".mp4"))  # fmt: skip
        assert clips == ["all-angles.mp4", "front_facing.mp4", "rear.mp4"], "each one, once"
        assert not list(scratch.glob(f"{SCRATCH_PREFIX}*")), "the killed run's folder is removed"
