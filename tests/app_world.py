"""The real ``recallbot run --http`` process between our Motive sandbox and our Slack emulator.

Crash tests SIGKILL it (anywhere, or paused at a named step) and start it again on the same
store, port and sandboxes, as a process manager would.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.sandbox.app_process import AppProcess, free_port
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack import Posted, SlackSandbox, SlackSettings
from bot.store import RecallState, Store, TrackedRecall
from tests.slack_world import SPEED, Person, manifest_scopes, wait_for

FINAL = {str(state) for state in RecallState if state.finished}


def final(status: Posted) -> bool:
    """Whether a status message shows a finished recall ("…: success"), not "requesting"."""
    return status.text.rsplit(": ", 1)[-1] in FINAL


@dataclass
class AppWorld(Person):
    motive: MotiveSandbox
    app: AppProcess
    db: Path

    def restart(self, env: Mapping[str, str] | None = None) -> None:
        """SIGKILL the app and start it again at once (``env``: for this start only)."""
        self.app.kill()
        self.app.start(env=env)

    def paused_at(self, step: str, timeout: float = 20.0) -> None:
        """Wait until the app says it paused at ``step`` (RECALLBOT_PAUSE_AT)."""
        wait_for(lambda: f"paused at {step}" in self.app.log_path.read_text(errors="replace"),
                 timeout)  # fmt: skip

    def recalls(self) -> list[TrackedRecall]:
        store = Store(self.db, read_only=True)
        try:
            return store.recalls.recent(1000)
        finally:
            store.close()

    def status_messages(self, channel: str = "C0SAFETY") -> list[Posted]:
        return [m for m in self.slack.posted(channel) if m.thread_ts is None]

    def replies(self, status: Posted, channel: str = "C0SAFETY") -> list[Posted]:
        return [
            m for m in self.slack.thread(channel, status.ts) if m.ts != status.ts and not m.files
        ]

    def settled(self, timeout: float = 60.0) -> list[TrackedRecall]:
        """Wait until every recall is answered and its status message final; the recalls."""

        def done() -> list[TrackedRecall] | None:
            recalls = self.recalls()
            if any(r.delivery != "delivered" for r in recalls):
                return None
            if not all(final(m) for m in self.status_messages()):
                return None
            return recalls or None

        return list(wait_for(done, timeout))


@contextmanager
def app_world(
    tmp_path: Path, env: Mapping[str, str] | None = None, speed: float = SPEED
) -> Iterator[AppWorld]:
    """The sandboxes in this process; ``recallbot run --http`` in its own."""
    port = free_port()
    motive_settings = SandboxSettings(webhook_url=f"http://127.0.0.1:{port}/motive/webhook")
    workspace = SlackSettings(scopes=manifest_scopes())
    with MotiveSandbox(motive_settings, speed=speed) as motive, SlackSandbox(workspace) as slack:
        settings = {"RECALLBOT_SLACK_POST_RATE": "50", "RECALLBOT_DEFAULT_TZ": "America/Chicago"}
        app = AppProcess(motive, slack, tmp_path, port, speed, settings | dict(env or {}))
        app.start()
        world = AppWorld(slack, f"{app.url}/slack/events", motive, app, tmp_path / "recallbot.db")
        try:
            yield world
        finally:
            app.stop()
