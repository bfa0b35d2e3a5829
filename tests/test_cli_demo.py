"""The README's demo command: the whole product on loopback, as a real process, exit 0."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.processes import ROOT, without_pyav


def test_the_demo_runs_the_whole_conversation_and_exits_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "footage"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--speed", "600", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    said = done.stdout
    steps = [
        "types:  /recall truck 42 yesterday 3pm 2 min front and driver",
        "only visible to you:",
        ", 3:00 PM C",  # yesterday 3pm in Chicago (CST or CDT, whenever this runs)
        "[Request] [Edit] [Cancel]",
        "dana presses [Request]",
        "recallbot posts (",
        "asked by @dana",
        "recallbot replies in the thread:",
        "[Download Road-facing] http://127.0.0.1:",
        "[Download Driver-facing] http://127.0.0.1:",
        "Ready — links are in the thread",
        "Download Road-facing: HTTP 200, video/mp4",
        "recallbot shares 2 files in the thread:",
        f"saved: {out.resolve()}/",
        "Second act: an alert from Motive",
        "#safety-alerts · recallbot posts:",
        "Hard braking · vehicle 42",
        "dana presses [Road-facing, 2 min]",
        "in the alert's thread:",
        "#safety-alerts · recallbot shares",
        "stopped on SIGTERM (exit 0)",
        "2 Motive recalls · 2 videos downloaded",
        "the alert: 4 files in its thread",  # Motive's clip and the recalled footage, each a still
        "Next, from this shell, the CLI is ",
    ]
    positions = [said.find(step) for step in steps]
    assert -1 not in positions, [s for s, p in zip(steps, positions, strict=True) if p < 0]
    assert positions[:5] == sorted(positions[:5])
    stamps = [float(s) for s in re.findall(r"^ *(\d+\.\d\d)s  ", said, flags=re.M)]
    assert stamps == sorted(stamps), "the conversation is told in the order it happened"
    cli = said.split("the CLI is ", 1)[1].split()[0]
    assert (ROOT / cli).is_file() or shutil.which(cli), f"{cli} is what the user can run"
    saved = {p.name for p in out.iterdir()}
    assert {n.rsplit(".", 1)[1] for n in saved} == {"jpg", "mp4"}
    assert not any("driver_facing" in n for n in saved), "driver-facing stays a link"
    recalled = {n for n in saved if n.startswith("r") and n.endswith("front_facing.mp4")}
    assert len(recalled) == 2, "both acts show the recalled footage"
    assert any(n.startswith("event-") and n.endswith(".mp4") for n in saved), "Motive's own clip"


def test_the_demo_says_at_once_when_the_video_extra_does_not_import(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--out", str(tmp_path / "footage")], cwd=ROOT,
        env=without_pyav(tmp_path), capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("recallbot demo: the demo's footage needs the video extra: PyAV (")
    assert "pip install 'recallbot[video]'" in line
    assert not (tmp_path / "footage").exists()
