"""Issue 9, observation 10: store problems in the CLI are one line naming the file and the fix
(exit 2); the read-only commands open the store read-only and never create it."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.store import Store
from tests.processes import ROOT


def recallbot(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECALLBOT_", "MOTIVE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT,
        env=env | {"RECALLBOT_DB": str(db), "MOTIVE_API_KEY": "unused: the store fails first"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def one_line_exit_2(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    for word in words:
        assert word in done.stderr


@pytest.mark.parametrize("command", [["status"], ["list"], ["audit"]])
def test_a_mistyped_path_is_named_and_never_created(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "recalbot.db"
    one_line_exit_2(recallbot(db, *command), str(db), "RECALLBOT_DB")
    assert not db.exists()


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("these are my notes\n" * 100)
    one_line_exit_2(recallbot(db, "list"), str(db), "not a recallbot database")


def test_a_newer_schema_is_refused_with_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "recallbot.db"
    Store(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA user_version = 99")
    raw.close()
    one_line_exit_2(recallbot(db, "status"), "newer than this recallbot", "upgrade recallbot")
    one_line_exit_2(recallbot(db, "track", "--until-done"), "newer than this recallbot")


def test_a_folder_that_cannot_hold_the_database_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    db = blocker / "recallbot.db"
    done = recallbot(db, "track", "--until-done")
    one_line_exit_2(done, str(db), "RECALLBOT_DB")


def test_read_only_commands_work_on_a_read_only_copy_and_change_nothing(tmp_path: Path) -> None:
    db = tmp_path / "recallbot.db"
    store = Store(db)
    store.audit.add("U1", "requested")
    store.close()
    db.chmod(0o444)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    for command in (["list"], ["status"], ["audit"], ["audit", "--json"]):
        done = recallbot(db, *command)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode in (0, 1), done.stderr  # status: 1 when there is no recall
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert "requested" in recallbot(db, "audit").stdout
