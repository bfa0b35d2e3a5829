"""Issue 20, item 6: a backup can never damage the store.

``recallbot backup`` runs as a real process against a live store: a store file in WAL mode,
held open by another connection (as ``recallbot run`` holds it) so that its latest recall is
still only in the ``-wal`` file, the very data a wrong target would destroy. Every refusal
exits 2 with one line on stderr and leaves the store and its sidecar files byte for byte as
they were; a good backup is a private, self-contained SQLite file holding every recall.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.sandbox.motive import MotiveSandbox
from bot.store import Store
from tests.processes import ROOT, SPEED, Recallbot

SIDECARS = ("", "-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Live:
    """A store in use: its folder, its file, and the recallbot that wrote it."""

    folder: Path
    db: Path
    bot: Recallbot

    def files(self) -> dict[str, bytes | None]:
        """The store's file and its sidecars, byte for byte (None: not there)."""
        found = {}
        for suffix in SIDECARS:
            path = Path(f"{self.db}{suffix}")
            found[suffix] = path.read_bytes() if path.exists() else None
        return found

    def recalls(self) -> int:
        """How many recalls a fresh reader finds (as a restarted bot would)."""
        store = Store(self.db, read_only=True)
        try:
            return len(store.recalls.recent(10))
        finally:
            store.close()

    def backup(self, target: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
        """``recallbot backup TARGET`` run in the store's folder (so relative paths are
        beside the store), against ``db`` (default: the live store)."""
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", "backup", target],
            env=self.bot.env | {"RECALLBOT_DB": str(db or self.db)}, cwd=self.folder,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("live")
    with MotiveSandbox(speed=float(SPEED)) as sandbox:
        bot = Recallbot(sandbox, folder / "recallbot.db")
        bot.run("request", "--detach", "truck 42 yesterday 3pm")
        holder = sqlite3.connect(bot.db)  # recallbot run, keeping the WAL from being folded
        try:
            holder.execute("SELECT COUNT(*) FROM recalls").fetchone()
            bot.run("request", "--detach", "truck 42 yesterday 4pm")
            assert Path(f"{bot.db}-wal").stat().st_size > 0, "the second recall is in the WAL"
            yield Live(folder, bot.db, bot)
        finally:
            holder.close()


def _symlink(folder: Path, name: str, to: str | Path) -> str:
    link = folder / name
    if not link.is_symlink():
        link.symlink_to(to)
    return name


def _hard_link(folder: Path, name: str, to: str) -> str:
    if not (folder / name).exists():
        os.link(folder / to, folder / name)
    return name


def _device(folder: Path) -> str:
    """A character device like /dev/null (1, 3), made here: a test must not risk the real one."""
    if not (folder / "null-device").exists():
        try:
            os.mknod(folder / "null-device", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device node needs root (CAP_MKNOD)")
    return "null-device"


def _fifo(folder: Path) -> str:
    if not (folder / "pipe").exists():
        os.mkfifo(folder / "pipe")
    return "pipe"


def _socket(folder: Path) -> str:
    if not (folder / "sock").exists():
        with socket.socket(socket.AF_UNIX) as listening:
            listening.bind(str(folder / "sock"))
    return "sock"


def _folder(folder: Path, name: str) -> Path:
    (folder / name).mkdir(exist_ok=True)
    return folder / name


def _file(folder: Path, name: str) -> str:
    (folder / name).write_text("not a folder\n")
    return name


Target = Callable[[Path], str]

REFUSED: dict[str, tuple[Target, str]] = {
    "the write-ahead log": (lambda f: "recallbot.db-wal", "is the database's write-ahead log"),
    "the shared-memory index": (lambda f: "recallbot.db-shm", "shared-memory index"),
    "the rollback journal (even absent)": (lambda f: "recallbot.db-journal", "rollback journal"),
    "the store as ./name": (lambda f: "./recallbot.db", "is the database itself"),
    "the store via // and ..": (
        lambda f: f"{_folder(f, 'sub')}//./../recallbot.db",
        "is the database itself",
    ),
    "the WAL via ..": (lambda f: f"{_folder(f, 'sub')}/../recallbot.db-wal", "write-ahead log"),
    "a symlink to the store": (
        lambda f: _symlink(f, "latest.db", "recallbot.db"),
        "is the database itself",
    ),
    "a symlink to the WAL": (lambda f: _symlink(f, "log.db", "recallbot.db-wal"), "write-ahead"),
    "a hard link to the store": (
        lambda f: _hard_link(f, "hard.db", "recallbot.db"),
        "is the database itself under another name (a hard link to",
    ),
    "a hard link to the WAL": (
        lambda f: _hard_link(f, "hard-wal.db", "recallbot.db-wal"),
        "is the database's write-ahead log under another name",
    ),
    "a device node": (_device, "is a character device, not a regular file"),
    "a symlink to /dev/null": (
        lambda f: _symlink(f, "null", "/dev/null"),
        "null (which is /dev/null) is a character device",
    ),
    "a fifo": (_fifo, "is a named pipe (fifo), not a regular file"),
    "a socket": (_socket, "is a socket, not a regular file"),
    "a folder": (lambda f: _folder(f, "backups").name, "backups is a folder, not a regular file"),
    "a symlink to a folder": (
        lambda f: _symlink(f, "to-backups", _folder(f, "backups")),
        "is a folder, not a regular file",
    ),
    "a missing folder": (lambda f: "missing/copy.db", "missing does not exist: create it first"),
    "a folder that is a file": (
        lambda f: f"{_file(f, 'plain')}/copy.db",
        "plain is a file, not a folder",
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_a_refused_target_leaves_the_store_untouched(live: Live, case: str) -> None:
    make, reason = REFUSED[case]
    target = make(live.folder)
    before = live.files()
    done = live.backup(target)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("recallbot backup: ")
    assert reason in line
    assert ": give " in line or ": create " in line  # and what to do instead
    assert live.files() == before, "the store or a sidecar changed"
    assert list(live.folder.glob(".*.partial")) == []
    assert live.recalls() == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder, whatever its mode")
def test_a_folder_this_user_may_not_write_in_is_refused(live: Live) -> None:
    locked = _folder(live.folder, "locked")
    locked.chmod(0o500)
    try:
        done = live.backup("locked/copy.db")
    finally:
        locked.chmod(0o700)
    assert done.returncode == 2
    assert "cannot write in" in done.stderr
    assert list(locked.iterdir()) == []


def _sqlite_of_another_app(path: Path) -> None:
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE notes (body TEXT)")
    other.close()


NOT_A_STORE: dict[str, tuple[Callable[[Path], object], str]] = {
    "missing": (lambda p: None, "no recallbot database at"),
    "a folder": (lambda p: p.mkdir(), "is a folder, not a recallbot database"),
    "a text file": (lambda p: p.write_text("hello\n" * 100), "is not a recallbot database"),
    "an empty file": (lambda p: p.touch(), "is an SQLite file but not a recallbot database"),
    "another app's SQLite file": (_sqlite_of_another_app, "not a recallbot database"),
}


@pytest.mark.parametrize("case", NOT_A_STORE, ids=list(NOT_A_STORE))
def test_the_source_must_be_a_recallbot_store(live: Live, tmp_path: Path, case: str) -> None:
    make, reason = NOT_A_STORE[case]
    source = tmp_path / "elsewhere.db"
    make(source)
    done = live.backup(str(tmp_path / "copy.db"), db=source)
    assert done.returncode == 2, done.stdout + done.stderr
    (line,) = done.stderr.splitlines()
    assert reason in line
    assert "set RECALLBOT_DB" in line
    assert [p.name for p in tmp_path.iterdir() if p != source] == []  # no copy, no partial


def _opened(copy: Path) -> sqlite3.Connection:
    """The copy, read-only and on its own: no -wal or -shm beside it is needed."""
    return sqlite3.connect(f"file:{copy}?mode=ro", uri=True)


def test_a_good_backup_is_a_private_self_contained_copy_of_every_recall(live: Live) -> None:
    folder = _folder(live.folder, "good")
    done = live.backup("good/copy.db")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"backed up {live.db} to good/copy.db (")
    copy = folder / "copy.db"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with _opened(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert db.execute("SELECT COUNT(*) FROM recalls").fetchone()[0] == 2  # the WAL's too
    db.close()
    assert sorted(p.name for p in folder.iterdir()) == ["copy.db"]
    restored = Store(copy, read_only=True)
    try:
        assert [r.request.vehicle_number for r in restored.recalls.recent(10)] == ["42", "42"]
    finally:
        restored.close()
    assert live.recalls() == 2


def test_an_old_backup_is_replaced_and_a_symlink_to_it_followed(live: Live) -> None:
    folder = _folder(live.folder, "rotation")
    (folder / "2024.db").write_text("last year's backup\n")
    _symlink(folder, "latest.db", "2024.db")
    done = live.backup("rotation/latest.db")
    assert done.returncode == 0, done.stderr
    assert (folder / "latest.db").is_symlink()
    with _opened(folder / "2024.db") as db:
        assert db.execute("SELECT COUNT(*) FROM recalls").fetchone()[0] == 2
    db.close()


def test_a_backup_killed_before_its_rename_leaves_the_old_backup_whole(live: Live) -> None:
    folder = _folder(live.folder, "killed")
    old = folder / "copy.db"
    old.write_text("the previous backup\n")
    live.bot.killed_at("backup_copied", "backup", str(old))
    assert old.read_text() == "the previous backup\n"
    (partial,) = folder.glob(".copy.db.*.partial")  # the finished copy, never under the name
    partial.unlink()
    assert live.backup(str(old)).returncode == 0
    with _opened(old) as db:
        assert db.execute("SELECT COUNT(*) FROM recalls").fetchone()[0] == 2
    db.close()
    assert sorted(p.name for p in folder.iterdir()) == ["copy.db"]


def test_the_docs_say_what_is_refused() -> None:
    operations = (ROOT / "docs" / "operations.md").read_text()
    backups = operations.split("\n## Backups\n", 1)[1].split("\n## ")[0]
    for refused in ("-wal", "-shm", "-journal", "hard link", "regular file", "exit 2"):
        assert refused in backups, refused
