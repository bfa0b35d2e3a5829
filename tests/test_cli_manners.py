"""Issue 11, a CLI with manners: each case as a real process."""

from __future__ import annotations

import argparse
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bot.cli import _parser
from bot.sandbox.motive import MotiveSandbox
from tests.processes import ROOT, Recallbot

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MOTIVE_", "RECALLBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=base | (env or {}), cwd=ROOT,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_version() -> None:
    done = _cli("--version")
    assert done.returncode == 0
    assert re.fullmatch(r"recallbot \d+\.\d+\.\d+\n", done.stdout)


def test_every_subcommand_and_argument_has_help() -> None:
    parser = _parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in commands.choices.items():
        assert _cli(name, "--help").returncode == 0, name
        for action in command._actions:
            if not isinstance(action, argparse._SubParsersAction):
                assert action.help, f"{name} {action.option_strings or action.dest}"


def _shown_flags() -> list[tuple[str, str, str]]:
    """(page, command, --flag) for every flag README.md or a page of docs/ shows after
    `recallbot COMMAND`: in code blocks (continuation lines included, comments not) and in
    inline code."""
    shown = []
    for page in PAGES:
        in_code, current = False, None
        for line in page.read_text().splitlines():
            if line.startswith("```"):
                in_code, current = not in_code, None
                continue
            pieces = [line.split(" # ")[0]] if in_code else re.findall(r"`([^`]*)`", line)
            for piece in pieces:
                named = re.search(r"recallbot ([a-z]+(?: [a-z]+)?)", piece)
                if named:
                    current = named[1]
                elif not (in_code and piece.startswith(" ")):
                    current = None
                if current is not None:
                    flags = re.findall(r"--[a-z][a-z-]*", piece)
                    shown += [(page.name, current, flag) for flag in flags]
    return shown


def _command(parser: argparse.ArgumentParser, words: str) -> argparse.ArgumentParser | None:
    """The (sub)command parser ``words`` name (``request``, ``sandbox motive``), if any."""
    found = None
    for word in words.split():
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs or word not in subs[0].choices:
            break
        parser = found = subs[0].choices[word]
    return found


def test_every_flag_the_docs_show_exists() -> None:
    shown = [(page, _command(_parser(), words), words, flag)
             for page, words, flag in _shown_flags()]  # fmt: skip
    checked = [(page, command, words, flag) for page, command, words, flag in shown
               if command is not None]  # fmt: skip
    for page, command, words, flag in checked:
        known = {s for a in command._actions for s in a.option_strings}
        assert flag in known, f"{page} shows `recallbot {words} {flag}`"
    assert len(checked) >= 20
    assert ("request", "--timeout") in [(w.split()[0], f) for _, _, w, f in checked]
    assert {"README.md", "cli.md"} <= {page for page, *_ in checked}


def test_a_closed_pipe_ends_quietly(fast_sandbox: MotiveSandbox, tmp_path: Path) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    for hour in ("3pm", "4pm", "5pm"):
        bot.run("request", "--detach", f"truck 42 yesterday {hour}")
    big = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "audit"], env=bot.env, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert big.stdout is not None
    assert big.stderr is not None
    big.stdout.readline()
    big.stdout.close()  # `| head -1`
    big.wait(30)
    assert b"Traceback" not in big.stderr.read()


def test_ctrl_c_ends_a_request_quietly(tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MOTIVE_", "RECALLBOT_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "request", "--sandbox", "--speed", "1",
         "truck 42 yesterday 3pm"], env=base | {"RECALLBOT_DB": str(tmp_path / "db")},
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    for line in iter(process.stdout.readline, ""):
        if line.startswith("requested: recall"):
            break
    time.sleep(1.5)
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Traceback" not in errors
    assert "interrupted" in errors


def test_request_shows_progress_and_stops_at_its_timeout() -> None:
    done = _cli("request", "--sandbox", "--speed", "1", "--timeout", "2.5", "--tz",
                "America/Chicago", "truck 42 yesterday 3pm")  # fmt: skip
    assert done.returncode == 1
    assert "since requested" in done.stdout  # a plain progress line (not a terminal)
    assert "next check in" in done.stdout
    assert "still pending after 2.5 s; the sandbox ends with this command" in done.stdout
    assert "recallbot track" not in done.stdout, "nothing is left for it to follow"


def test_footage_gaps_and_refusals_are_said_plainly() -> None:
    none = _cli("request", "--sandbox", "--dry-run", "--tz", "America/Chicago",
                "truck 42 yesterday 2am")  # fmt: skip
    assert none.returncode == 1
    assert "footage: none for this window" in none.stdout
    assert "footage nearby: " in none.stdout
    assert "quota: spends" not in none.stdout, "no quota line before a refusal"
    part = _cli("request", "--sandbox", "--dry-run", "--tz", "America/Chicago",
                "truck 42 yesterday 10:59pm 2 min")  # fmt: skip
    assert "footage: only for part of this window" in part.stdout
    nearby = part.stdout.split("footage nearby: ")[1].splitlines()[0]
    assert "PM CST to" in nearby


def test_a_repeat_request_spends_nothing_and_says_so(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    bot.run("request", "--detach", "truck 42 yesterday 3pm")
    again = bot.run("request", "--detach", "truck 42 yesterday 3pm").stdout
    assert "already requested: recall" in again
    assert "quota: spends" not in again


def test_the_first_smart_dashcam_refusal_is_friendly(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    done = _cli("request", "--detach", "truck 7 yesterday 3pm 2 min", env=bot.env)
    assert done.returncode == 1
    assert "has a smart dashcam: recalls are limited to 1 minute" in done.stdout
    later = _cli("request", "--detach", "truck 7 yesterday 4pm 2 min", env=bot.env)
    assert "has a smart dashcam: recalls are limited to 1 minute" in later.stdout


def test_list_quota_limit_and_audit_since_yesterday(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    bot.run("request", "--detach", "truck 42 yesterday 3pm")
    listed = bot.run("list").stdout.splitlines()
    assert listed[0].split()[:3] == ["RECALL", "STATE", "TARGET"]
    assert len(listed) == 2
    refused = _cli("list", "--limit", "0", env=bot.env)
    assert refused.returncode == 2
    assert "not a whole number from 1 to 1000" in refused.stderr
    assert "requested" in bot.run("audit", "--since", "yesterday").stdout
    quota = bot.run("quota").stdout
    assert "Regular: 1 of 600 minutes used, 599 left" in quota


def test_backup_is_a_consistent_private_copy(fast_sandbox: MotiveSandbox, tmp_path: Path) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    bot.run("request", "--detach", "truck 42 yesterday 3pm")
    copy = tmp_path / "backups" / "copy.db"
    copy.parent.mkdir()
    assert "backed up" in bot.run("backup", str(copy)).stdout
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM recalls").fetchone()[0] == 1
    same = _cli("backup", str(bot.db), env=bot.env)
    assert same.returncode == 2
    assert "is the database itself" in same.stderr


def test_a_setup_error_under_json_is_a_json_object(tmp_path: Path) -> None:
    done = _cli("quota", "--json", env={"RECALLBOT_DB": str(tmp_path / "db")})
    assert done.returncode == 2
    assert '"code": "setup"' in done.stdout
    assert "set MOTIVE_API_KEY" in done.stderr


def test_the_demo_shows_a_refusal_as_slack_would() -> None:
    done = _cli("demo", "--speed", "600", "truck 42 tomorrow 3pm")
    assert done.returncode == 1
    assert "couldn't read “truck 42 tomorrow 3pm” as a recall" in done.stdout
    assert "is in the future" in done.stdout
    assert "did not happen within" not in done.stdout
    assert "refused it before anything was spent" in done.stdout


def test_the_sandbox_hint_gives_its_speed(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "sandbox", "motive", "--port", "0", "--speed", "120"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        process.stdout.readline()
        assert "RECALLBOT_TIME_SCALE=120 recallbot request" in process.stdout.readline()
    finally:
        process.terminate()
        process.wait(10)
