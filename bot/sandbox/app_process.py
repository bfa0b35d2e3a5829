"""``recallbot run --http`` as a real process, wired to the two sandboxes, for the demo.

The process gets only the settings it needs (nothing of the caller's ``SLACK_*``, ``MOTIVE_*``
or ``RECALLBOT_*`` environment, and a working directory without a ``.env``), so the demo never
reaches a real workspace whatever the shell holds. It ends with the process that started it
(``lineage``), even one killed by SIGKILL: a killed demo leaves no bot behind.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Self

import httpx

from bot.plumbing.lineage import PARENT_ENV
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.slack import SlackSandbox

_OURS = ("SLACK_", "MOTIVE_", "RECALLBOT_")


def free_port() -> int:
    """A port nothing listens on now (the OS picks it), for a server that must be named first."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class AppProcess:
    """The Slack app, its tracker and its webhook endpoint in a child process."""

    def __init__(
        self,
        motive: MotiveSandbox,
        slack: SlackSandbox,
        workdir: Path,
        port: int,
        speed: float,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        """``settings``: more environment settings (e.g. ``RECALLBOT_SLACK_POST_RATE``)."""
        self.port = port
        self.workdir = workdir
        self.log_path = workdir / "recallbot-run.log"
        base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
        self.env = (
            base
            | {
                "SLACK_BOT_TOKEN": slack.settings.bot_token,
                "SLACK_SIGNING_SECRET": slack.settings.signing_secret,
                "SLACK_API_URL": slack.api_url,
                "SLACK_RESPONSE_URL_PREFIX": f"{slack.url}/response/",
                "MOTIVE_BASE_URL": motive.api_url,
                "MOTIVE_API_KEY": motive.settings.api_key,
                "MOTIVE_WEBHOOK_SECRET": motive.settings.webhook_secret,
                "RECALLBOT_DB": str(workdir / "recallbot.db"),
                "RECALLBOT_TIME_SCALE": str(speed),
                "PYTHONUNBUFFERED": "1",
            }
            | dict(settings or {})
        )
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """Where it serves ``/slack/events``, ``/motive/webhook`` and ``/healthz``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0, env: Mapping[str, str] | None = None) -> Self:
        """Start it (``env``: settings for this start only) and wait until ``/healthz``
        answers. The kernel ends it with the thread calling this: call it from one that
        outlives it (the main thread)."""
        self._log = self.log_path.open("ab")
        command = [sys.executable, "-m", "bot.cli", "run", "--http", "--host", "127.0.0.1"]
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [*command, "--port", str(self.port)],
            env=self.env | dict(env or {}) | {PARENT_ENV: str(os.getpid())},
            cwd=self.workdir, stdout=self._log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not self._healthy():
            if self._process.poll() is not None:
                raise RuntimeError(f"recallbot run exited at start:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"recallbot run did not come up in {timeout:g} s")
            time.sleep(0.05)
        return self

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, as a process manager would; its exit code (-9 if it had to be killed)."""
        process = self._process
        if process is None:
            return 0
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
        self._process = None
        return int(process.returncode)

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM killer would: nothing is cleaned up."""
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        if self._log is not None:
            self._log.close()
        self._process = None

    @property
    def pid(self) -> int | None:
        """The running process's id."""
        return None if self._process is None else self._process.pid

    def log_tail(self, lines: int = 20) -> str:
        """The end of what the process printed."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
