"""The answer in the thread: a link per camera with its expiry, or why there is none."""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.ids import ActionId, BlockId
from bot.plumbing.timefmt import local_text
from bot.recall import CAMERA_WORDS, CameraPosition
from bot.slack.blocks.base import Message, escape, link, message, note, section
from bot.slack.blocks.look import look_button
from bot.slack.blocks.words import target_words
from bot.store import RecallState, TrackedRecall


def _camera_name(position: CameraPosition | str) -> str:
    return CAMERA_WORDS[position] if isinstance(position, CameraPosition) else str(position)


def answer(recall: TrackedRecall, zone: tzinfo) -> Message:
    """The reply for a finished recall: footage, failure, expiry or refusal."""
    target = target_words(recall.request)
    if recall.state in (RecallState.SUCCESS, RecallState.FAILED) and recall.cameras:
        return _footage(recall, zone, target)
    if recall.state is RecallState.EXPIRED:
        text = (
            f":hourglass: *No footage yet for {escape(target)}.* Motive had not finished after "
            f"recallbot followed it until {local_text(recall.deadline_at.astimezone(zone))}. "
            "A parked vehicle uploads only when it is next online.\n"
            f"Check again later with `/recall status {recall.id}`, or in Motive's dashboard."
        )
    elif recall.state is RecallState.REFUSED:
        text = (
            f":no_entry: *Motive refused the recall for {escape(target)}:* "
            f"{escape(recall.last_error or 'no reason given')}\nNothing was spent. Try another "
            "time or camera, or `/recall help`."
        )
    else:
        text = (
            f":x: *No footage for {escape(target)}:* "
            f"{escape(recall.last_error or 'Motive gave no reason')}\n"
            "Try a different time or camera; the vehicle must have been recording."
        )
    shown: list[Block] = [section(text), *_actions(recall, []), note(f"Recall `{recall.id}`")]
    return message(text.replace("*", ""), shown)


def _actions(recall: TrackedRecall, buttons: list[ButtonElement]) -> list[Block]:
    """The answer's buttons: ``buttons``, then Look now when the recall is of a vehicle (a
    road-facing still of it now, answered in this thread; an asset's Omnicam has none)."""
    if recall.request.vehicle_number is not None:
        buttons = [*buttons, look_button(ActionId.ANSWER_LOOK, recall.id)]
    if not buttons:
        return []
    return [ActionsBlock(elements=buttons, block_id=BlockId.ANSWER_ACTIONS)]


def _footage(recall: TrackedRecall, zone: tzinfo, target: str) -> Message:
    ready = [c for c in recall.cameras if c.status == "success" and c.download_url]
    failed = [c for c in recall.cameras if c not in ready]
    if ready:
        heading = f":white_check_mark: *Footage ready for {escape(target)}*"
    else:
        heading = f":x: *No camera's footage could be recalled for {escape(target)}*"
    blocks: list[Block] = [section(heading)]
    for camera in ready:
        name = _camera_name(camera.position)
        expiry = (
            f"link expires {local_text(camera.expires_at.astimezone(zone).replace(second=0))}"
            if camera.expires_at
            else "link expiry not given"
        )
        description = f"*{name}*\n{expiry}"
        blocks.append(link(f"Download {name}"[:75], camera.download_url or "", ActionId.OPEN_LINK,
                           description))  # fmt: skip
    for camera in failed:
        reason = camera.failure_reason or f"status: {camera.status}"
        blocks.append(section(f":x: *{_camera_name(camera.position)}* — {escape(reason)}"))
    refresh = ButtonElement(text="Refresh links", action_id=ActionId.REFRESH, value=recall.id)
    blocks += _actions(recall, [refresh] if ready else [])
    blocks.append(note(f"Recall `{recall.id}` · Motive {recall.motive_id}. Links expire; "
                       "Refresh links fetches new ones."))  # fmt: skip
    return message(heading.replace("*", ""), blocks)
