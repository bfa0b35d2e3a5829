"""What a phrase leaves out, taken from the message it answers (a thread's first message).

``@recallbot 2 min front only`` under "Truck 42 hit a pole at 3:01pm" means truck 42 at 3:01pm:
the target and the time are taken from the thread's root when the mention does not say them,
and the root's time is read as of when the root was posted ("today" there means that day).
Each thing taken is reported, like any other inference.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import NamedTuple

from bot.phrase.draft import Draft
from bot.phrase.grammar import read_draft
from bot.phrase.lexer import tokenize
from bot.phrase.result import Inference, InferenceKind
from bot.plumbing.timefmt import local_text

_TARGET = ("vehicles", "assets", "listed_ids", "loose_ids")
_TIME = (
    "clocks", "ranges", "end_clocks", "days", "parts", "relatives", "windows", "zones",
    "futures", "nows", "vague",
)  # fmt: skip


class Context(NamedTuple):
    """The message a phrase answers: its text, when it was written, and how to name it."""

    text: str
    written: datetime
    where: str = "the thread's first message"


def _says(draft: Draft, fields: tuple[str, ...]) -> bool:
    return any(getattr(draft, name) for name in fields)


def _time_words(draft: Draft) -> str:
    """The words that named the time ("yesterday 3:01pm CST")."""
    said = [
        *(d.text for d in draft.days), *(r.text for r in draft.ranges),
        *(c.text for c in draft.clocks), *(c.text for c in draft.end_clocks),
        *(s.text for s in draft.relatives), *(s.text for s in draft.windows),
        *(p.text for p in draft.parts), *(z.text for z in draft.zones),
    ]  # fmt: skip
    return " ".join(dict.fromkeys(said))


def borrow(
    draft: Draft, context: Context, zone: tzinfo
) -> tuple[Draft, datetime | None, list[Inference]]:
    """The draft completed from the context: its target and its time when the phrase names
    none; the moment a borrowed time is read at (None: the phrase's own); what was taken."""
    root = read_draft(tokenize(context.text))
    taken: dict[str, object] = {}
    notes: list[Inference] = []
    if not _says(draft, _TARGET) and _says(root, _TARGET):
        taken |= {name: getattr(root, name) for name in _TARGET}
        names = list(dict.fromkeys([*root.vehicles, *root.assets, *root.listed_ids,
                                    *root.loose_ids]))  # fmt: skip
        what = ("asset" if root.assets and not root.vehicles else "vehicle") + (
            "s" if len(names) > 1 else ""
        )
        shown = " and ".join(f"“{n}”" for n in names)
        message = f"The {what} ({shown}) taken from {context.where}."
        notes.append(Inference(kind=InferenceKind.TARGET, message=message))
    reading_now = None
    if not _says(draft, _TIME) and _says(root, _TIME):
        taken |= {name: getattr(root, name) for name in _TIME}
        reading_now = context.written
        posted = local_text(context.written.astimezone(zone))
        notes.append(Inference(
            kind=InferenceKind.DAY,
            message=f"The time (“{_time_words(root)}”) taken from {context.where}, read as of "
            f"when it was posted ({posted}).",
        ))  # fmt: skip
    return draft.replaced(**taken), reading_now, notes
