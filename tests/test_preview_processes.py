"""Issue 22: ``recallbot run`` checks /recall's previews in processes of its own.

Against the real ``recallbot run --http`` (three preview processes, the default): a preview is
made in one and counted in the app's /metrics; the time zone Slack gave there serves the app's
next ack; a preview process that dies is replaced, and the previews asked meanwhile are still
answered; none outlives a SIGKILL of the app; a SIGTERM to all of them stops the app cleanly; and
a stop amid previews answers each one once (the preview, or "ask again").
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.ids import ActionId
from bot.sandbox.slack_view import button
from tests import leaks
from tests.app_world import AppWorld, app_world
from tests.slack_world import wait_for

PHRASE = "truck 42 yesterday 3pm 2 min front only"


def _previews(world: AppWorld) -> dict[str, Any]:
    previews: dict[str, Any] = httpx.get(f"{world.app.url}/healthz").json()["checks"]["previews"]
    return previews


def _processes(world: AppWorld) -> dict[int, str]:
    """The app's preview processes (no footage is made here: no media worker runs)."""
    assert world.app.pid is not None
    found = {pid: leaks.command_line(pid) for pid in leaks.descendants(world.app.pid)}
    return {pid: line for pid, line in found.items() if "spawn_main" in line}


def _up(world: AppWorld) -> dict[int, str]:
    """Once the preview processes are up (the first preview starts them): them."""
    if not _previews(world)["up"]:
        world.preview("truck 42 yesterday 2pm 1 min front only")
    wait_for(lambda: _previews(world)["up"], 60)
    return _processes(world)


def _timeline_calls(world: AppWorld) -> float:
    text = httpx.get(f"{world.app.url}/metrics").text
    return sum(sample.value for family in text_string_to_metric_families(text)
               for sample in family.samples
               if sample.name == "recallbot_motive_calls_total"
               and "timeline" in sample.labels["endpoint"])  # fmt: skip


def test_a_preview_is_made_in_a_preview_process_and_counted_in_the_apps_metrics(
    tmp_path: Path,
) -> None:
    with app_world(tmp_path) as world:
        assert len(_up(world)) == 3
        before, calls = _previews(world)["answered"], _timeline_calls(world)
        preview, _ = world.preview(PHRASE)
        assert button(preview, ActionId.SUBMIT) is not None, preview
        assert _previews(world)["answered"] == before + 1, "a process made it"
        assert _timeline_calls(world) == calls + 1, "its Motive call is in the app's counters"
        assert "previews are checked in 3 processes of their own" in world.app.log_tail(200)


def test_the_zone_slack_gave_a_preview_process_serves_the_apps_next_ack(tmp_path: Path) -> None:
    with app_world(tmp_path) as world:
        _up(world)
        world.preview(PHRASE)  # users.info, asked in a preview process
        answer, _ = world.command("truck 42 next thursday")
        assert "is in the future" in answer.text, "the phrase error is the ack itself"


def test_a_preview_process_that_dies_is_replaced_and_no_preview_is_lost(tmp_path: Path) -> None:
    with app_world(tmp_path) as world:
        first = _up(world)
        killed = next(iter(first))
        os.kill(killed, signal.SIGKILL)
        for minute in range(3):  # asked while the pool is broken, then while it restarts
            preview, _ = world.preview(f"truck 42 yesterday 3:0{minute}pm 1 min front only")
            assert button(preview, ActionId.SUBMIT) is not None, preview
        again = wait_for(lambda: (found := _up(world)) and len(found) == 3 and found, 60)
        assert killed not in again
        before = _previews(world)["answered"]
        preview, _ = world.preview("truck 42 yesterday 4pm 1 min front only")
        assert button(preview, ActionId.SUBMIT) is not None
        assert _previews(world)["answered"] == before + 1, "the new processes answer"
        assert "a preview process died" in world.app.log_tail(400)


def test_no_preview_process_outlives_a_killed_app(tmp_path: Path) -> None:
    with app_world(tmp_path) as world:
        running = _up(world)
        world.app.kill()
        wait_for(lambda: all(leaks.command_line(pid) != line for pid, line in running.items()),
                 10)  # fmt: skip
        world.app.start()
        preview, _ = world.preview(PHRASE)
        assert button(preview, ActionId.SUBMIT) is not None


def test_a_stop_sent_to_every_process_ends_the_app_cleanly(tmp_path: Path) -> None:
    with app_world(tmp_path) as world:
        running = _up(world)
        assert world.app.pid is not None
        for pid in [*running, world.app.pid]:  # as systemd stops a service: all its processes
            os.kill(pid, signal.SIGTERM)
        assert world.app.stop() == 0
        assert all(leaks.command_line(pid) != line for pid, line in running.items())
        assert "Traceback" not in world.app.log_tail(400)


def test_a_stop_amid_previews_answers_each_once(tmp_path: Path) -> None:
    with app_world(tmp_path) as world:
        _up(world)
        asked = [world.command(f"truck 42 yesterday 3:{minute:02d}pm 1 min front only")[1]
                 for minute in range(12)]  # fmt: skip
        assert world.app.stop() == 0
        for payload in asked:
            answers = world.slack.responses_to(payload["response_url"])
            assert len(answers) == 1, answers  # the preview, or "ask again": never both, never none
            text = str(answers[0])
            assert button(answers[0], ActionId.SUBMIT) is not None or "ask again" in text, text
