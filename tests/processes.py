"""Running recallbot commands as real processes against one sandbox and one store file."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from bot.sandbox.motive import MotiveSandbox
from bot.store import Store, TrackedRecall

ROOT = Path(__file__).resolve().parent.parent
SPEED = "600"


def without_pyav(folder: Path) -> dict[str, str]:
    """An environment in which ``import av`` fails, as where PyAV is absent or broken: a
    module of that name first on the path that raises ImportError."""
    shim = folder / "no-pyav"
    shim.mkdir()
    (shim / "av.py").write_text('raise ImportError("No module named \'av\' (hidden by a test)")\n')
    path = os.pathsep.join(p for p in (str(shim), os.environ.get("PYTHONPATH")) if p)
    return dict(os.environ) | {"PYTHONPATH": path}


class Recallbot:
    """Runs recallbot commands against one sandbox and one store file."""

    def __init__(self, sandbox: MotiveSandbox, db: Path) -> None:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("MOTIVE_", "RECALLBOT_"))}
        self.env = base | {
            "MOTIVE_BASE_URL": sandbox.api_url,
            "MOTIVE_API_KEY": "sandbox",
            "RECALLBOT_DB": str(db),
            "RECALLBOT_DEFAULT_TZ": "America/Chicago",
            "RECALLBOT_TIME_SCALE": SPEED,
            "RECALLBOT_SUBMIT_GRACE": "0",
            "RECALLBOT_DELIVERY_LEASE": "0",
        }
        self.db = db
        self.sandbox = sandbox
        self.outputs: list[str] = []

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args], env=self.env, cwd=ROOT,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        self.outputs.append(done.stdout)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    def killed_at(self, step: str, *args: str) -> None:
        """Start a command, wait until it pauses at ``step``, and SIGKILL it there."""
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args], env=self.env | {"RECALLBOT_PAUSE_AT": step},
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        lines: queue.Queue[str] = queue.Queue()
        assert process.stderr is not None
        threading.Thread(target=lambda: [lines.put(x) for x in process.stderr], daemon=True).start()  # type: ignore[union-attr]
        while True:
            line = lines.get(timeout=60)
            if f"paused at {step}" in line:
                break
        process.send_signal(signal.SIGKILL)
        stdout, _ = process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL
        self.outputs.append(stdout)

    def deliveries(self) -> int:
        return sum(output.count("(delivery ") for output in self.outputs)

    def recall(self) -> TrackedRecall:
        store = Store(self.db)
        try:
            (only,) = store.recalls.recent(10)
            return only
        finally:
            store.close()
