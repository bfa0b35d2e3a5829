"""A Slack world with alerts on: the app's webhook endpoint registered with the Motive sandbox
(signed with the shared secret), and ``RECALLBOT_ALERTS_CHANNEL`` set to #safety-alerts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from bot.ids import ActionId
from bot.plumbing.timefmt import iso_utc
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack import Posted, SlackSandbox, SlackSettings
from bot.sandbox.slack_view import button
from tests.slack_world import SlackWorld, manifest_scopes, running_app, settings_for, wait_for

ALERTS = "C0ALERTS"


@contextmanager
def alert_world(
    tmp_path: Path, motive_settings: SandboxSettings | None = None, **overrides: Any
) -> Iterator[SlackWorld]:
    """Sandboxes in this process, the app served, webhooks flowing both ways."""
    workspace = SlackSettings(scopes=manifest_scopes())
    sandbox = motive_settings or SandboxSettings()
    with MotiveSandbox(sandbox, speed=60) as motive, SlackSandbox(workspace) as slack:
        values = {
            "alerts_channel": ALERTS,
            "alert_net_every_s": 3600.0,
            "motive_webhook_secret": SecretStr(sandbox.webhook_secret),
        } | overrides
        settings = settings_for(motive, slack, tmp_path / "recallbot.db", **values)
        with running_app(settings) as (app, served):
            motive.settings.webhook_url = f"{served.url}/motive/webhook"
            yield SlackWorld(slack, f"{served.url}/slack/events", motive, app, served, settings)


def raise_event(world: SlackWorld, minutes_ago: float = 30, **fields: Any) -> dict[str, Any]:
    """An event ``minutes_ago`` sandbox minutes ago, raised through the sandbox's admin API."""
    start = world.motive.clock.now().replace(microsecond=0) - timedelta(minutes=minutes_ago)
    body = {
        "vehicle_number": "42",
        "type": "hard_brake",
        "start_time": iso_utc(start),
        "end_time": iso_utc(start + timedelta(seconds=4)),
        "start_speed": 88.0,
        "end_speed": 41.5,
        "location": "Joliet, IL",
        "lat": 41.52,
        "lon": -88.08,
    } | fields
    answer = httpx.post(f"{world.motive.url}/_sandbox/safety_events", json=body)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def alert_messages(world: SlackWorld) -> list[Posted]:
    """The top-level messages in #safety-alerts."""
    return [m for m in world.slack.posted(ALERTS) if m.thread_ts is None]


def alert_for(world: SlackWorld, event_id: int, timeout: float = 30) -> Posted:
    """The alert message of an event (waiting for it)."""
    found: Posted = wait_for(lambda: next((m for m in alert_messages(world)
                                          if f"Motive event {event_id}" in str(m.blocks)), None),
                             timeout)  # fmt: skip
    return found


def click(world: SlackWorld, alert: Posted, action: str, user: str = "U0DEMO") -> str:
    """Press one of an alert's buttons; the response_url its answer goes to."""
    found = button({"blocks": alert.blocks}, action)
    assert found is not None, f"no {action} button"
    url = world.slack.response_url()
    payload = world.slack.action_payload(
        action, found["value"], url, user=user, channel=ALERTS, message_ts=alert.ts,
        ephemeral=False, message={"ts": alert.ts, "blocks": alert.blocks},
    )  # fmt: skip
    assert world.slack.post_interaction(world.url, payload).status_code == 200
    return url


__all__ = ["ALERTS", "ActionId", "alert_for", "alert_messages", "alert_world", "click",
           "raise_event"]  # fmt: skip
