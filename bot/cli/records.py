"""``recallbot status`` and ``recallbot list``: what the store holds, for people and scripts.

Looks (image captures) are shown too: ``status`` takes a look's or a capture's id as well as a
recall's (the id Slack shows names which: ``r…``, ``l…``, ``c…``), and ``list`` lists the
latest captures under the recalls. ``list --json`` stays the array of recalls scripts read.
"""

from __future__ import annotations

import argparse
import json
from datetime import tzinfo
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.cli.parse import default_zone
from bot.config import get_settings
from bot.describe import describe_answer, describe_capture, describe_delivery, describe_window
from bot.plumbing.timefmt import local_text
from bot.recall import CAMERA_WORDS
from bot.store import Store, TrackedCapture, TrackedRecall


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


def _status_of_look(store: Store, look_id: str, as_json: bool, out: TextIO) -> int:
    """A look's captures, or a capture's (``look_id`` may be either)."""
    found = store.captures.of_look(look_id) if look_id.startswith("l") else \
        [c for c in [store.captures.get(look_id)] if c is not None]  # fmt: skip
    if not found:
        out.write(f"no look or capture {look_id}\n")
        return 1
    if as_json:
        out.write("\n".join(capture.model_dump_json() for capture in found) + "\n")
        return 0
    zone = _capture_zone(found[0])
    out.write("\n".join(line for c in found for line in describe_capture(c, zone)) + "\n")
    return 0


def _capture_zone(capture: TrackedCapture) -> tzinfo:
    kept = capture.origin.zone if capture.origin else None
    return ZoneInfo(kept) if kept else default_zone()


def run_status(args: argparse.Namespace, out: TextIO) -> int:
    """One recall (the latest when no id is given), or a look's captures by its id or one of
    theirs."""
    if args.id and args.id.startswith(("l", "c")):
        with Store(get_settings().db_path, read_only=True) as store:
            return _status_of_look(store, args.id, args.json, out)
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
        captures = [] if args.json else store.captures.recent(args.limit)
    if args.json:
        out.write(json.dumps([r.model_dump(mode="json") for r in recalls]) + "\n")
        return 0
    zone = default_zone()
    if not recalls:
        out.write("no recalls yet\n")
    else:
        out.write(f"{'RECALL':<13}  {'STATE':<10}  {'TARGET':<10}  "
                  f"{'START (' + str(zone) + ')':<25}  LENGTH\n")  # fmt: skip
        for recall in recalls:
            out.write(_summary(recall, zone) + "\n")
    if captures:
        out.write(f"\n{'CAPTURE':<13}  {'LOOK':<13}  {'STATE':<10}  {'TARGET':<18}  "
                  f"{'CAMERA':<13}  ASKED ({zone})\n")  # fmt: skip
        for capture in captures:
            out.write(_capture_line(capture, zone) + "\n")
    return 0


def _capture_line(capture: TrackedCapture, zone: tzinfo) -> str:
    asked = local_text(capture.created_at.astimezone(zone))
    ended = "  answer undeliverable" if capture.delivery == "undeliverable" else ""
    target = f"{capture.kind} {capture.target}"
    return f"{capture.id:<13}  {capture.look_id:<13}  {capture.state:<10}  {target:<18}  " \
           f"{CAMERA_WORDS[capture.position]:<13}  {asked}{ended}"  # fmt: skip
