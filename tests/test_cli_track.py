"""`recallbot track` as a real process, with Motive's webhook served on its own port."""

import queue
import subprocess
import sys
import threading
from pathlib import Path

from bot.sandbox.motive import MotiveSandbox
from bot.store import Delivery
from tests.processes import ROOT, SPEED, Recallbot


def test_track_serves_the_webhook_and_delivers_what_it_says(tmp_path: Path) -> None:
    with MotiveSandbox(speed=float(SPEED)) as sandbox:
        bot = Recallbot(sandbox, tmp_path / "recallbot.db")
        bot.run("request", "--detach", "truck 42 yesterday 3pm")
        sandbox.clock.set_speed(0)  # Motive holds the recall until the webhook has a receiver
        env = bot.env | {"MOTIVE_WEBHOOK_SECRET": "shared-secret"}
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "track", "--webhook-port", "0", "--until-done"],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        threading.Thread(target=lambda: [lines.put(x) for x in process.stdout], daemon=True).start()  # type: ignore[union-attr]
        first = lines.get(timeout=60)
        assert first.startswith("webhooks: http://127.0.0.1:")
        sandbox.settings.webhook_secret = "shared-secret"
        sandbox.settings.webhook_url = first.split(" ", 1)[1].strip()
        sandbox.clock.set_speed(float(SPEED))
        assert process.wait(timeout=90) == 0, process.stderr.read() if process.stderr else ""
        delivered = [d for d in sandbox.webhooks.deliveries.values() if d.delivered]
        assert len(delivered) == 1
        recall = bot.recall()
        assert recall.delivery is Delivery.DELIVERED
        webhook_gets = [p for m, p, _ in sandbox.requests if m == "GET" and "/5000001" in p]
        assert len(webhook_gets) <= 1, "the webhook carried the answer"
