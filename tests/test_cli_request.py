"""`recallbot request` end to end: a real process, its own in-process Motive sandbox."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PHRASE = "truck 42 yesterday 3pm 2 min front and driver"


def _request(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MOTIVE_")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "request", "--tz", "America/Chicago", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=clean | (env or {}),
        check=False,
    )  # fmt: skip


def _json(done: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_recall_is_created_followed_and_its_links_printed() -> None:
    done = _request("--sandbox", "--speed", "1200", PHRASE)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "vehicle 42 · regular · 2 min · Road-facing, Driver-facing" in out
    assert "footage: available for the whole window" in out
    assert "quota: spends 2 of 600 regular minutes left this month" in out
    assert "(Motive 5000001)" in out
    assert out.index(": processing ·") < out.index(": success ·")
    links = [line for line in out.splitlines() if "/media/5000001/" in line]
    assert len(links) == 2
    assert all("link expires" in line for line in links)


def test_json_output_carries_the_request_preview_and_final_recall() -> None:
    done = _request("--sandbox", "--speed", "1200", "--json", PHRASE)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 1
    answer = _json(done)
    assert answer["ok"] is True
    assert answer["request"]["camera_positions"] == ["front_facing", "driver_facing"]
    assert answer["preview"]["footage"]["covered"] is True
    assert answer["recall"]["state"] == "success"
    assert answer["recall"]["delivery"] == "delivered"
    assert [c["status"] for c in answer["recall"]["cameras"]] == ["success", "success"]


def test_a_dry_run_checks_without_creating() -> None:
    done = _request("--sandbox", "--dry-run", "--json", PHRASE)
    answer = _json(done)
    assert done.returncode == 0
    assert answer["ok"] is True
    assert "recall" not in answer


def test_a_vehicle_not_in_the_fleet_stops_before_anything_is_spent() -> None:
    done = _request("--sandbox", "--json", "truck 43 yesterday 3pm")
    answer = _json(done)
    assert done.returncode == 1
    assert answer["ok"] is False
    assert answer["preview"]["problems"] == [
        "There is no vehicle “43” in the fleet. Did you mean “0042”, “42”?"
    ]
    assert "recall" not in answer


def test_a_refused_phrase_exits_one_with_its_code() -> None:
    done = _request("--sandbox", "--json", "truck 42 yesterday 3pm 10 min")
    assert done.returncode == 1
    assert _json(done)["error"]["code"] == "duration_not_allowed"


def test_a_smart_dashcam_refusal_is_said_the_friendly_way_the_first_time() -> None:
    done = _request("--sandbox", "truck 7 yesterday 3pm timelapse 5 min")
    assert done.returncode == 1
    assert "✗ Motive: Vehicle 7 has a smart dashcam, which cannot record time-lapses" in done.stdout
    assert "Ask for a regular 1-minute recall." in done.stdout


def test_without_credentials_or_sandbox_it_says_how_to_proceed() -> None:
    done = _request(PHRASE)
    assert done.returncode == 2
    assert "set MOTIVE_API_KEY" in done.stderr
    assert "--sandbox" in done.stderr
    assert done.stdout == ""
