"""Issue 11, running recallbot in production: its log tells each recall's story without a
secret or a link, /metrics has every figure after a full flow, /healthz and /readyz say what is
wrong, and start-up problems are one line each. All against the real `recallbot run` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.ids import ActionId
from bot.sandbox.app_process import free_port
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.slack import SlackSandbox
from bot.sandbox.slack_view import button
from tests.app_world import app_world
from tests.processes import ROOT, Recallbot
from tests.slack_world import slack_world, wait_for

PHRASE = "truck 42 yesterday 3pm 2 min front and driver"


def test_a_full_flow_logs_its_story_as_json_without_secrets_or_links(tmp_path: Path) -> None:
    env = {"RECALLBOT_LOG_FORMAT": "json", "RECALLBOT_LOG_LEVEL": "DEBUG"}
    with app_world(tmp_path, env) as world:
        preview, payload = world.preview(PHRASE)
        world.press(preview, ActionId.SUBMIT, payload)
        (recall,) = world.settled()
        secrets = [world.app.env[k] for k in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET",
                                              "MOTIVE_WEBHOOK_SECRET")]  # fmt: skip
    text = world.app.log_path.read_text()
    records = [json.loads(line) for line in text.splitlines() if line.strip()]  # every line
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    ours = [r for r in records if r.get("recall_id") == recall.id]
    said = " | ".join(r["message"] for r in ours if r["level"] == "INFO")
    for step in ("requested by U", "submitted by U", "delivered by recallbot"):
        assert step in said, said
    assert "checked: Motive says" in said or "webhook: Motive says success" in text
    assert any(r.get("channel") == "C0SAFETY" and r.get("user") for r in ours)
    for secret in secrets:
        assert secret not in text
    assert "will be unused" not in text, "Bolt is given the token once"
    links = [c.download_url for c in recall.cameras if c.download_url]
    assert links, "the recall has links to look for"
    for link in links:
        assert link not in text
        assert link.split("?")[0].split("//", 1)[1].split("/", 1)[1] not in text  # not the path


def _samples(text: str) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append(sample)
    return found


def test_metrics_after_a_full_flow_and_a_refresh(tmp_path: Path) -> None:
    with app_world(tmp_path) as world:
        preview, payload = world.preview(PHRASE)
        world.press(preview, ActionId.SUBMIT, payload)
        (recall,) = world.settled()
        (status,) = world.status_messages()
        (reply,) = world.replies(status)
        refresh = button({"blocks": reply.blocks}, ActionId.REFRESH)
        assert refresh is not None
        action = world.slack.action_payload(
            ActionId.REFRESH, refresh["value"], world.slack.response_url(), message_ts=reply.ts,
            ephemeral=False, message={"ts": reply.ts, "blocks": reply.blocks},
        )  # fmt: skip
        assert world.slack.post_interaction(world.url, action).status_code == 200
        wait_for(lambda: reply.edits)
        answer_text = httpx.get(f"{world.app.url}/metrics").text
    found = _samples(answer_text)
    assert {s.labels["state"]: s.value for s in found["recallbot_recalls"]} == {"success": 1}
    motive = {
        (s.labels["endpoint"], s.labels["status"]) for s in found["recallbot_motive_calls_total"]
    }
    assert ("/video_recall_requests", "201") in motive or (
        "/video_recall_requests",
        "200",
    ) in motive
    assert "chat.postMessage" in {s.labels["method"] for s in found["recallbot_slack_calls_total"]}
    kinds = {s.labels["kind"] for s in found["recallbot_ack_seconds_count"]}
    assert {"command", "block_actions"} <= kinds
    assert found["recallbot_tracker_lag_seconds"][0].value == 0
    assert {s.labels["outcome"] for s in found["recallbot_webhook_verifications_total"]} >= {
        "accepted"
    }
    queues = {s.labels["queue"] for s in found["recallbot_queue_depth"]}
    assert queues == {"checks", "requests", "media"}
    assert [(s.labels["state"], s.value) for s in found["recallbot_deliveries_total"]] == [
        ("success", 1.0)
    ]
    assert found["recallbot_link_refreshes_total"][0].value == 1
    assert recall.id


def test_liveness_and_readiness_say_what_is_wrong(tmp_path: Path) -> None:
    with app_world(tmp_path) as world:
        live = httpx.get(f"{world.app.url}/healthz")
        ready = httpx.get(f"{world.app.url}/readyz")
    assert live.status_code == 200
    assert set(live.json()) == {"ok", "tracker", "checks", "requests", "footage", "retention",
                                "captures"}
    assert ready.status_code == 200
    body = ready.json()
    assert body["store"] == {"ok": True, "problem": None}
    assert body["slack"]["ok"]
    assert body["slack"]["bot_user"].startswith("U")
    assert body["tracker"]["ok"]


# -- start-up problems: one line each, exit 2 ---------------------------------------------------


def _run(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("MOTIVE_", "RECALLBOT_", "SLACK_"))}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=base | env, cwd=ROOT,
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def _one_line_exit_2(
    done: subprocess.CompletedProcess[str], *words: str, problems: int = 1
) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == problems, done.stderr
    for word in words:
        assert word in done.stderr


def test_start_up_problems_are_one_line_each_and_exit_2(tmp_path: Path) -> None:
    motive = {"MOTIVE_API_KEY": "k", "RECALLBOT_DB": str(tmp_path / "db")}
    _one_line_exit_2(_run(motive, "run", "--http"), "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET",
                     problems=2)  # fmt: skip
    _one_line_exit_2(_run(motive, "run"), "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", problems=2)
    unreachable = motive | {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                            "SLACK_API_URL": "http://127.0.0.1:9/api/"}  # fmt: skip
    _one_line_exit_2(_run(unreachable, "run", "--http", "--port", "0"),
                     "Slack did not answer at http://127.0.0.1:9/api/")  # fmt: skip
    bad = _run(motive | {"RECALLBOT_DB_BUSY_TIMEOUT": "soon"}, "run", "--http")
    _one_line_exit_2(bad, "RECALLBOT_DB_BUSY_TIMEOUT='soon'", "valid number", "default: 10.0")


def test_a_token_slack_refuses_is_named(tmp_path: Path) -> None:
    with SlackSandbox() as slack:
        env = {"MOTIVE_API_KEY": "k", "RECALLBOT_DB": str(tmp_path / "db"),
               "SLACK_BOT_TOKEN": "xoxb-wrong", "SLACK_SIGNING_SECRET": "s",
               "SLACK_API_URL": slack.api_url}  # fmt: skip
        _one_line_exit_2(_run(env, "run", "--http", "--port", "0"),
                         "Slack refused SLACK_BOT_TOKEN (invalid_auth)")  # fmt: skip


def test_socket_mode_needs_no_signing_secret(tmp_path: Path, fast_sandbox: MotiveSandbox) -> None:
    with SlackSandbox() as slack:
        s = slack.settings
        env = {"MOTIVE_API_KEY": "sandbox", "MOTIVE_BASE_URL": fast_sandbox.api_url,
               "RECALLBOT_DB": str(tmp_path / "db"), "SLACK_BOT_TOKEN": s.bot_token,
               "SLACK_APP_TOKEN": s.app_token, "SLACK_API_URL": slack.api_url}  # fmt: skip
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("MOTIVE_", "RECALLBOT_", "SLACK_"))}  # fmt: skip
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"], env=base | env, cwd=ROOT,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert process.stderr is not None
            lines = iter(process.stderr.readline, "")
            assert any("connected to Slack in Socket Mode" in line for line in lines)
        finally:
            process.terminate()
            process.wait(15)
        assert process.returncode == 0


def test_a_failing_listener_is_logged_and_the_person_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with slack_world(tmp_path) as world:
        world.preview(PHRASE)  # Slack told recallbot dana's zone: the next phrase is read at once

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("a bug in the desk")

        monkeypatch.setattr(world.app.desk, "read", broken)
        _, payload = world.command(PHRASE)
        told = wait_for(lambda: world.slack.responses_to(payload["response_url"]))
    assert "Something went wrong on recallbot's side. Nothing was spent" in told[-1]["text"]
    failed = [r for r in caplog.records if r.getMessage() == "command listener failed"]
    assert failed
    assert failed[0].exc_info is not None


def test_track_serves_metrics_and_health_too(fast_sandbox: MotiveSandbox, tmp_path: Path) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "track", "--webhook-port", str(port)], env=bot.env,
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: _get(f"{url}/readyz") == 200, 20)
        metrics = httpx.get(f"{url}/metrics").text
    finally:
        process.terminate()
        process.wait(15)
    assert "recallbot_tracker_lag_seconds 0.0" in metrics
    assert "# TYPE recallbot_recalls gauge" in metrics


def _get(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=1).status_code
    except httpx.TransportError:
        return None
