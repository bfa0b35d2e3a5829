"""``parse_phrase``: text, the requester's zone and "now" in; a request or a refusal out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache

from bot.phrase.cameras import resolve_cameras
from bot.phrase.context import Context, borrow
from bot.phrase.draft import Draft, Said, ZoneSpec
from bot.phrase.grammar import read_draft
from bot.phrase.lengths import resolve_duration, resolve_type
from bot.phrase.lexer import tokenize
from bot.phrase.result import Inference, InferenceKind, ParsedPhrase, PhraseError, PhraseProblem
from bot.phrase.spelling import check_words
from bot.phrase.targets import resolve_targets
from bot.phrase.when import Moment, resolve_moment
from bot.phrase.zones import zone_label
from bot.plumbing.timefmt import clock_text, local_text
from bot.recall_terms import (
    ALLOWED_DURATIONS,
    DEFAULT_MAX_TARGETS,
    PhraseErrorCode,
    RecallType,
    allowed_durations_text,
)


def reading_zone(
    draft: Draft, requester: tzinfo, whose: str = "your time zone"
) -> tuple[tzinfo, ZoneSpec | None, Inference]:
    """The zone to read the phrase in: the one it names, or the requester's (``whose`` says
    where that came from: the person's own, or only the default)."""
    named = {spec.label: spec for spec in draft.zones if spec.tz is not None}
    if len(named) > 1:
        texts = " and ".join(f"“{spec.text}”" for spec in named.values())
        raise PhraseProblem(
            PhraseErrorCode.AMBIGUOUS_TIME,
            f"The phrase names two time zones, {texts}. Name one, e.g. “3pm CT”.",
        )
    if named:
        spec = next(iter(named.values()))
        assert spec.tz is not None  # noqa: S101 - filtered above; narrows the type
        message = f"Times read in {spec.label}, as the phrase says."
        return spec.tz, spec, Inference(kind=InferenceKind.ZONE, message=message)
    return requester, None, _zone_note(requester, whose)


@lru_cache(maxsize=64)
def _zone_note(requester: tzinfo, whose: str) -> Inference:
    """ "Times read in America/Chicago, your time zone.": the same note for every phrase read
    in one requester's zone, so it is written once (an inference is immutable)."""
    message = f"Times read in {zone_label(requester)}, {whose}."
    return Inference(kind=InferenceKind.ZONE, message=message)


def _ignored(draft: Draft) -> list[Inference]:
    words = list(draft.ignored)
    if draft.has_time_point():
        words += draft.nows
    if not words:
        return []
    shown = ", ".join(f"“{w}”" for w in dict.fromkeys(words))
    return [
        Inference(
            kind=InferenceKind.IGNORED,
            message=f"Ignored {shown}: not part of a recall request. Rephrase if they mattered.",
        )
    ]


def _approximate_note(word: str, moment: datetime) -> Inference:
    """ "about 20 min ago": the time is approximate, and an exact one is used."""
    return Inference(
        kind=InferenceKind.CLOCK,
        message=f"“{word}”: the time is approximate; taken as exactly {clock_text(moment)}. "
        "Say the exact minute if it differs.",
    )


def _centred(
    draft: Draft, moment: Moment, recall_type: RecallType, tz: tzinfo
) -> tuple[Moment, Said[int] | None]:
    """A window centred on the moment ("3pm ± 1 min"): the moment moved to its start, and the
    window's length; refused, with the nearest windows Motive allows, when that length is not
    one the recall type allows (never rounded)."""
    if not draft.centred:
        return moment, None
    lengths = {said.value: said for said in draft.centred}
    if len(lengths) > 1 or moment.ends_window or moment.range_seconds is not None:
        said_texts = [s.text for s in draft.centred] + [r.text for r in draft.ranges]
        texts = " and ".join(f"“{text}”" for text in said_texts[:2])
        raise PhraseProblem(
            PhraseErrorCode.CONFLICTING_DURATION,
            f"The phrase gives two windows, {texts}. Give one, e.g. “3pm ± 1 min”.",
        )
    (said,) = lengths.values()
    allowed = ALLOWED_DURATIONS[recall_type]
    if said.value % 60 or said.value // 60 not in allowed:
        raise PhraseProblem(
            PhraseErrorCode.DURATION_NOT_ALLOWED,
            f"“{said.text}” is {said.value / 60:g} min, and a {recall_type} recall lasts "
            f"{allowed_durations_text(recall_type)}. The nearest windows around that time: "
            f"{_nearest_windows(moment.instant, said.value, allowed, tz)}.",
        )
    return moment._replace(instant=moment.instant - timedelta(seconds=said.value / 2)), said


def _nearest_windows(centre: datetime, seconds: int, allowed: tuple[int, ...], tz: tzinfo) -> str:
    """The two allowed windows centred on ``centre`` closest in length to ``seconds``."""
    nearest = sorted(allowed, key=lambda m: (abs(m * 60 - seconds), m))[:2]
    shown = []
    for minutes in sorted(nearest):
        half = timedelta(seconds=minutes * 30)
        start, end = (centre - half).astimezone(tz), (centre + half).astimezone(tz)
        shown.append(f"“± {minutes / 2:g} min” ({clock_text(start)} to {clock_text(end)}, "
                     f"{minutes} min)")  # fmt: skip
    return " or ".join(shown)


def _parse(
    text: str,
    tz: tzinfo,
    now: datetime,
    context: Context | None,
    most: int,
    whose: str,
    draft: Draft | None = None,
    targets_wanted: bool = True,
) -> ParsedPhrase:
    """``draft``: the phrase already read (less a question's own words, ``bot.phrase.intents``);
    ``targets_wanted`` False: a window only (the place's vehicles are found by the core)."""
    draft, reading_now = draft or read_draft(tokenize(text)), now
    if draft.ignored:
        check_words(text, draft.ignored, draft.before_ids)
    borrowed: list[Inference] = []
    if context is not None:
        draft, borrowed_now, borrowed = borrow(draft, context, tz)
        reading_now = min(borrowed_now, now) if borrowed_now else now
    targets, target_notes = resolve_targets(draft, most) if targets_wanted else ([], [])
    reading_tz, zone, zone_note = reading_zone(draft, tz, whose)
    moment, time_notes = resolve_moment(draft, reading_now, reading_tz, zone)
    recall_type, type_notes = resolve_type(draft)
    centre = moment.instant
    moment, centred = _centred(draft, moment, recall_type, reading_tz)
    minutes, duration_notes = resolve_duration(
        draft,
        recall_type,
        centred.value if centred else moment.range_seconds,
        centred.text if centred else moment.range_text,
    )
    if centred is not None:
        local = moment.instant.astimezone(reading_tz)
        time_notes.append(
            Inference(
                kind=InferenceKind.WINDOW,
                message=f"“{centred.text}” read as {clock_text(local)} to "
                f"{clock_text(local + timedelta(seconds=centred.value))}, centred on "
                f"{clock_text(centre.astimezone(reading_tz))}.",
            )
        )
    if draft.approximate and not any(c.approximate for c in (*draft.clocks, *draft.end_clocks)):
        time_notes.append(_approximate_note(draft.approximate[0], centre.astimezone(reading_tz)))
    cameras, camera_notes = resolve_cameras(draft.cameras)
    length = timedelta(minutes=minutes)
    start = moment.instant - length if moment.ends_window else moment.instant
    if moment.ends_window:
        time_notes.append(
            Inference(
                kind=InferenceKind.WINDOW,
                message=f"The window ends at {local_text(moment.instant.astimezone(reading_tz))},"
                f" so it starts {minutes} min earlier.",
            )
        )
    if start + length > now:
        local_end = (start + length).astimezone(reading_tz)
        raise PhraseProblem(
            PhraseErrorCode.FUTURE_TIME,
            f"That window ends at {local_text(local_end)}, which hasn't happened yet (it is "
            f"{local_text(now.astimezone(reading_tz))}). Footage can be recalled once it has "
            "been recorded: ask for an earlier time, e.g. “truck 42 20 min ago 2 min”.",
        )
    notes = [
        *borrowed,
        *target_notes,
        zone_note,
        *time_notes,
        *type_notes,
        *duration_notes,
        *camera_notes,
        *_ignored(draft),
    ]
    start = start.astimezone(UTC).replace(microsecond=0)
    return ParsedPhrase(
        targets=tuple(targets),
        start_time=start,
        duration=minutes,
        recall_type=recall_type,
        camera_positions=cameras,
        local_start=start.astimezone(reading_tz),
        zone_label=zone.label if zone else zone_label(reading_tz),
        inferred=tuple(notes),
        moment=None if moment.range_seconds is not None else centre,
    )


def utc_moment(now: datetime) -> datetime:
    """The moment a phrase was written, in UTC (a naive ``now`` is the caller's bug)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(UTC)


def parse_phrase(
    text: str,
    tz: tzinfo,
    now: datetime,
    context: Context | None = None,
    max_targets: int = DEFAULT_MAX_TARGETS,
    zone_words: str = "your time zone",
) -> ParsedPhrase | PhraseError:
    """Read a phrase typed by a person into a recall request, or say why it can't be one.

    Pure and fast: no I/O, no clock of its own. ``tz`` is the requester's zone (used unless
    the phrase names one) and ``now`` the aware moment the phrase was written, which decides
    what "yesterday" means and what is still in the future. ``context``: the message the phrase
    answers, whose target and time are used when the phrase names none (see
    ``bot.phrase.context``). Several vehicles or assets (at most ``max_targets``) give one
    request each, for the same window.
    ``zone_words`` says whose zone ``tz`` is, as the reading is reported ("your time zone", or
    that it is only the default when nobody said which).
    """
    try:
        return _parse(text, tz, utc_moment(now), context, max_targets, zone_words)
    except PhraseProblem as problem:
        return problem.error
