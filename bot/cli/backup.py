"""``recallbot backup PATH``: a consistent copy of the store, safe while recallbot runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from bot.config import get_settings
from bot.store.backup import backup


def run_backup(args: argparse.Namespace, out: TextIO) -> int:
    """Copy RECALLBOT_DB to PATH with SQLite's online backup."""
    source = Path(get_settings().db_path)
    size = backup(source, Path(args.path))
    out.write(f"backed up {source} to {args.path} ({size / 1024:.0f} KiB)\n")
    return 0
