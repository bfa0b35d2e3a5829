"""The store's connections: one writer every part shares, the one way to write, and readers.

WAL so readers never wait for a writer, a busy timeout so processes take turns, foreign keys
on, the file private to its owner (0600), and the schema migrated forward on opening. Writes
that read before they write run in ``BEGIN IMMEDIATE`` transactions (``write``) on the one
writer connection, so two processes (the app and ``recallbot track``, say) cannot both claim the
same recall. Reads (``read``) take a connection of their own from a small pool, so a preview's
lookup never queues behind another thread's commit; a read inside a write transaction uses the
writer, and so sees what the transaction wrote.

Durability: ``synchronous=NORMAL`` in WAL mode. A commit is in the WAL file when it returns, so
it survives the process crashing or being killed at any step (the chaos bench's SIGKILLs); what
it skips is the fsync on every commit (2.7 ms each on the bench host, with the writer's lock
held), so a power loss or an OS crash may roll back the last commits before the next
checkpoint. The commits that come before something irreversible outside the store (the
Request's rows, before the status message and Motive's create) are ``write(durable=True)``:
fsynced, with every earlier commit, before they return.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
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
    """One writer connection and its lock, and pooled readers: thread-safe, and every write a
    transaction."""

    def __init__(self, path: Path, busy_timeout_s: float, read_only: bool) -> None:
        """Open (and, unless ``read_only``, create and migrate) the database at ``path``.

        ``read_only`` never creates the file and never writes, so it works on a read-only
        copy (a backup, a mounted snapshot). Every way the file can be unusable raises
        ``StoreError`` naming the file and what to do."""
        self.path = path
        self.lock = threading.RLock()  # the writer's
        self._busy_timeout_s = busy_timeout_s
        self._one_connection = read_only  # reads share the writer: read-only, or closed
        self._writing = threading.local()  # this thread is inside write(): its reads see it
        self._idle: list[Database] = []  # readers not in use now
        self._readers: list[sqlite3.Connection] = []  # every reader opened, closed with us
        self._pool = threading.Lock()
        try:
            connection = self._connect(busy_timeout_s, read_only)
            self.db = Database(connection)
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            if read_only:
                self._check_version()
            else:
                self.db.enable_wal()
                connection.execute("PRAGMA synchronous = NORMAL")
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
        """Close the writer and every reader."""
        with self.lock, self._pool:
            self._one_connection = True  # later reads meet the closed writer, as ever
            for reader in self._readers:
                reader.close()
            self._readers.clear()
            self._idle.clear()
            self.db.close()

    @contextmanager
    def read(self) -> Iterator[Database]:
        """The database, for reads: a reader of this thread's own while nobody else uses it,
        which sees every commit made before it starts and never waits for a writer. Inside
        this thread's ``write`` (and on a read-only store) it is the one connection."""
        if self._one_connection or self._depth():
            with self.lock:
                yield self.db
            return
        reader = self._take_reader()
        try:
            yield reader
        finally:
            with self._pool:
                if reader.conn in self._readers:  # not closed meanwhile
                    self._idle.append(reader)

    def _depth(self) -> int:
        """How many ``write`` blocks this thread is inside (0: none)."""
        return int(getattr(self._writing, "depth", 0))

    def _take_reader(self) -> Database:
        """An idle reader, or a new one (as many as threads read at once, a handful)."""
        with self._pool:
            if self._idle:
                return self._idle.pop()
        connection = sqlite3.connect(
            f"file:{self.path.resolve()}", uri=True, timeout=self._busy_timeout_s,
            isolation_level=None, check_same_thread=False,
        )  # fmt: skip
        connection.execute("PRAGMA query_only = ON")  # a reader never writes by mistake
        with self._pool:
            self._readers.append(connection)
        return Database(connection)

    @contextmanager
    def write(self, durable: bool = False) -> Iterator[Database]:
        """A write transaction that holds the database's write lock from its first statement.

        ``durable``: fsynced before it returns (with every commit before it), for rows that
        must outlive a power loss because something irreversible follows them. Inside this
        thread's own write it joins that transaction (``_joined``)."""
        committed: list[Callable[[], None]] = []
        with self.lock:
            depth = self._depth()
            if depth:
                yield from self._joined(depth, durable)
                return
            connection = self.db.conn
            if durable:
                connection.execute("PRAGMA synchronous = FULL")
            self._writing.depth = depth + 1
            self._writing.durable = durable
            self._writing.broken = False
            self._writing.committed = committed
            try:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    yield self.db
                    if self._writing.broken:
                        raise StoreError("SQLite rolled this transaction back after an error "
                                         "inside it; nothing of it was written")  # fmt: skip
                    connection.execute("COMMIT")
                except BaseException:
                    # A failed COMMIT (a full disk, a lock) leaves the transaction open: roll
                    # it back, or every later write fails with "cannot start a transaction".
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
            finally:
                self._writing.depth = depth
                if durable:
                    connection.execute("PRAGMA synchronous = NORMAL")
        for told in committed:  # after the lock: a slow log never holds the writer
            told()

    def _joined(self, depth: int, durable: bool) -> Iterator[Database]:
        """A ``write`` inside this thread's ``write``: part of the outer transaction, committed
        with it, so the changes of several parts (a state and its audit line) are seen together
        or not at all. Its own savepoint undoes it alone when it fails; when SQLite has ended
        the whole transaction instead (a full disk), the outer one is marked broken and will
        not commit, and no later write joins it. A durable write joins only a durable one (the
        fsync comes with the outer commit). Never yield inside a write: the thread stays in it."""
        if durable and not self._writing.durable:
            raise RuntimeError("a durable write cannot join a transaction that is not durable")
        if self._writing.broken:
            raise StoreError("SQLite rolled this transaction back after an error inside it")
        connection, savepoint = self.db.conn, f"joined_{depth}"
        connection.execute(f"SAVEPOINT {savepoint}")
        self._writing.depth = depth + 1
        told_before = len(self._writing.committed)
        try:
            yield self.db
        except BaseException:
            del self._writing.committed[told_before:]  # nothing to tell of what is undone
            if connection.in_transaction:
                connection.execute(f"ROLLBACK TO {savepoint}")
                connection.execute(f"RELEASE {savepoint}")
            else:
                self._writing.broken = True
            raise
        else:
            connection.execute(f"RELEASE {savepoint}")
        finally:
            self._writing.depth = depth

    def on_commit(self, told: Callable[[], None]) -> None:
        """Call ``told`` once this thread's outermost write has committed, after the writer's
        lock is let go (never when it rolls back): a log line about what was written."""
        if not self._depth():
            raise RuntimeError("on_commit outside a write")
        self._writing.committed.append(told)

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
