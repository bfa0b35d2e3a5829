"""The status message: posted in the channel when Request is pressed, then kept up to date in
place (requested, processing, ready, failed, expired) by the tracker. Its thread gets the answer."""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import Block

from bot.plumbing.timefmt import span_text, utc_text
from bot.recall import RecallRequest
from bot.slack.blocks.base import Message, escape, message, note, section
from bot.slack.blocks.words import camera_words, target_words
from bot.store import RecallState

STATE_WORDS: dict[str, str] = {
    "requesting": ":outbox_tray: *Requesting* from Motive…",
    RecallState.SUBMITTING: ":outbox_tray: *Requesting* from Motive…",
    RecallState.PENDING: ":hourglass_flowing_sand: *Requested* — Motive fetches the footage from "
    "the camera when the vehicle is online (usually 10–15 minutes; a parked truck can take hours)",
    RecallState.PROCESSING: ":gear: *Processing* — the camera is uploading the footage",
    RecallState.SUCCESS: ":white_check_mark: *Ready* — links are in the thread",
    RecallState.FAILED: ":x: *Failed* — the reason is in the thread",
    RecallState.EXPIRED: ":hourglass: *No answer yet* — recallbot stopped following it; "
    "see the thread",
    RecallState.REFUSED: ":no_entry: *Refused by Motive* — the reason is in the thread",
    RecallState.UNKNOWN: ":grey_question: *Unknown* — see the thread",
}


def asked_by(requested_by: str) -> str:
    """A mention of the person who asked, or recallbot's own automatic request in words."""
    if requested_by[:1] in ("U", "W"):
        return f"<@{requested_by}>"
    return "recallbot, automatically"


def progress_message(
    request: RecallRequest,
    state: str,
    requested_by: str,
    zone: tzinfo,
    recall_id: str | None = None,
    motive_id: str | None = None,
) -> Message:
    """The one message that shows a recall's state to the channel."""
    start = request.start_time.astimezone(zone)
    end = request.end_time.astimezone(zone)
    what = f"{target_words(request)} · {camera_words(request)} · {request.duration} min"
    if request.recall_type != "regular":
        what += f" {request.recall_type}"
    lines = [
        f":movie_camera: *Dashcam recall: {escape(what)}* — asked by {asked_by(requested_by)}",
        f"*When:* {span_text(start, end)} ({utc_text(request.start_time)[11:]}"
        f"–{utc_text(request.end_time)[11:]})",
        STATE_WORDS.get(state, f"*{state}*"),
    ]
    ids = []
    if recall_id:
        ids.append(f"Recall `{recall_id}`")
    if motive_id:
        ids.append(f"Motive {motive_id}")
    blocks: list[Block] = [section("\n".join(lines))]
    if ids:
        blocks.append(note(" · ".join(ids)))
    return message(f"Dashcam recall for {target_words(request)}: {state}", blocks)
