"""`recallbot fetch`: a finished recall's footage on disk, as a process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av

from bot.sandbox.motive import MotiveSandbox
from tests.processes import ROOT, Recallbot


def test_fetch_writes_every_clip_a_still_each_and_all_angles(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    bot.run("request", "--detach", "truck 42 yesterday 3pm front and rear")
    bot.run("track", "--until-done")
    recall = bot.recall()
    shown = bot.run("fetch", recall.id, "--out", str(tmp_path / "out")).stdout.splitlines()
    names = {Path(line.strip()).name for line in shown if line.startswith("/")}
    clips = {f"{recall.id}-{p}.{k}" for p in ("front_facing", "rear") for k in ("mp4", "jpg")}
    assert names == clips | {f"{recall.id}-all-angles.mp4"}
    for name in names:
        assert (tmp_path / "out" / name).stat().st_size > 0
    with av.open(str(tmp_path / "out" / f"{recall.id}-all-angles.mp4")) as container:
        assert container.streams.video[0].codec_context.name == "h264"


def test_fetch_of_an_unknown_recall_says_so(fast_sandbox: MotiveSandbox, tmp_path: Path) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    bot.run("request", "--detach", "truck 42 yesterday 3pm front")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "fetch", "r000"], env=bot.env,
                          cwd=ROOT, capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 1
    assert "no recall r000" in done.stderr
