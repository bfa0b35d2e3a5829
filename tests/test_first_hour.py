"""A new user's first hour, as real processes: what `recallbot run` says when settings are
missing, a port is taken or the video extra does not import; which mode it picks; what
`request` leaves behind when stopped or run on the sandbox; what `status` shows."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.slack import SlackSandbox
from tests.processes import ROOT, Recallbot, without_pyav

UNREACHABLE_SLACK = "http://127.0.0.1:9/api/"


def _run(env: dict[str, str], *args: str, base: dict[str, str] | None = None,
         timeout: float = 60) -> subprocess.CompletedProcess[str]:  # fmt: skip
    clean = {k: v for k, v in (base or os.environ).items()
             if not k.startswith(("MOTIVE_", "RECALLBOT_", "SLACK_"))}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env=clean | env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, check=False)  # fmt: skip


def test_run_with_nothing_set_names_every_missing_setting_at_once(tmp_path: Path) -> None:
    done = _run({"RECALLBOT_DB": str(tmp_path / "db")}, "run")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    said = done.stderr.splitlines()
    assert [line.split(" (")[0].split(":")[1].strip() for line in said] == [
        "set MOTIVE_API_KEY", "set SLACK_BOT_TOKEN", "set SLACK_APP_TOKEN",
    ]  # fmt: skip
    assert "--sandbox" not in done.stderr, "`run` has no --sandbox to suggest"


def test_the_mode_follows_the_settings(tmp_path: Path) -> None:
    motive = {"MOTIVE_API_KEY": "k", "RECALLBOT_DB": str(tmp_path / "db"),
              "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": UNREACHABLE_SLACK}  # fmt: skip
    http_only = _run(motive | {"SLACK_SIGNING_SECRET": "s"}, "run", "--port", "0")
    assert http_only.stderr.startswith("recallbot run: Slack did not answer"), http_only.stderr
    asked_http = _run(motive | {"SLACK_APP_TOKEN": "xapp-1", "RECALLBOT_MODE": "http"}, "run")
    assert asked_http.returncode == 2
    assert asked_http.stderr == ("recallbot run: set SLACK_SIGNING_SECRET for HTTP mode: the "
                                 "app's Basic Information page\n")  # fmt: skip
    flag = _run(motive | {"SLACK_APP_TOKEN": "xapp-1"}, "run", "--http")
    assert "set SLACK_SIGNING_SECRET for HTTP mode" in flag.stderr


def test_run_on_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    with SlackSandbox() as slack, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        env = {"MOTIVE_API_KEY": "k", "RECALLBOT_DB": str(tmp_path / "db"),
               "SLACK_BOT_TOKEN": slack.settings.bot_token, "SLACK_SIGNING_SECRET": "s",
               "SLACK_API_URL": slack.api_url, "RECALLBOT_LOG_LEVEL": "WARNING"}  # fmt: skip
        done = _run(env, "run", "--http", "--host", "127.0.0.1", "--port", port)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr == (f"recallbot run: cannot listen on 127.0.0.1:{port}: Address already "
                           "in use; stop what holds it, or choose another port: `recallbot run "
                           "--port 3001`\n")  # fmt: skip


def test_run_says_in_one_line_at_start_when_the_video_extra_does_not_import(
    tmp_path: Path,
) -> None:
    env = {"MOTIVE_API_KEY": "k", "RECALLBOT_DB": str(tmp_path / "db"), "SLACK_BOT_TOKEN": "x",
           "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": UNREACHABLE_SLACK}  # fmt: skip
    done = _run(env, "run", base=without_pyav(tmp_path))
    first, last = done.stderr.splitlines()
    assert "PyAV (No module named 'av' (hidden by a test)) cannot be imported" in first
    assert "without stills or All angles; pip install 'recallbot[video]'" in first
    assert last.startswith("recallbot run: Slack did not answer")


def test_request_on_the_sandbox_cannot_be_detached(tmp_path: Path) -> None:
    done = _run({"RECALLBOT_DB": str(tmp_path / "db")}, "request", "--sandbox", "--detach",
                "truck 42 yesterday 3pm")  # fmt: skip
    assert done.returncode == 2
    assert "--detach leaves the recall to `recallbot track`, but the --sandbox Motive" in (
        done.stderr
    )
    assert not (tmp_path / "db").exists(), "nothing to point at, nothing stored"


def test_request_on_the_sandbox_says_its_links_end_with_it(tmp_path: Path) -> None:
    done = _run({"RECALLBOT_DB": str(tmp_path / "db")}, "request", "--sandbox", "--speed",
                "600", "truck 42 yesterday 3pm")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(
        "the sandbox ends with this command: its recall, store and links go with it "
        "(`recallbot demo` saves its footage)"
    )
    assert "recallbot status" not in done.stdout


def test_ctrl_c_during_request_says_the_recall_is_stored_and_how_to_follow_it(
    tmp_path: Path,
) -> None:
    with MotiveSandbox(speed=1.0) as sandbox:  # Motive's minutes are real: still pending
        bot = Recallbot(sandbox, tmp_path / "recallbot.db")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "request", "truck 42 yesterday 3pm"], env=bot.env,
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith("requested: recall "):
                    break
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=30)
        finally:
            process.kill()
            process.wait()
        recall = bot.recall()
        status = bot.run("status", recall.id).stdout
    assert process.returncode == 130
    assert stderr.strip() == (
        f"recallbot request: interrupted; recall {recall.id} is stored ({recall.state}) and "
        f"Motive goes on with it: `recallbot track` follows it to its answer, `recallbot status "
        f"{recall.id}` shows it"
    )
    assert str(recall.state) in ("pending", "processing")
    assert status.startswith(f"recall {recall.id} (Motive {recall.motive_id}): {recall.state}")


def test_status_shows_the_whole_window_in_the_askers_zone(tmp_path: Path) -> None:
    with MotiveSandbox(speed=600.0) as sandbox:
        bot = Recallbot(sandbox, tmp_path / "recallbot.db")
        bot.env["RECALLBOT_DEFAULT_TZ"] = "UTC"
        bot.run("request", "--detach", "--tz", "America/Chicago", "truck 42 yesterday 3pm 2 min")
        status = bot.run("status").stdout
    window = next(line for line in status.splitlines() if line.startswith("  window: "))
    assert re.fullmatch(r"  window: \w{3} \w{3} \d+, 3:00 PM C([SD])T to 3:02 PM  "
                        r"\(\d{4}-\d\d-\d\d (\d\d):00 UTC to \2:02 UTC\)", window), window
    asked = next(line for line in status.splitlines() if "asked by" in line)
    assert re.search(r" C[SD]T$", asked), "every time in the asker's zone"


def test_a_phrase_read_in_the_default_zone_says_it_is_only_the_default(tmp_path: Path) -> None:
    default = _run({"RECALLBOT_DEFAULT_TZ": "UTC", "RECALLBOT_DB": str(tmp_path / "db")},
                   "parse", "truck 42 yesterday 3pm")  # fmt: skip
    assert "Times read in UTC, the default zone (RECALLBOT_DEFAULT_TZ" in (
        default.stdout
    ), default.stdout
    assert "your time zone" not in default.stdout
    given = _run({}, "parse", "--tz", "America/Chicago", "truck 42 yesterday 3pm")
    assert "Times read in America/Chicago" in given.stdout, given.stdout
    assert "the zone you gave" in given.stdout
