"""Several targets asked for at once: one preview with a line per target, and one status
message that shows every recall of the group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.fleet import Match
from bot.ids import ActionId, BlockId
from bot.phrase import ParsedPhrase
from bot.plumbing.timefmt import span_text, utc_text
from bot.recall import RecallRequest
from bot.service import Preview
from bot.slack.blocks.base import Message, escape, message, note, section
from bot.slack.blocks.preview import check_lines, problem_texts
from bot.slack.blocks.progress import STATE_WORDS, asked_by
from bot.slack.blocks.words import camera_words, target_words
from bot.store import TrackedRecall


@dataclass(frozen=True)
class TargetLine:
    """One target of a group preview: checked (``preview``), or refused by the policy."""

    request: RecallRequest
    preview: Preview | None = None
    refused: str | None = None
    thread: str | None = None  # a link to the thread of the recall it repeats
    visit: str | None = None  # asked by place: when it entered and left ("inside from 2:41 PM…")

    @property
    def goes_ahead(self) -> bool:
        """Whether Request asks Motive for it."""
        return self.preview is not None and self.preview.spends


def _what(request: RecallRequest) -> str:
    what = f"{request.recall_type} · {request.duration} min · {camera_words(request)}"
    return escape(what)


def _line(line: TargetLine, zone: tzinfo) -> list[str]:
    name = f"*{escape(target_words(line.request))}*"
    if line.visit is not None:
        name += f" ({escape(line.visit)})"
    if line.refused is not None:
        return [f"{name} — :no_entry: {escape(line.refused)}"]
    checked = line.preview
    assert checked is not None  # noqa: S101 - a line is refused or checked
    known = f" (Motive id {checked.target.motive_id})" if isinstance(checked.target, Match) else ""
    if checked.duplicate is not None:
        where = f" — see {line.thread}" if line.thread else ""
        return [f"{name} — :repeat: already requested: recall `{checked.duplicate.id}` is "
                f"*{checked.duplicate.state}*{where}. Nothing more is spent."]  # fmt: skip
    found = [c for c in check_lines(checked) if not c.startswith(("*Quota:*", ":round_pushpin:"))]
    stood = [f":round_pushpin: {escape(checked.where)}"] if checked.where else []
    return [f"{name}{known} — " + (" · ".join(found) or "checked"), *stood,
            *problem_texts(checked, zone)]  # fmt: skip


def group_preview(
    parsed: ParsedPhrase, lines: list[TargetLine], draft_id: str | None, about: str | None = None
) -> Message:
    """Every target with its own checks, what Request spends in all, one Request for all
    (``about``: how the targets were found, e.g. the place they were inside)."""
    start = parsed.local_start
    first = parsed.request
    end = start + (first.end_time - first.start_time)
    zone = start.tzinfo or UTC
    going = [line for line in lines if line.goes_ahead]
    blocks: list[Block] = [section("\n".join([
        f":movie_camera: *{len(lines)} targets* · {_what(first)}",
        f"*When:* {span_text(start, end)}",
        f"*UTC:* {utc_text(first.start_time)} to {utc_text(first.end_time)[11:]}",
    ]))]  # fmt: skip
    blocks += [section(about)] if about else []
    blocks += [section("\n".join(_line(line, zone))) for line in lines]
    quota = next((ln.preview.quota for ln in going if ln.preview and ln.preview.quota), None)
    if going:
        spend = (
            f"*Request spends* {len(going)} × {first.duration} min = "
            f"{len(going) * first.duration} min of {first.recall_type} quota"
        )
        if quota is not None:
            spend += f" ({quota.remaining_minutes:g} min remain this month)"
        blocks.append(section(spend + ". One status message and one thread for all of them."))
    inferred = [i.message for i in parsed.inferred]
    if inferred:
        blocks.append(note("\n".join(f"• {escape(text)}" for text in inferred)))
    buttons: list[ButtonElement] = []
    if going and draft_id is not None:
        label = f"Request {len(going)}" if len(going) > 1 else "Request 1"
        buttons.append(ButtonElement(text=label, action_id=ActionId.SUBMIT, value=draft_id,
                                     style="primary"))  # fmt: skip
    buttons.append(ButtonElement(text="Cancel", action_id=ActionId.CANCEL, value=draft_id or "-"))
    blocks.append(ActionsBlock(elements=buttons, block_id=BlockId.PREVIEW_ACTIONS))
    names = ", ".join(target_words(line.request) for line in lines)
    return message(f"Recall {names}, {span_text(start, end)}", blocks)


def group_progress(recalls: list[TrackedRecall], zone: tzinfo) -> Message:
    """The one status message of recalls asked for together: a line per target."""
    first = recalls[0].request
    start, end = first.start_time.astimezone(zone), first.end_time.astimezone(zone)
    lines = [
        f":movie_camera: *Dashcam recall: {len(recalls)} targets · {_what(first)}* — asked by "
        f"{asked_by(recalls[0].requested_by)}",
        f"*When:* {span_text(start, end)} ({utc_text(first.start_time)[11:]}"
        f"–{utc_text(first.end_time)[11:]})",
    ]
    lines += [f"• *{escape(target_words(r.request))}*: {STATE_WORDS.get(r.state, r.state)}"
              for r in recalls]  # fmt: skip
    ids = " · ".join(f"Recall `{r.id}`" + (f" (Motive {r.motive_id})" if r.motive_id else "")
                     for r in recalls)  # fmt: skip
    states = ", ".join(str(r.state) for r in recalls)
    names = ", ".join(target_words(r.request) for r in recalls)
    return message(f"Dashcam recall for {names}: {states}", [section("\n".join(lines)), note(ids)])
