"""Short answers: help, a recall's status, your recalls, the quota, and the flow's notices."""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import Block

from bot.describe import describe_quota
from bot.motive import QuotaInfo
from bot.plumbing.timefmt import span_text
from bot.slack.blocks.base import Message, escape, message, note, section
from bot.slack.blocks.words import camera_words, target_words
from bot.store import TrackedRecall

HELP = """*Ask for dashcam footage in plain words:*
• `/recall truck 42 yesterday 3pm 2 min front only`
• `/recall unit 77 2h ago inside` — the driver-facing camera, 2 hours ago, 1 minute
• `/recall trailer 88 last friday 6:10 pm 2 min rear`
• `/recall truck 42 3:00-3:30pm timelapse front` — a 30-minute time-lapse
• `/recall asset "Yard Jockey 3" today 9:15am`
*Say:* the vehicle or asset; a day and a clock time (or "20 min ago"); optionally the length \
(regular 1-3 min, timelapse 5-60 min) and the cameras (front, driver, narrow, left, right, \
rear, omnicam; "everything except driver"). Times are read in your Slack time zone unless you \
name one ("3pm PT").
You see exactly what will be requested, and the quota it spends, before you press Request.
*Also:* `/recall status <id>` · `/recall list` (your recent recalls) · `/recall quota`"""


def help_message() -> Message:
    """Usage with examples."""
    return message("How to use /recall", [section(HELP)])


def recall_line(recall: TrackedRecall, zone: tzinfo, permalink: str | None) -> str:
    """One recall in a line: id, state, target, window, and where its thread is."""
    request = recall.request
    start = request.start_time.astimezone(zone)
    where = f" · <{permalink}|thread>" if permalink else ""
    return (
        f"`{recall.id}` *{recall.state}* · {escape(target_words(request))} · "
        f"{span_text(start, request.end_time.astimezone(zone))} · {camera_words(request)}{where}"
    )


def status_message(recall: TrackedRecall, zone: tzinfo, permalink: str | None) -> Message:
    """One recall's status (its links stay in its thread)."""
    lines = [recall_line(recall, zone, permalink)]
    if recall.last_error and not recall.state.finished:
        lines.append(f"Last check: {escape(recall.last_error)}")
    blocks: list[Block] = [section("\n".join(lines))]
    if recall.state == "success":
        blocks.append(note("The download links are in the recall's thread."))
    return message(f"Recall {recall.id}: {recall.state}", blocks)


def list_message(recalls: list[tuple[TrackedRecall, str | None]], zone: tzinfo) -> Message:
    """Your recent recalls, newest first."""
    if not recalls:
        return message("No recalls yet", [section("You have not asked for any recall yet.")])
    blocks: list[Block] = [section("*Your recent recalls:*")]
    blocks += [section(recall_line(recall, zone, link)) for recall, link in recalls]
    return message("Your recent recalls", blocks)


def quota_lines(quota: QuotaInfo) -> list[str]:
    """The company's recall minutes this month, a line per type."""
    return ["*Video recall quota this month:*", *(f"• {line}" for line in describe_quota(quota))]


def quota_message(quota: QuotaInfo) -> Message:
    """The company's recall minutes this month."""
    return message("Video recall quota", [section("\n".join(quota_lines(quota)))])


def notice(text: str) -> Message:
    """A one-line answer (not in channel, already requested, cancelled...)."""
    return message(text.replace("*", ""), [section(text)])


def refusal(text: str) -> Message:
    """What the access policy (or where the links belong) does not allow: nothing was spent."""
    return notice(f":no_entry: {text} Nothing was requested.")
