"""A consistent copy of the store while recallbot runs, with SQLite's online backup.

Copying the file with ``cp`` while recallbot writes can catch a half-written page, and misses
what is still in the WAL. The backup API copies a consistent snapshot page by page, letting
writers in between steps. The copy is written to a new, uniquely named hidden file beside its
destination and renamed into place, so a failed or killed backup never leaves a half-copy
under the name a restore would use (nor under another backup's half-copy, when two run at
once). What the destination may be is decided in ``backup_paths``: never the store or its
``-wal``/``-shm``/``-journal``, never anything but a regular file.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from urllib.request import pathname2url

from bot.plumbing.crashpoints import checkpoint
from bot.store.backup_paths import checked
from bot.store.errors import StoreError


def backup(source: Path, target: Path, pages_per_step: int = 256) -> int:
    """Copy the recallbot store at ``source`` to ``target`` (private, 0600); its size in bytes.

    Every way it can fail raises ``StoreError`` with one line saying what to do, and leaves
    the store, its sidecar files and whatever was at ``target`` as they were."""
    paths = checked(source, target)
    with closing(_reader(paths.source)) as reader:
        partial = _partial_beside(paths.target)
        try:
            _copy(reader, partial, pages_per_step)
            checkpoint("backup_copied")
            checked(source, target)  # again: the copy takes a while, and paths can change
            _publish(partial, paths.target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return paths.target.stat().st_size


def _reader(store: Path) -> sqlite3.Connection:
    """A read-only connection to ``store``, once it is known to be a recallbot store."""
    try:
        reader = sqlite3.connect(f"file:{pathname2url(str(store))}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _unreadable(store, exc) from exc
    try:
        version = int(reader.execute("PRAGMA user_version").fetchone()[0])
        found = reader.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'recalls'"
        ).fetchone()
    except sqlite3.Error as exc:
        reader.close()
        raise _unreadable(store, exc) from exc
    if version < 1 or found is None:
        reader.close()
        raise StoreError(
            f"{store} is an SQLite file but not a recallbot database (no recalls table): set "
            "RECALLBOT_DB to the file that `recallbot run` uses"
        )
    return reader


def _unreadable(store: Path, exc: sqlite3.Error) -> StoreError:
    if "not a database" in str(exc):
        return StoreError(
            f"{store} is not a recallbot database ({exc}): set RECALLBOT_DB to the file that "
            "`recallbot run` uses"
        )
    return StoreError(
        f"cannot read {store} ({exc}): run the backup as the user recallbot runs as, or check "
        "RECALLBOT_DB"
    )


def _partial_beside(target: Path) -> Path:
    """A new empty private file in ``target``'s folder: the real test of writing there."""
    try:
        descriptor, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
    except OSError as exc:
        raise StoreError(
            f"cannot write in {target.parent} ({exc.strerror}): give a folder this user may "
            "write in"
        ) from exc
    os.close(descriptor)
    return Path(name)


def _copy(reader: sqlite3.Connection, partial: Path, pages_per_step: int) -> None:
    """Copy the store into ``partial`` and make it one self-contained, checked file.

    The store is in WAL mode and so would its copy be; switching the copy to a rollback
    journal makes it a single file that opens anywhere, even read-only (recallbot turns WAL
    back on when a restored copy is opened)."""
    try:
        with closing(sqlite3.connect(partial)) as copy:
            reader.backup(copy, pages=pages_per_step)
            copy.execute("PRAGMA journal_mode = DELETE")
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as exc:
        raise StoreError(
            f"the backup failed ({exc}); nothing was written under its name: check the free "
            "space, then try again"
        ) from exc
    if verdict != "ok":
        raise StoreError(
            f"the copy failed SQLite's check ({verdict}); nothing was written under its name: "
            "run `sqlite3 RECALLBOT_DB 'PRAGMA integrity_check'` on the store"
        )


def _publish(partial: Path, target: Path) -> None:
    """Rename the finished copy onto ``target`` in one step, and make the rename durable (a
    crash right after must not bring the old file back)."""
    try:
        os.replace(partial, target)
        descriptor = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as exc:
        raise StoreError(
            f"could not put the copy in place at {target} ({exc.strerror}): check the folder, "
            "then try again"
        ) from exc
