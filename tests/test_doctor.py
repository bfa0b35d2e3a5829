"""Issue 21: `recallbot doctor` checks a real Slack app and Motive account against everything
recallbot assumes, read only.

Doctor runs as a real process against the Motive sandbox and the Slack emulator. Against the
sandbox as motive-api.md guesses it, every check is ok; against other plausible shapes
(``SandboxSettings(shapes="other")``), each difference is reported with the MOTIVE_SHAPES that
reads it, and with that value a recall and an alert work end to end. Neither side ever sees a
write from doctor."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.doctor import BOT_SCOPES
from bot.ids import ActionId
from bot.plumbing.timefmt import iso_utc
from bot.sandbox.clock import SandboxClock
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack import SlackSandbox, SlackSettings
from tests.alert_world import alert_for, alert_world, click, raise_event
from tests.processes import ROOT
from tests.slack_world import manifest_scopes, wait_for

PUBLIC = "https://recallbot.example.com"
OTHER_FIX = {"vehicles_key": "data", "timeline_vehicle_param": "number",
             "events": {"vehicle_key": "vehicle"}}  # fmt: skip
"""The MOTIVE_SHAPES that reads the sandbox's other shapes."""
READ_METHODS = {"auth.test", "apps.connections.open", "conversations.info"}


@contextmanager
def sandboxes(
    motive: SandboxSettings | None = None,
    slack: SlackSettings | None = None,
    older: timedelta | None = None,
) -> Iterator[tuple[MotiveSandbox, SlackSandbox]]:
    """Both sandboxes, a webhook subscription pointing at recallbot's public URL (the sandbox
    sends nothing: its webhooks are not ticked), and one safety event of half an hour ago
    (``older``: one as well that was raised, and last updated, that long before it)."""
    settings = motive or SandboxSettings()
    settings.webhook_url = f"{PUBLIC}/motive/webhook"
    workspace = slack or SlackSettings(scopes=manifest_scopes())
    clock = SandboxClock(start=datetime.now(UTC) - (older or timedelta(0)))
    with MotiveSandbox(settings, clock=clock, auto_webhooks=False) as m, \
            SlackSandbox(workspace) as s:  # fmt: skip
        if older:
            raise_event_at(m, m.clock.now())
            m.clock.advance(older.total_seconds())
        raise_event_at(m, m.clock.now())
        yield m, s


def raise_event_at(motive: MotiveSandbox, now: datetime) -> None:
    """A hard brake of vehicle 42 half an hour before ``now`` (raised at ``now``)."""
    start = now.replace(microsecond=0) - timedelta(minutes=30)
    motive.events.raise_event({"vehicle_number": "42", "type": "hard_brake",
                               "start_time": iso_utc(start), "location": "Joliet, IL"})  # fmt: skip


def environment(motive: MotiveSandbox, slack: SlackSandbox, **more: str) -> dict[str, str]:
    """A deployment's settings for the two sandboxes: Socket Mode, alerts, webhooks."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("MOTIVE_", "RECALLBOT_", "SLACK_"))}  # fmt: skip
    return base | {
        "PYTHONPATH": str(ROOT),
        "MOTIVE_BASE_URL": motive.api_url,
        "MOTIVE_API_KEY": motive.settings.api_key,
        "MOTIVE_WEBHOOK_SECRET": motive.settings.webhook_secret,
        "SLACK_API_URL": slack.api_url,
        "SLACK_BOT_TOKEN": slack.settings.bot_token,
        "SLACK_APP_TOKEN": slack.settings.app_token,
        "RECALLBOT_ALERTS_CHANNEL": "C0ALERTS",
        "RECALLBOT_PUBLIC_URL": PUBLIC,
        "RECALLBOT_DEFAULT_TZ": "America/Chicago",
    } | more


def doctor(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "doctor", *args], env=env, cwd=cwd,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def checks(done: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    """``--json``'s checks by name."""
    report = json.loads(done.stdout)
    return {check["name"]: check for check in report["checks"]}


def assert_read_only(motive: MotiveSandbox, slack: SlackSandbox) -> None:
    assert {method for method, _, _ in motive.requests} == {"GET"}
    assert {call.method for call in slack.calls} <= READ_METHODS
    assert motive.creates() == 0
    assert slack.posted() == []
    assert not slack.socket_connected(), "the Socket Mode connection was closed at once"


def assert_all_ok_with(
    fix: dict[str, Any], motive: MotiveSandbox, slack: SlackSandbox, cwd: Path
) -> None:
    """With ``fix`` as MOTIVE_SHAPES, every check is ok (and nothing was written)."""
    fixed = doctor(environment(motive, slack, MOTIVE_SHAPES=json.dumps(fix)), cwd, "--json")
    assert fixed.returncode == 0, fixed.stdout
    assert {c["outcome"] for c in checks(fixed).values()} == {"ok"}
    assert_read_only(motive, slack)


def test_the_manifest_and_the_scopes_doctor_expects_are_one_list() -> None:
    assert manifest_scopes() == BOT_SCOPES


def test_against_the_guessed_shapes_every_check_is_ok_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    with sandboxes() as (motive, slack):
        done = doctor(environment(motive, slack), tmp_path, "--json")
        assert done.returncode == 0, done.stdout + done.stderr
        found = checks(done)
        assert {name: c["outcome"] for name, c in found.items()} == dict.fromkeys(found, "ok")
        assert set(found) >= {
            "slack.token", "slack.scopes", "slack.mode", "slack.alerts_channel",
            "settings.default_tz", "motive.auth", "motive.quota", "motive.vehicles",
            "motive.lookup", "motive.timelines", "motive.events", "motive.events.since",
            "motive.events.fields", "motive.webhook", "motive.webhook.url", "motive.webhook.secret",
        }  # fmt: skip
        assert "Socket Mode" in found["slack.mode"]["summary"]
        assert "current_vehicle" in found["motive.events.fields"]["summary"]
        assert json.loads(done.stdout)["motive_shapes"] is None
        assert_read_only(motive, slack)

        text = doctor(environment(motive, slack), tmp_path)
    lines = text.stdout.splitlines()
    assert text.returncode == 0
    assert [line.split()[0] for line in lines[: len(found)]] == ["ok"] * len(found)
    assert lines[-1] == f"ok: {len(found)}: nothing blocks recallbot"


def test_other_shapes_are_each_reported_with_the_setting_that_reads_them(tmp_path: Path) -> None:
    with sandboxes(SandboxSettings(shapes="other")) as (motive, slack):
        done = doctor(environment(motive, slack), tmp_path, "--json")
        assert done.returncode == 1, "the vehicle list reads empty: recallbot is blocked"
        found = checks(done)
        differs = {n: c for n, c in found.items() if c["outcome"] != "ok"}
        assert {n: (c["outcome"], c["shapes"]) for n, c in differs.items()} == {
            "motive.vehicles": ("differs", {"vehicles_key": "data"}),
            "motive.timelines": ("differs", {"timeline_vehicle_param": "number"}),
            "motive.events.vehicle_key": ("differs", {"events": {"vehicle_key": "vehicle"}}),
        }
        assert differs["motive.vehicles"]["expected"] == "the list under 'vehicles'"
        assert differs["motive.vehicles"]["seen"] == "the list under 'data'"
        assert "vehicle_number=42" in differs["motive.timelines"]["expected"]
        assert "404" in differs["motive.timelines"]["seen"]
        assert json.loads(done.stdout)["motive_shapes"] == OTHER_FIX
        assert found["motive.lookup"]["outcome"] == "ok", "later checks go on with the fix"

        text = doctor(environment(motive, slack), tmp_path)
        assert f"MOTIVE_SHAPES='{json.dumps(OTHER_FIX, sort_keys=True)}'" in text.stdout
        assert [line.split()[0] for line in text.stdout.splitlines()
                if "motive.vehicles" in line] == ["differs"]  # fmt: skip

        fixed = doctor(environment(motive, slack, MOTIVE_SHAPES=json.dumps(OTHER_FIX)), tmp_path,
                       "--json")  # fmt: skip
        assert fixed.returncode == 0, fixed.stdout
        assert {c["outcome"] for c in checks(fixed).values()} == {"ok"}
        assert_read_only(motive, slack)


def test_with_the_reported_setting_a_recall_and_an_alert_work_end_to_end(tmp_path: Path) -> None:
    other = SandboxSettings(shapes="other", event_media_after_s=-1, pending_seconds=5,
                            processing_seconds=10)  # fmt: skip
    with alert_world(tmp_path, other, motive_shapes=OTHER_FIX) as world:
        preview, payload = world.preview("truck 42 yesterday 3pm 1 min front only")
        assert "Requested" in world.press(preview, ActionId.SUBMIT, payload)["text"]
        (reply,) = world.answered()
        assert "Footage ready for vehicle 42" in str(reply.blocks) + reply.text

        alert = alert_for(world, raise_event(world)["id"])
        assert "vehicle *42*" in str(alert.blocks), "the event's vehicle read under 'vehicle'"
        url = click(world, alert, ActionId.ALERT_ROAD)
        assert "Requested" in wait_for(lambda: world.slack.responses_to(url))[-1]["text"]
        wait_for(lambda: len(world.motive.rules.recalls) == 2)


def test_timelines_at_another_path_and_by_another_query_name_are_found_together(
    tmp_path: Path,
) -> None:
    elsewhere = "/video_recall_requests/available_timelines"
    with sandboxes(SandboxSettings(shapes="other", vehicle_timelines_path=elsewhere)) as (
        motive,
        slack,
    ):
        done = doctor(environment(motive, slack), tmp_path, "--json")
        timelines = checks(done)["motive.timelines"]
        assert timelines["outcome"] == "differs"
        assert timelines["shapes"] == {"vehicle_timelines_path": elsewhere,
                                       "timeline_vehicle_param": "number"}  # fmt: skip
        assert timelines["summary"].endswith("asked at another path by another query name")
        assert timelines["seen"].startswith(
            "Motive answers /video_recall_requests/vehicles/available_timelines?vehicle_number= "
            "with 404"
        )
        assert timelines["seen"].endswith(f"{elsewhere}?number= reads")
        fix = json.loads(done.stdout)["motive_shapes"]
        assert fix == OTHER_FIX | timelines["shapes"]
        assert_all_ok_with(fix, motive, slack, tmp_path)


def test_the_guessed_time_filter_leaves_out_an_event_updated_before_the_look_back(
    tmp_path: Path,
) -> None:
    with sandboxes(older=timedelta(days=2)) as (motive, slack):
        done = doctor(environment(motive, slack), tmp_path, "--json")
        since = checks(done)["motive.events.since"]
        assert done.returncode == 0, done.stdout
        assert (since["outcome"], since["summary"]) == (
            "ok", "the time filter updated_after= is accepted and kept")  # fmt: skip
        assert len(motive.events.events) == 2, "one event is two days old"


def test_an_ignored_time_filter_is_reported_with_the_filter_motive_keeps(tmp_path: Path) -> None:
    with sandboxes(SandboxSettings(shapes="other"), older=timedelta(days=2)) as (motive, slack):
        done = doctor(environment(motive, slack), tmp_path, "--json")
        since = checks(done)["motive.events.since"]
        assert since["outcome"] == "differs"
        assert since["shapes"] == {"events": {"since_param": "start_time"}}
        assert since["summary"].startswith(
            "Motive ignores the time filter updated_after= but keeps start_time="
        )
        assert "comes by webhook only" in since["summary"], "what start_time= means is said"
        assert since["seen"] == "1 updated before it (e.g. event 1359698678); with start_time= none"
        fix = json.loads(done.stdout)["motive_shapes"]
        assert fix == OTHER_FIX | {"events": {"vehicle_key": "vehicle",
                                              "since_param": "start_time"}}  # fmt: skip
        lists = [path for _, path, _ in motive.requests if path.endswith("performance_events")]
        assert len(lists) == 2, "the list as recallbot asks it, then with start_time="
        assert_all_ok_with(fix, motive, slack, tmp_path)


def test_recallbot_mode_http_checks_the_signing_secret_even_with_an_app_token(
    tmp_path: Path,
) -> None:
    with sandboxes() as (motive, slack):
        http = environment(motive, slack, RECALLBOT_MODE="http")
        unsigned = checks(doctor(http, tmp_path, "--json"))["slack.mode"]
        assert unsigned["outcome"] == "failed"
        assert unsigned["summary"] == (
            "HTTP mode (RECALLBOT_MODE=http), but SLACK_SIGNING_SECRET is not set"
        )
        assert "SLACK_SIGNING_SECRET" in unsigned["fix"]

        signed = checks(doctor(http | {"SLACK_SIGNING_SECRET": "s3cret"}, tmp_path, "--json"))
        assert signed["slack.mode"]["outcome"] == "ok"
        assert signed["slack.mode"]["summary"].startswith("HTTP mode (RECALLBOT_MODE=http):")
        assert PUBLIC + "/slack/events" in signed["slack.mode"]["summary"]
        assert "apps.connections.open" not in {call.method for call in slack.calls}
        assert_read_only(motive, slack)


def test_what_blocks_is_failed_with_what_to_do(tmp_path: Path) -> None:
    no_files = SlackSettings(scopes=BOT_SCOPES - {"files:write"})
    with sandboxes(slack=no_files) as (motive, slack):
        env = environment(motive, slack, SLACK_APP_TOKEN="", RECALLBOT_ALERTS_CHANNEL="C0RANDOM",
                          MOTIVE_WEBHOOK_SECRET="not-the-secret")  # fmt: skip
        done = doctor(env, tmp_path, "--json")
        found = checks(done)
        assert done.returncode == 1
        failed = {n: c for n, c in found.items() if c["outcome"] == "failed"}
        assert set(failed) == {"slack.scopes", "slack.mode", "slack.alerts_channel",
                               "motive.webhook.secret"}  # fmt: skip
        assert "files:write" in failed["slack.scopes"]["summary"]
        assert "reinstall" in failed["slack.scopes"]["fix"]
        assert "SLACK_APP_TOKEN" in failed["slack.mode"]["fix"]
        assert "/invite @recallbot" in failed["slack.alerts_channel"]["fix"]
        assert "MOTIVE_WEBHOOK_SECRET" in failed["motive.webhook.secret"]["fix"]

        refused = doctor(environment(motive, slack, MOTIVE_API_KEY="wrong"), tmp_path, "--json")
        motive_checks = [c for n, c in checks(refused).items() if n.startswith("motive.")]
        assert [(c["name"], c["outcome"]) for c in motive_checks] == [("motive.auth", "failed")]
        assert "MOTIVE_API_KEY" in motive_checks[0]["fix"]
        assert_read_only(motive, slack)


def test_the_bundle_holds_no_secret_link_or_driver_name(tmp_path: Path) -> None:
    secrets = {"api_key": "mk-live-0f1e2d3c", "webhook_secret": "whsec-9a8b7c6d5e"}
    tokens = {"bot_token": "xoxb-1111-2222-bundle", "app_token": "xapp-1-A0-bundle"}
    motive_settings = SandboxSettings(event_media_after_s=0, **secrets)  # clip links at once
    slack_settings = SlackSettings(scopes=manifest_scopes(), **tokens)
    bundle = tmp_path / "doctor-bundle.json"
    bundle.write_text("an older bundle, readable by all")
    bundle.chmod(0o644)
    with sandboxes(motive_settings, slack_settings) as (motive, slack):
        done = doctor(environment(motive, slack), tmp_path, "--bundle", str(bundle))
        assert done.returncode == 0, done.stdout + done.stderr
        listed = motive.events.page({})
    assert "?sig=" in json.dumps(listed), "Motive's answer carried signed links"
    assert "Dana" in json.dumps(listed), "and the driver's name"
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    text = bundle.read_text()
    for secret in (*secrets.values(), *tokens.values()):
        assert secret not in text
    assert "Dana" not in text, "the driver's first name"
    assert "Reyes" not in text, "the driver's last name"
    assert re.findall(r"https?://\S*\?", text) == [], "no URL with a query string"
    loaded = json.loads(text)
    answers = json.dumps(loaded["motive_answers"])
    assert re.findall(r"https?://", answers) == [], "no link from Motive's answers"
    assert "1359698678" in answers, "ids are kept"
    assert loaded["settings"]["SLACK_BOT_TOKEN"] == "set"
    assert loaded["settings"]["SLACK_SIGNING_SECRET"] == "unset"
    assert {"python", "recallbot", "slack-sdk", "httpx"} <= set(loaded["versions"])
    assert [c["name"] for c in loaded["doctor"]["checks"]][:2] == ["slack.token", "slack.scopes"]
    assert set(loaded) == {"versions", "doctor", "settings", "motive_answers"}


@pytest.mark.parametrize("args", [["--jsn"], ["--bundle"]])
def test_bad_usage_exits_2(tmp_path: Path, args: list[str]) -> None:
    done = doctor(dict(os.environ, PYTHONPATH=str(ROOT)), tmp_path, *args)
    assert done.returncode == 2
    assert "usage: recallbot" in done.stderr


def test_a_bundle_path_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = doctor(dict(os.environ, PYTHONPATH=str(ROOT)), tmp_path, "--bundle", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"recallbot doctor: --bundle {tmp_path}: give a file in an existing folder"
    ]
