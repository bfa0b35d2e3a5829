"""The recall type and the length of the window, checked against what Motive allows.

A length that does not fit the type is refused rather than "fixed" by switching type: a
time-lapse spends quota differently and looks different, so only the requester may choose it.
"""

from __future__ import annotations

from functools import lru_cache

from bot.phrase.draft import Draft
from bot.phrase.result import Inference, InferenceKind, PhraseProblem
from bot.recall_terms import (
    ALLOWED_DURATIONS,
    DEFAULT_DURATION,
    PhraseErrorCode,
    RecallType,
    allowed_durations_text,
)

# The note of every phrase that names no type (one object: an inference is immutable).
_REGULAR_NOTE = Inference(
    kind=InferenceKind.RECALL_TYPE,
    message="A regular (real-time) recall; say “timelapse” for a time-lapse of up to an hour.",
)


def _minutes_text(seconds: int) -> str:
    minutes = seconds / 60
    shown = f"{minutes:g}"
    return f"{shown} minute{'' if shown == '1' else 's'}"


def resolve_type(draft: Draft) -> tuple[RecallType, list[Inference]]:
    """Regular unless the phrase says time-lapse; both at once is refused."""
    types = {said.value for said in draft.recall_types}
    if len(types) > 1:
        raise PhraseProblem(
            PhraseErrorCode.CONFLICTING_DURATION,
            "The phrase asks for both a regular recall and a time-lapse. Say one: regular "
            "(1, 2 or 3 minutes) or timelapse (5 to 60 minutes), e.g. “truck 42 yesterday "
            "3pm timelapse 15 min”.",
        )
    if types:
        return types.pop(), []
    return RecallType.REGULAR, [_REGULAR_NOTE]


@lru_cache(maxsize=len(RecallType))
def _default_note(recall_type: RecallType, default: int) -> Inference:
    """The note of a phrase that gives no length: one per type, written once."""
    return Inference(
        kind=InferenceKind.DURATION,
        message=f"No length given: {_minutes_text(default * 60)}, the default for a "
        f"{recall_type} recall.",
    )


def resolve_duration(
    draft: Draft, recall_type: RecallType, range_seconds: int | None, range_text: str | None
) -> tuple[int, list[Inference]]:
    """The window's length in minutes, from a duration, a range, or the type's default."""
    said: dict[int, str] = {}
    if range_seconds is not None and range_text is not None:
        said[range_seconds] = range_text
    for duration in draft.durations:
        said.setdefault(duration.value, duration.text)
    if len(said) > 1:
        texts = [f"“{text}” ({_minutes_text(seconds)})" for seconds, text in said.items()]
        raise PhraseProblem(
            PhraseErrorCode.CONFLICTING_DURATION,
            f"The phrase gives different lengths: {' and '.join(texts[:3])}. Give one, e.g. "
            "“3:00-3:02pm” or “3pm 2 min”.",
        )
    example = "“truck 42 yesterday 3pm 2 min”"
    if recall_type is RecallType.TIMELAPSE:
        example = "“truck 42 yesterday 3pm timelapse 15 min”"
    if not said:
        default = DEFAULT_DURATION[recall_type]
        if default is None:
            raise PhraseProblem(
                PhraseErrorCode.MISSING_DURATION,
                f"A time-lapse needs a length: {allowed_durations_text(recall_type)}, e.g. "
                f"{example}.",
            )
        return default, [_default_note(recall_type, default)]
    ((seconds, text),) = said.items()
    allowed = ALLOWED_DURATIONS[recall_type]
    if seconds % 60 == 0 and seconds // 60 in allowed:
        return seconds // 60, []
    other = next(t for t in RecallType if t is not recall_type)
    if seconds % 60:
        why = f"recalls come in whole minutes, and “{text}” is {_minutes_text(seconds)}"
    elif seconds // 60 in ALLOWED_DURATIONS[other]:
        why = (
            f"a {recall_type} recall lasts {allowed_durations_text(recall_type)}; "
            f"{_minutes_text(seconds)} is only possible as a {other} recall (say “{other}”)"
        )
    else:
        why = f"a {recall_type} recall lasts {allowed_durations_text(recall_type)}"
    raise PhraseProblem(
        PhraseErrorCode.DURATION_NOT_ALLOWED,
        f"“{text}” can't be recalled: {why}. For example {example}.",
    )
