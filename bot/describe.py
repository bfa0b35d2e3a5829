"""Plain-text descriptions of what recallbot understood, for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING

from bot.phrase import ParsedPhrase, PhraseError
from bot.plumbing.timefmt import local_text, span_text, utc_text
from bot.recall import CAMERA_WORDS, CameraPosition, RecallRequest

if TYPE_CHECKING:  # the HTTP client is not loaded for `recallbot parse`
    from bot.motive import CameraResult, QuotaInfo
    from bot.service import Preview
    from bot.store import TrackedCapture, TrackedRecall


def describe_parsed(parsed: ParsedPhrase) -> list[str]:
    """Lines that show a request the way the requester will be asked to confirm it."""
    request = parsed.request
    target = " and ".join(
        f"vehicle {r.vehicle_number}" if r.vehicle_number is not None else f"asset {r.asset_name}"
        for r in parsed.every
    )
    cameras = (
        "every camera"
        if request.camera_positions is None
        else ", ".join(CAMERA_WORDS[p] for p in request.camera_positions)
    )
    minutes = f"{request.duration} min"
    lines = [
        f"{target} · {request.recall_type} · {minutes} · {cameras}",
        describe_window(request, parsed.local_start.tzinfo or UTC),
    ]
    lines += [f"· {inference.message}" for inference in parsed.inferred]
    return lines


def describe_window(request: RecallRequest, zone: tzinfo) -> str:
    """'Thu Dec 3, 3:00 PM CST to 3:01 PM  (2026-12-03 21:00 UTC to 21:01 UTC)': the whole
    window in ``zone`` (the asker's), and in UTC."""
    start, end = request.start_time.astimezone(zone), request.end_time.astimezone(zone)
    return f"{span_text(start, end)}  ({utc_text(start)} to {utc_text(end)[11:]})"


def describe(text: str, result: ParsedPhrase | PhraseError) -> str:
    """A phrase and what became of it, as an indented block."""
    if isinstance(result, PhraseError):
        body = [f"✗ {result.code}: {result.message}"]
    else:
        first, *rest = describe_parsed(result)
        body = [f"✓ {first}", *(f"  {line}" for line in rest)]
    return "\n".join([f"» {text}", *(f"  {line}" for line in body)])


def describe_preview(preview: Preview, zone: tzinfo) -> list[str]:
    """What recallbot found out before spending anything: target, footage, quota (only when
    Request would spend it), problems, and where footage exists near a window without it."""
    lines = [f"· {note}" for note in preview.notes]
    if preview.where:
        lines.append(f"where: {preview.where}")
    footage = preview.footage
    if footage.checked or footage.error:
        lines.append(f"footage: {footage.words}")
    if footage.checked and not footage.covered:
        shown = [span_text(w.start_time.astimezone(zone), w.end_time.astimezone(zone))
                 for w in footage.nearest]  # fmt: skip
        lines.append(
            f"footage nearby: {'; '.join(shown) if shown else 'none in the day around it'}"
        )
    if preview.duplicate is not None:
        lines.append(f"already requested: recall {preview.duplicate.id} is "
                     f"{preview.duplicate.state}; asking again spends nothing")  # fmt: skip
    elif preview.spends and preview.quota is not None:
        lines.append(f"quota: {preview.quota}")
    lines += [f"✗ {problem}" for problem in preview.problems]
    return lines


def describe_cameras(cameras: Sequence[CameraResult], zone: tzinfo) -> list[str]:
    """One line per camera: its link and when the link expires, or why it failed."""
    lines = []
    for camera in cameras:
        position = camera.position
        name = CAMERA_WORDS[position] if isinstance(position, CameraPosition) else str(position)
        if camera.status == "success" and camera.download_url:
            expires = ""
            if camera.expires_at:
                shown = local_text(camera.expires_at.astimezone(zone).replace(second=0))
                expires = f" (link expires {shown})"
            lines.append(f"{name:<22} {camera.download_url}{expires}")
        elif camera.status == "failed":
            lines.append(f"{name:<22} failed: {camera.failure_reason or 'no reason given'}")
        else:
            lines.append(f"{name:<22} {camera.status}")
    return lines


def describe_answer(recall: TrackedRecall, zone: tzinfo) -> list[str]:
    """A recall's final answer: each camera's link, or why there is no footage."""
    state = str(recall.state)
    if state in ("success", "failed") and recall.cameras:
        return describe_cameras(recall.cameras, zone)
    if state == "expired":
        return [
            f"recallbot stopped following it at {local_text(recall.deadline_at.astimezone(zone))}"
            f" without an answer from Motive. Check again with `recallbot status {recall.id}`, "
            "or in Motive's dashboard (video recall requests)."
        ]
    return [recall.last_error or f"{state}: Motive gave no reason"]


def describe_capture(capture: TrackedCapture, zone: tzinfo) -> list[str]:
    """A look's capture, for ``recallbot status``: the camera of what, who asked, how far it
    got, and its answer (the picture, or why there is none)."""
    kind = str(capture.kind).capitalize()
    asked = local_text(capture.created_at.astimezone(zone))
    lines = [
        f"capture {capture.id} (look {capture.look_id}, Motive {capture.request_id or '-'}): "
        f"{capture.state}",
        f"  {kind} {capture.target} · {CAMERA_WORDS[capture.position]} · a still, now",
        f"  asked by {capture.requested_by} at {asked}",
        f"  checks: {capture.attempts}",
        f"  answer: {describe_delivery(capture, zone)}",
    ]
    origin = capture.origin
    if origin and origin.channel_id:
        lines.append(f"  thread: {origin.channel_id} {origin.thread_ts or origin.status_ts or ''}")
    if capture.state == "success" and capture.finished_at is not None:
        lines.append(f"  picture taken at {local_text(capture.finished_at.astimezone(zone))}")
    elif capture.last_error:
        lines.append(f"  {capture.last_error}")
    return lines


def describe_delivery(recall: TrackedRecall | TrackedCapture, zone: tzinfo) -> str:
    """Whether the answer reached the thread that asked: when it did; still owed, with what
    the last try met and when the next one goes; or given up, and why."""
    if recall.delivered_at is not None and recall.delivery == "delivered":
        return f"delivered at {local_text(recall.delivered_at.astimezone(zone))}"
    if recall.delivery == "undeliverable":
        return (
            f"undeliverable, given up after {recall.delivery_tries} tries: {recall.delivery_note}"
            " (the thread never got it; the requester was told by DM where Slack allowed)"
        )
    if recall.delivery_note and recall.delivery_next_at is not None:
        next_try = local_text(recall.delivery_next_at.astimezone(zone))
        return (
            f"{recall.delivery}, {recall.delivery_tries} failed tries (last: "
            f"{recall.delivery_note}); next try {next_try}"
        )
    return str(recall.delivery)


def describe_quota(quota: QuotaInfo) -> list[str]:
    """The company's recall minutes this month, a line per recall type."""
    return [
        f"{kind}: {bucket.used_minutes:g} of {bucket.total_minutes:g} minutes used, "
        f"{bucket.remaining_minutes:g} left"
        for kind, bucket in (("Regular", quota.regular), ("Time-lapse", quota.timelapse))
    ]
