"""The whole product on loopback: Motive sandbox, Slack emulator, and the real Bolt app over HTTP.

Motive's ten minutes run 600x faster, and so does the tracker (RECALLBOT_TIME_SCALE), so a
recall's life takes about a second of real time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml
from pydantic import SecretStr

from bot.config import Settings
from bot.plumbing.serving import Served, serve_in_background
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack import Posted, SlackSandbox, SlackSettings
from bot.sandbox.slack_view import button, submitted_values
from bot.slack.app import RecallbotApp

SPEED = 600.0
MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yml"


def manifest() -> dict[str, Any]:
    """manifest.yml, parsed."""
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text())
    return loaded


def manifest_scopes() -> frozenset[str]:
    """The bot scopes manifest.yml asks for: the emulated workspace grants exactly these."""
    return frozenset(manifest()["oauth_config"]["scopes"]["bot"])


def wait_for(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Poll until ``check()`` returns something truthy; return it."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


@dataclass
class Person:
    """Someone in the emulated workspace, talking to the app at ``url`` (in this process, or
    a real ``recallbot run`` process)."""

    slack: SlackSandbox
    url: str

    def command(
        self, text: str, user: str = "U0DEMO", channel: str = "C0SAFETY"
    ) -> tuple[httpx.Response, dict[str, str]]:
        payload = self.slack.command_payload(text, user, channel)
        return self.slack.post_form(self.url, payload), payload

    def preview(
        self, text: str, user: str = "U0DEMO", channel: str = "C0SAFETY"
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Type /recall and wait for the preview that replaces "Checking…"."""
        answer, payload = self.command(text, user, channel)
        assert answer.status_code == 200
        responses = wait_for(lambda: self.slack.responses_to(payload["response_url"]))
        return responses[-1], payload

    def press(
        self, message: dict[str, Any], action_id: str, payload: dict[str, str], **extra: Any
    ) -> dict[str, Any]:
        """Press a button of an ephemeral message; wait for the answer to its response_url."""
        found = button(message, action_id)
        assert found is not None, f"no {action_id} button"
        before = len(self.slack.responses_to(payload["response_url"]))
        action = self.slack.action_payload(
            action_id,
            found.get("value", ""),
            payload["response_url"],
            user=payload["user_id"],
            channel=payload["channel_id"],
            **extra,
        )
        assert self.slack.post_interaction(self.url, action).status_code == 200
        responses = wait_for(lambda: self.slack.responses_to(payload["response_url"])[before:])
        return dict(responses[-1])

    def mention(
        self, text: str, thread: Posted | None = None, channel: str = "C0SAFETY"
    ) -> dict[str, Any]:
        """dana mentions the bot (in ``thread`` when given); the event as Slack sends it."""
        said = self.slack.say(channel, "U0DEMO", f"<@U0RECALLBOT> {text}",
                              thread_ts=thread.ts if thread else None)  # fmt: skip
        event = {"type": "app_mention", "user": "U0DEMO", "channel": channel, "text": said.text,
                 "ts": said.ts, "team": "T0SANDBOX"}  # fmt: skip
        if thread is not None:
            event["thread_ts"] = thread.ts
        answer = self.slack.post_event(self.url, self.slack.event_payload(event))
        assert answer.status_code == 200
        return event

    def ephemeral(self, count: int = 1) -> dict[str, Any]:
        """The ``count``-th ephemeral message recallbot showed (waiting for it)."""
        return dict(wait_for(lambda: self.slack.ephemerals[count - 1 :])[0].args)

    def modal(self, opened: int = 1) -> str:
        """The id of the ``opened``-th modal the app opened (waiting for it)."""
        return str(wait_for(lambda: self.slack.opened_views()[opened - 1 :])[0])

    def submit(self, view_id: str, **changes: dict[str, Any]) -> httpx.Response:
        """Submit a modal as it stands, with some fields changed (by block id)."""
        view = self.slack.view(view_id)
        payload = self.slack.view_payload(view, submitted_values(view, **changes))
        return self.slack.post_interaction(self.url, payload)

    def answered(self, channel: str = "C0SAFETY") -> list[Posted]:
        """Wait for a thread reply in the channel; the replies (the answers: a message sharing
        the footage that follows one is not counted)."""
        return list(wait_for(
            lambda: [m for m in self.slack.posted(channel) if m.thread_ts and not m.files]
        ))  # fmt: skip


@dataclass
class SlackWorld(Person):
    motive: MotiveSandbox
    app: RecallbotApp
    served: Served
    settings: Settings


def settings_for(
    motive: MotiveSandbox, slack: SlackSandbox, db: Path, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": SecretStr(slack.settings.bot_token),
        "slack_signing_secret": SecretStr(slack.settings.signing_secret),
        "slack_api_url": slack.api_url,
        "slack_response_urls": f"{slack.url}/response/",
        "motive_base_url": motive.api_url,
        "motive_api_key": SecretStr("sandbox"),
        "db_path": str(db),
        "time_scale": SPEED,
        "slack_post_rate_per_s": 50.0,
    }
    return Settings(_env_file=None, **(values | overrides))


@contextmanager
def running_app(settings: Settings) -> Iterator[tuple[RecallbotApp, Served]]:
    app = RecallbotApp.build(settings)
    app.start()
    served = serve_in_background(app.wsgi(), threads=8)
    try:
        yield app, served
    finally:
        served.close()
        app.close()


@contextmanager
def slack_world(
    tmp_path: Path, motive_settings: SandboxSettings | None = None, **overrides: Any
) -> Iterator[SlackWorld]:
    workspace = SlackSettings(scopes=manifest_scopes())
    with MotiveSandbox(motive_settings, speed=SPEED) as motive, SlackSandbox(workspace) as slack:
        settings = settings_for(motive, slack, tmp_path / "recallbot.db", **overrides)
        with running_app(settings) as (app, served):
            url = f"{served.url}/slack/events"
            yield SlackWorld(slack, url, motive, app, served, settings)
