"""``recallbot audit``: the append-only audit log, for people (a line each) or export (JSON
lines: one object per entry, oldest first)."""

from __future__ import annotations

import argparse
import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import TextIO

from bot.config import get_settings
from bot.plumbing.timefmt import iso_utc
from bot.store import AuditEntry, Store

_SPAN = re.compile(r"(\d+)\s*([mhd])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def since_arg(value: str) -> datetime:
    """``--since``: a span back from now (90m, 24h, 7d), ``today`` or ``yesterday`` (from
    midnight in RECALLBOT_DEFAULT_TZ), a day (2026-11-01, UTC) or an ISO 8601 instant with its
    offset."""
    word = value.strip().lower()
    span = _SPAN.fullmatch(word)
    if span:
        return datetime.now(UTC) - timedelta(**{_UNITS[span[2]]: int(span[1])})
    if word in ("today", "yesterday"):
        zone = get_settings().default_zone
        midnight = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight - timedelta(days=1 if word == "yesterday" else 0)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        pass
    else:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a time to start from: give a span (24h, 7d), today, yesterday, "
            "a day (2026-11-01) or an instant with its offset (2026-11-01T08:00:00-06:00)"
        )
    return moment


def _line(entry: AuditEntry) -> str:
    detail = " ".join(f"{k}={json.dumps(v) if not isinstance(v, str) else v}"
                      for k, v in sorted(entry.detail.items()))  # fmt: skip
    recall = entry.recall_id or "-"
    return f"{iso_utc(entry.at)}  {entry.actor:<12} {entry.action:<16} {recall:<13} {detail}"


def run_audit(args: argparse.Namespace, out: TextIO) -> int:
    """Print the log from ``--since`` (everything by default)."""
    with Store(get_settings().db_path, read_only=True) as store:
        entries = store.audit.entries(args.since)
    for entry in entries:
        out.write((entry.model_dump_json() if args.json else _line(entry).rstrip()) + "\n")
    return 0
