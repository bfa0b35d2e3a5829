"""A look in Slack: its status message (one per look, kept current in place), the answer in
its thread (the picture's words, a link where the picture may not be uploaded, or why there
is no picture), and the Look now button that alerts and recall answers carry.

Every answer names its capture (``marker``): after a crash between Slack sharing the picture
and the store recording it, the next attempt finds it in the thread instead of sharing it
again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from slack_sdk.models.blocks import ButtonElement

from bot.fleet import TargetKind
from bot.ids import ActionId
from bot.look.outcomes import named
from bot.plumbing.timefmt import clock_text, local_text
from bot.recall import CAMERA_WORDS
from bot.slack.blocks.base import Message, escape, link, message, note, section
from bot.slack.blocks.progress import asked_by
from bot.store import CaptureState, TrackedCapture

STATE_WORDS: dict[CaptureState, str] = {
    CaptureState.SUBMITTING: ":outbox_tray: *Asking* Motive for a picture…",
    CaptureState.SENDING: ":outbox_tray: *Asking* Motive for a picture…",
    CaptureState.PENDING: ":hourglass_flowing_sand: *Requested* — the camera takes it when the "
    "vehicle is online (usually within a minute)",
    CaptureState.PROCESSING: ":gear: *Taking it* — the camera is uploading the picture",
    CaptureState.SUCCESS: ":white_check_mark: *Taken* — the picture is in the thread",
    CaptureState.FAILED: ":x: *No picture* — why is in the thread",
    CaptureState.REFUSED: ":no_entry: *Refused by Motive* — why is in the thread",
    CaptureState.UNKNOWN: ":grey_question: *Unknown* — see the thread",
    CaptureState.EXPIRED: ":hourglass: *No picture yet* — recallbot stopped following it; see "
    "the thread",
}


def marker(capture: TrackedCapture) -> str:
    """How an answer names its capture (the notifier finds an answer it lost by this; the
    status message names its captures otherwise, so it is never taken for an answer)."""
    return f"capture `{capture.id}`"


def look_marker(look_id: str) -> str:
    """How a status message names its look (a status message lost in a crash is found by it)."""
    return f"Look `{look_id}`"


def what_words(capture: TrackedCapture) -> str:
    """'Vehicle 42 · Road-facing': the camera of what."""
    return f"{named(TargetKind(capture.kind), capture.target)} · {CAMERA_WORDS[capture.position]}"


def look_status(captures: Sequence[TrackedCapture], zone: tzinfo) -> Message:
    """The one message that shows a look's captures to the channel (one line per camera)."""
    first = captures[0]
    cameras = ", ".join(CAMERA_WORDS[c.position] for c in captures)
    kind = TargetKind(first.kind)
    asked = local_text(first.created_at.astimezone(zone))
    lines = [f":camera_with_flash: *Look now: {escape(named(kind, first.target))} · {cameras}* "
             f"— asked by {asked_by(first.requested_by)}, {asked}"]  # fmt: skip
    if len(captures) == 1:
        lines.append(STATE_WORDS[first.state])
    else:
        lines += [f"*{CAMERA_WORDS[c.position]}:* {STATE_WORDS[c.state]}" for c in captures]
    ids = [look_marker(first.look_id), "capture " + ", ".join(c.id for c in captures)]
    motive = [c.request_id for c in captures if c.request_id]
    if motive:
        ids.append(f"Motive {', '.join(motive)}")
    states = ", ".join(sorted({str(c.state) for c in captures}))
    return message(f"Look now, {named(kind, first.target)}: {states}",
                   [section("\n".join(lines)), note(" · ".join(ids))])  # fmt: skip


def picture_comment(capture: TrackedCapture, zone: tzinfo) -> str:
    """The words that share a picture in the thread (its camera, vehicle and moment)."""
    seen = capture.finished_at or capture.updated_at
    return (f"{what_words(capture)}, seen {clock_text(seen.astimezone(zone))} "
            f"{seen.astimezone(zone).tzname() or ''} ({marker(capture)})")  # fmt: skip


def picture_link(capture: TrackedCapture, zone: tzinfo, why: str) -> Message:
    """The picture as a link, where the upload rules keep it out of Slack (``why``)."""
    expires = capture.image_expires_at
    expiry = (f"link expires {local_text(expires.astimezone(zone))}" if expires
              else "link expiry not given")  # fmt: skip
    said = f"*{escape(what_words(capture))}* — not uploaded ({why}); {expiry}"
    return message(f"{what_words(capture)}: the picture (a link)", [
        link("Open the picture", capture.image_url or "", ActionId.OPEN_LINK, said),
        note(f"{marker(capture)} · ask again for a fresh picture and link"),
    ])  # fmt: skip


def no_picture(capture: TrackedCapture, problem: str | None = None) -> Message:
    """Why a capture has no picture in the thread, with what to do (the core's sentence)."""
    who = escape(what_words(capture))
    if capture.state is CaptureState.SUCCESS:
        text = (
            f":warning: *Motive took the picture ({who}), but recallbot could not fetch "
            f"it:* {escape(problem or 'no reason given')}. Ask again for a fresh one."
        )
    else:
        icon = ":no_entry:" if capture.state is CaptureState.REFUSED else ":x:"
        text = f"{icon} *No picture ({who}):* {escape(capture.last_error or 'no reason given')}"
    return message(text.replace("*", ""), [section(text), note(marker(capture))])


def look_button(action: ActionId, value: str) -> ButtonElement:
    """Look now: a road-facing still of the vehicle, answered in this thread."""
    return ButtonElement(text="Look now", action_id=action, value=value)


def looking(captures: Sequence[TrackedCapture], thread_link: str) -> Message:
    """What the asker is told once the look is asked: where the picture will appear."""
    cameras = ", ".join(CAMERA_WORDS[c.position].lower() for c in captures)
    first = captures[0]
    target = named(TargetKind(first.kind), first.target)
    text = (
        f":camera_with_flash: Asked Motive for a picture from {escape(target)}'s {cameras} "
        f"camera: it will appear in {thread_link} (look `{first.look_id}`)."
    )
    return message(text, [section(text)])
