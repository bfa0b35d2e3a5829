"""Where a backup may read and write, decided before anything is opened or created.

A backup replaces its target by renaming a new file onto it, so a wrong target is destroyed:
the store's own write-ahead log (the bot then restarts on an empty store), a device node, a
folder. A target is refused when it is the store or one of SQLite's files beside it (``-wal``,
``-shm``, ``-journal``) under any spelling: compared by resolved path, which sees through
symlinks, ``..`` and doubled slashes, and by inode, which sees hard links. It is refused when
it exists but is not a regular file, and when its folder does not exist or cannot be written.
A symlink to a regular file is followed: the file it points to is replaced, as ``cp`` would.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from bot.store.errors import StoreError

SIDECARS = {
    "": "the database itself",
    "-wal": "the database's write-ahead log",
    "-shm": "the database's shared-memory index",
    "-journal": "the database's rollback journal",
}
"""SQLite's files for a database at ``PATH``: ``PATH`` + suffix, and what each one is."""

_STAY_CLEAR = "give a path that is none of the database's files (.db, -wal, -shm, -journal)"


@dataclass(frozen=True)
class BackupPaths:
    """The store to read and the file to replace, both with every symlink resolved."""

    source: Path
    target: Path


def checked(source: Path, target: Path) -> BackupPaths:
    """The resolved paths of a backup of ``source`` to ``target``, or ``StoreError`` saying in
    one line what is wrong and what to give instead."""
    store = _resolved(source, source)
    _check_source(source, store)
    resolved = _resolved(target, target)
    _check_not_the_store(source, store, target, resolved)
    _check_regular(target, resolved)
    _check_folder(resolved.parent)
    return BackupPaths(store, resolved)


def _resolved(path: Path, named: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop, a component we may not search
        raise StoreError(f"{named} cannot be resolved ({exc}): give a plain path") from exc


def _status(path: Path) -> os.stat_result | None:
    """``path``'s status through symlinks; None when nothing is there."""
    try:
        return path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise StoreError(f"cannot look at {path} ({exc.strerror}): check its permissions") from exc


def _kind(mode: int) -> str:
    """What kind of file ``mode`` is, in words."""
    kinds = (
        (stat.S_ISREG, "a file"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe (fifo)"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "neither a file nor a folder")


def _shown(named: Path, resolved: Path) -> str:
    """``named`` as the user gave it, and where it leads when that is elsewhere."""
    return str(named) if named.absolute() == resolved else f"{named} (which is {resolved})"


def _check_source(source: Path, store: Path) -> None:
    status = _status(store)
    if status is None:
        raise StoreError(
            f"no recallbot database at {source}: set RECALLBOT_DB to the file that `recallbot "
            "run` uses"
        )
    if not stat.S_ISREG(status.st_mode):
        raise StoreError(
            f"{_shown(source, store)} is {_kind(status.st_mode)}, not a recallbot database: set "
            "RECALLBOT_DB to the file that `recallbot run` uses"
        )


def _check_not_the_store(source: Path, store: Path, target: Path, resolved: Path) -> None:
    """Refuse the store's files by name (beside the store as named and as resolved: SQLite
    may use either) and, for those that exist, by inode (a hard link has another name)."""
    identity = _status(resolved)
    for base in {source.absolute(), store}:
        for suffix, what in SIDECARS.items():
            sidecar = Path(f"{base}{suffix}")
            if sidecar.resolve() == resolved:
                raise StoreError(f"{_shown(target, resolved)} is {what} ({sidecar}): {_STAY_CLEAR}")
            status = _status(sidecar)
            if identity and status and os.path.samestat(identity, status):
                raise StoreError(
                    f"{_shown(target, resolved)} is {what} under another name (a hard link to "
                    f"{sidecar}): {_STAY_CLEAR}"
                )


def _check_regular(target: Path, resolved: Path) -> None:
    status = _status(resolved)
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise StoreError(
            f"{_shown(target, resolved)} is {_kind(status.st_mode)}, not a regular file: give the "
            "path of a new file, or of an old backup to replace"
        )


def _check_folder(folder: Path) -> None:
    status = _status(folder)
    if status is None:
        raise StoreError(f"the folder {folder} does not exist: create it first, or give another")
    if not stat.S_ISDIR(status.st_mode):
        raise StoreError(
            f"{folder} is {_kind(status.st_mode)}, not a folder: give a path in an existing folder"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(
            f"cannot write in {folder} (permission denied): give a folder this user may write in"
        )
