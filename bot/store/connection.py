"""The one SQLite connection every part of the store shares, and the one way to write.

WAL so readers never wait for the tracker, a busy timeout so processes take turns, foreign keys
on, the file private to its owner (0600), and the schema migrated forward on opening. Writes
that read before they write run in ``BEGIN IMMEDIATE`` transactions (``write``), so two
processes (the app and ``recallbot track``, say) cannot both claim the same recall.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.store.errors import StoreError
from bot.store.schema import MIGRATIONS


def ts(moment: datetime) -> str:
    """A fixed-width UTC timestamp, so text order is time order in SQL comparisons."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def placeholders(values: tuple[Any, ...]) -> str:
    """``?, ?, ?`` for binding ``values`` in an ``IN (...)``."""
    return ", ".join("?" for _ in values)


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (driver video is sensitive)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


class Connection:
    """One connection, one lock: thread-safe, and every write a transaction."""

    def __init__(self, path: Path, busy_timeout_s: float, read_only: bool) -> None:
        """Open (and, unless ``read_only``, create and migrate) the database at ``path``.

        ``read_only`` never creates the file and never writes, so it works on a read-only
        copy (a backup, a mounted snapshot). Every way the file can be unusable raises
        ``StoreError`` naming the file and what to do."""
        self.path = path
        self.lock = threading.RLock()
        try:
            connection = self._connect(busy_timeout_s, read_only)
            self.db = Database(connection)
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            if read_only:
                self._check_version()
            else:
                self.db.enable_wal()
                self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(self._explain(exc)) from exc

    def _connect(self, busy_timeout_s: float, read_only: bool) -> sqlite3.Connection:
        if read_only:
            if not self.path.is_file():
                raise StoreError(
                    f"no recallbot database at {self.path}: set RECALLBOT_DB to the file that "
                    "`recallbot run` or `recallbot track` uses"
                )
            return self._connect_read_only(busy_timeout_s)
        try:
            _create_private(self.path)
        except OSError as exc:
            raise StoreError(
                f"cannot create the database {self.path} ({exc.strerror}): point "
                "RECALLBOT_DB at a writable place"
            ) from exc
        uri = f"file:{self.path.resolve()}"
        return sqlite3.connect(
            uri, uri=True, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
        )

    def _connect_read_only(self, busy_timeout_s: float) -> sqlite3.Connection:
        """Read-only, and on a copy in a folder we may not write (where SQLite cannot make the
        WAL's shared-memory file) as an immutable file: nobody writes a copy."""
        uri = f"file:{self.path.resolve()}?mode=ro"
        for suffix in ("", "&immutable=1"):
            connection = sqlite3.connect(
                uri + suffix, uri=True, timeout=busy_timeout_s, isolation_level=None,
                check_same_thread=False,
            )  # fmt: skip
            try:
                connection.execute("PRAGMA user_version").fetchone()
            except sqlite3.OperationalError:
                connection.close()
                if suffix:
                    raise
                continue
            return connection
        raise AssertionError("unreachable")  # pragma: no cover

    def _explain(self, exc: sqlite3.DatabaseError) -> str:
        text = str(exc)
        if "not a database" in text:
            return (
                f"{self.path} is not a recallbot database (not an SQLite file): check RECALLBOT_DB"
            )
        if "unable to open" in text or "readonly" in text or "read-only" in text:
            return (
                f"cannot open {self.path} for writing ({text}): check RECALLBOT_DB and the file's "
                "and its folder's permissions"
            )
        if "locked" in text:
            return f"{self.path} stayed locked by another process ({text}); try again"
        return f"{self.path} cannot be used ({text})"

    def _check_version(self) -> None:
        version = self.schema_version()
        if version > len(MIGRATIONS):
            raise StoreError(self._newer(version))
        if version < len(MIGRATIONS):
            raise StoreError(
                f"{self.path} has schema version {version}, older than this recallbot "
                f"({len(MIGRATIONS)}): run `recallbot track --until-done` once to upgrade it"
            )

    def _newer(self, version: int) -> str:
        return (
            f"{self.path} has schema version {version}, newer than this recallbot "
            f"({len(MIGRATIONS)}); upgrade recallbot instead of opening it"
        )

    def _migrate(self) -> None:
        with self.write() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > len(MIGRATIONS):
                raise StoreError(self._newer(version))
            for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
                migration(db)
                db.execute(f"PRAGMA user_version = {number}")

    def schema_version(self) -> int:
        """The schema version the file is at."""
        with self.lock:
            return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self.db.close()

    @contextmanager
    def read(self) -> Iterator[Database]:
        """The database, for reads, while no other thread of this process uses it."""
        with self.lock:
            yield self.db

    @contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction that holds the database's write lock from its first statement."""
        with self.lock:
            connection = self.db.conn
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                connection.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (a full disk, a lock) leaves the transaction open: roll it
                # back, or every later write fails with "cannot start a transaction".
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def writable(self, timeout_s: float = 0.25) -> str | None:
        """None when a write could start now, else why not (for health checks).

        Uses a connection of its own with a short timeout, so a held lock answers in
        ``timeout_s`` instead of waiting behind this store's busy timeout."""
        try:
            probe = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=timeout_s)
        except sqlite3.Error as exc:
            return str(exc)
        try:
            probe.isolation_level = None
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
        except sqlite3.Error as exc:
            return str(exc)
        finally:
            probe.close()
        return None
