"""The README's demo command: the whole product on loopback, as a real process, exit 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.processes import ROOT


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
        "2 Motive recall · 2 videos downloaded",
    ]
    positions = [said.find(step) for step in steps]
    assert -1 not in positions, [s for s, p in zip(steps, positions, strict=True) if p < 0]
    assert positions[:5] == sorted(positions[:5])
    saved = {p.name for p in out.iterdir()}
    assert {n.rsplit(".", 1)[1] for n in saved} == {"jpg", "mp4"}
    assert not any("driver_facing" in n for n in saved), "driver-facing stays a link"
    assert any(n.startswith("r") and n.endswith("front_facing.mp4") for n in saved)
