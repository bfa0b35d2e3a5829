"""The ephemeral preview of a /recall: exactly what will be requested, before anything is spent."""

from __future__ import annotations

from datetime import UTC, tzinfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.fleet import Match
from bot.ids import ActionId, BlockId
from bot.phrase import ParsedPhrase, PhraseError
from bot.plumbing.timefmt import span_text, utc_text
from bot.service import Preview
from bot.slack.blocks.base import Message, escape, message, note, section
from bot.slack.blocks.words import camera_words, target_words


def check_lines(checked: Preview) -> list[str]:
    """What the checks found: where the vehicle was, footage for the window, and what Request
    would spend (nothing, when it is a repeat of a recall already asked for)."""
    lines = [f":round_pushpin: {escape(checked.where)}"] if checked.where else []
    footage = checked.footage
    if footage.checked or footage.error:
        mark = ":white_check_mark: " if footage.covered else ":x: " if footage.checked else ""
        lines.append(f"*Footage:* {mark}{escape(footage.words)}")
    if checked.duplicate is not None:
        again = checked.duplicate
        lines.append(f"*Already requested:* recall `{again.id}` is *{again.state}*; Request "
                     "points you to it and spends nothing.")  # fmt: skip
    elif checked.spends and checked.quota is not None:
        lines.append(f"*Quota:* {checked.quota}")
    return lines


def problem_texts(checked: Preview, zone: tzinfo) -> list[str]:
    """What stops the request, and where footage exists near a window that has none."""
    texts = [f":warning: {escape(problem)}" for problem in checked.problems]
    footage = checked.footage
    if footage.checked and not footage.covered and footage.nearest:
        nearest = "\n".join(
            f"• {span_text(w.start_time.astimezone(zone), w.end_time.astimezone(zone))}"
            for w in footage.nearest
        )
        texts.append(f"*Footage nearby:*\n{nearest}")
    return texts


def phrase_error(phrase: str, error: PhraseError) -> Message:
    """What was wrong with a phrase, and how to say it instead."""
    blocks: list[Block] = [
        section(
            f":warning: I couldn't read “{escape(phrase)}” as a recall.\n{escape(error.message)}"
        ),
        note("Type `/recall help` for examples."),
    ]
    return message(f"I couldn't read that as a recall: {error.message}", blocks)


def checking(phrase: str) -> Message:
    """Shown at once, while the vehicle, footage and quota are checked."""
    return message(
        "Checking…", [section(f":hourglass_flowing_sand: Checking “{escape(phrase)}” with Motive…")]
    )


def preview(parsed: ParsedPhrase, checked: Preview, draft_id: str | None) -> Message:
    """The request in words, its checks, what was inferred, and Request / Edit / Cancel."""
    request = checked.request
    start = parsed.local_start
    known = f" (Motive id {checked.target.motive_id})" if isinstance(checked.target, Match) else ""
    lines = [
        f":movie_camera: *{escape(target_words(request))}*{known} · {request.recall_type} · "
        f"{request.duration} min · {camera_words(request)}",
        f"*When:* {span_text(start, start + (request.end_time - request.start_time))}",
        f"*UTC:* {utc_text(request.start_time)} to {utc_text(request.end_time)[11:]}",
    ]
    lines += check_lines(checked)
    blocks: list[Block] = [section("\n".join(lines))]
    blocks += [section(text) for text in problem_texts(checked, start.tzinfo or UTC)]
    inferred = [*checked.notes, *(i.message for i in parsed.inferred)]
    if inferred:
        blocks.append(note("\n".join(f"• {escape(text)}" for text in inferred)))
    buttons: list[ButtonElement] = []
    if checked.ready and draft_id is not None:
        buttons.append(ButtonElement(text="Request", action_id=ActionId.SUBMIT, value=draft_id,
                                     style="primary"))  # fmt: skip
    if draft_id is not None:
        buttons.append(ButtonElement(text="Edit", action_id=ActionId.EDIT, value=draft_id))
    buttons.append(ButtonElement(text="Cancel", action_id=ActionId.CANCEL, value=draft_id or "-"))
    blocks.append(ActionsBlock(elements=buttons, block_id=BlockId.PREVIEW_ACTIONS))
    end = start + (request.end_time - request.start_time)
    summary = f"Recall {target_words(request)}, {span_text(start, end)}"
    return message(summary, blocks)
