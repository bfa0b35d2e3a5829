"""``recallbot status`` and ``recallbot list``: what the store holds, for people and scripts."""

from __future__ import annotations

import argparse
import json
from datetime import tzinfo
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.cli.parse import default_zone
from bot.config import get_settings
from bot.describe import describe_answer, describe_delivery, describe_window
from bot.plumbing.timefmt import local_text
from bot.recall import CAMERA_WORDS
from bot.store import Store, TrackedRecall


def _summary(recall: TrackedRecall, zone: tzinfo) -> str:
    request = recall.request
    start = local_text(request.start_time.astimezone(zone))
    ended = "  answer undeliverable" if recall.delivery == "undeliverable" else ""
    return f"{recall.id:<13}  {recall.state:<10}  {request.target:<10}  {start:<25}  " \
           f"{request.duration} min{ended}"  # fmt: skip


def asker_zone(recall: TrackedRecall) -> tzinfo:
    """The zone the recall was asked in (kept with it), else the configured default."""
    kept = recall.origin.zone if recall.origin else None
    return ZoneInfo(kept) if kept else default_zone()


def _describe(recall: TrackedRecall) -> list[str]:
    zone = asker_zone(recall)
    request = recall.request
    cameras = (
        "every camera"
        if request.camera_positions is None
        else ", ".join(CAMERA_WORDS[p] for p in request.camera_positions)
    )
    lines = [
        f"recall {recall.id} (Motive {recall.motive_id or '-'}): {recall.state}",
        f"  {request.target} · {request.recall_type} · {request.duration} min · {cameras}",
        f"  window: {describe_window(request, zone)}",
        f"  asked by {recall.requested_by} at {local_text(recall.created_at.astimezone(zone))}",
        f"  checks: {recall.attempts}"
        + (
            f", next {local_text(recall.next_check_at.astimezone(zone))}"
            if recall.next_check_at
            else ""
        ),
        f"  answer: {describe_delivery(recall, zone)}",
    ]
    if recall.origin and recall.origin.channel_id:
        lines.append(f"  thread: {recall.origin.channel_id} {recall.origin.thread_ts or ''}")
    if recall.state.finished:
        lines += [f"  {line}" for line in describe_answer(recall, zone)]
    elif recall.last_error:
        lines.append(f"  last error: {recall.last_error}")
    return lines


def run_status(args: argparse.Namespace, out: TextIO) -> int:
    """One recall (the latest when no id is given)."""
    with Store(get_settings().db_path, read_only=True) as store:
        recall = (
            store.recalls.get(args.id) if args.id else next(iter(store.recalls.recent(1)), None)
        )
    if recall is None:
        out.write(f"no recall {args.id}\n" if args.id else "no recalls yet\n")
        return 1
    if args.json:
        out.write(recall.model_dump_json() + "\n")
    else:
        out.write("\n".join(_describe(recall)) + "\n")
    return 0


def run_list(args: argparse.Namespace, out: TextIO) -> int:
    """The latest recalls, newest first."""
    with Store(get_settings().db_path, read_only=True) as store:
        recalls = store.recalls.recent(args.limit)
    if args.json:
        out.write(json.dumps([r.model_dump(mode="json") for r in recalls]) + "\n")
        return 0
    if not recalls:
        out.write("no recalls yet\n")
        return 0
    zone = default_zone()
    out.write(f"{'RECALL':<13}  {'STATE':<10}  {'TARGET':<10}  {'START (' + str(zone) + ')':<25}  "
              "LENGTH\n")  # fmt: skip
    for recall in recalls:
        out.write(_summary(recall, zone) + "\n")
    return 0
