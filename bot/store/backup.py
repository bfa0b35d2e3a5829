"""A consistent copy of the store while recallbot runs, with SQLite's online backup.

Copying the file with ``cp`` while recallbot writes can catch a half-written page, and misses
what is still in the WAL. The backup API copies a consistent snapshot page by page, letting
writers in between steps. The copy is written beside its destination and renamed into place,
so a failed backup never leaves a half-copy under the name a restore would use.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from bot.store.errors import StoreError


def backup(source: Path, target: Path, pages_per_step: int = 256) -> int:
    """Copy the database at ``source`` to ``target`` (private, 0600); its size in bytes."""
    if not source.is_file():
        raise StoreError(f"no recallbot database at {source}: set RECALLBOT_DB")
    if target.resolve() == source.resolve():
        raise StoreError(f"{target} is the database itself: give another path")
    partial = target.with_name(f".{target.name}.partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        with sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True) as reader:
            copy = sqlite3.connect(partial)
            try:
                reader.backup(copy, pages=pages_per_step)
            finally:
                copy.close()
        partial.replace(target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"backup of {source} to {target} failed: {exc}") from exc
    return target.stat().st_size
