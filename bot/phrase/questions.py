"""The questions a phrase may ask besides a recall, read into what their answers need, and
``read_phrase``, which reads any phrase into the question it asks.

A look needs its targets and cameras (road-facing unless others are named; driver-facing only
by name); a where-was one vehicle and one moment; a place question the place's name as typed
and the window a recall of its vehicles would take. Like ``parse_phrase`` (which still reads
recalls, and only recalls, for every surface that asks for nothing else), this is a pure
function of the text, the requester's zone and "now".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, NamedTuple

from bot.phrase.cameras import resolve_cameras
from bot.phrase.context import Context, borrow
from bot.phrase.draft import CameraDraft, Draft
from bot.phrase.grammar import read_draft
from bot.phrase.intents import Intent, find_cue
from bot.phrase.lexer import tokenize
from bot.phrase.parser import _ignored, _parse, parse_phrase, reading_zone, utc_moment
from bot.phrase.result import (
    Inference,
    InferenceKind,
    ParsedPhrase,
    PhraseError,
    PhraseProblem,
    Target,
    utc_json,
)
from bot.phrase.spelling import check_words
from bot.phrase.targets import resolve_targets
from bot.phrase.when import resolve_moment
from bot.phrase.zones import zone_label
from bot.plumbing.timefmt import clock_text, local_text
from bot.recall_terms import (
    CAMERA_ORDER,
    DEFAULT_MAX_TARGETS,
    CameraPosition,
    PhraseErrorCode,
    RecallType,
)

HERE_MINUTES = 2
"""The length of "Recall 2 min here": a window centred on the moment asked about, since a
dispatcher asking where a truck was at 3pm wants what it saw just before and just after."""


def _targets_json(targets: tuple[Target, ...]) -> list[dict[str, str | None]]:
    return [{"vehicle_number": t.vehicle_number, "asset_name": t.asset_name} for t in targets]


class LookPhrase(NamedTuple):
    """ "look truck 42": a still from each camera of each target, now."""

    targets: tuple[Target, ...]
    camera_positions: tuple[CameraPosition, ...]
    inferred: tuple[Inference, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``recallbot parse`` object of a look."""
        return {
            "ok": True,
            "intent": Intent.LOOK.value,
            "targets": _targets_json(self.targets),
            "camera_positions": [position.value for position in self.camera_positions],
            "inferred": [inference.to_json() for inference in self.inferred],
        }


class WherePhrase(NamedTuple):
    """ "where was truck 42 yesterday 3pm": one vehicle, one moment."""

    vehicle: str
    at: datetime
    """The moment, in UTC, whole seconds."""
    local_at: datetime
    """The moment as the requester reads it."""
    inferred: tuple[Inference, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``recallbot parse`` object of a where-was."""
        return {
            "ok": True,
            "intent": Intent.WHERE.value,
            "target": {"vehicle_number": self.vehicle, "asset_name": None},
            "at": utc_json(self.at),
            "inferred": [inference.to_json() for inference in self.inferred],
        }


class PlacePhrase(NamedTuple):
    """ "trucks at the Elm St yard yesterday 3pm 2 min": a place's name as typed, and the
    window a recall of the vehicles inside it would take (``window`` names no target)."""

    place: str
    window: ParsedPhrase

    @property
    def at(self) -> datetime:
        """The moment whose vehicles are asked for: the one named, else the window's start."""
        return self.window.moment or self.window.start_time

    @property
    def inferred(self) -> tuple[Inference, ...]:
        """What was inferred of the window."""
        return self.window.inferred

    def with_vehicles(self, numbers: list[str], notes: tuple[str, ...] = ()) -> ParsedPhrase:
        """The recall of ``numbers`` for the window (``notes``: what the core found, said
        first)."""
        found = tuple(Inference(kind=InferenceKind.TARGET, message=note) for note in notes)
        return self.window._replace(targets=tuple(Target(vehicle_number=n) for n in numbers),
                                     inferred=(*found, *self.window.inferred))  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """The ``recallbot parse`` object of a place question."""
        window = self.window
        return {
            "ok": True,
            "intent": Intent.AT_PLACE.value,
            "place": self.place,
            "at": utc_json(self.at),
            "window": window.window_json(),
            "inferred": [inference.to_json() for inference in self.inferred],
        }


Reading = ParsedPhrase | LookPhrase | WherePhrase | PlacePhrase | PhraseError
"""What any phrase becomes: a recall, another question, or why it is neither."""


def recall_here(vehicle: str, at: datetime, zone: tzinfo) -> ParsedPhrase:
    """The recall "Recall 2 min here" opens: ``HERE_MINUTES`` of every camera of ``vehicle``,
    centred on ``at``, shown in ``zone``."""
    start = (at - timedelta(minutes=HERE_MINUTES / 2)).astimezone(UTC).replace(microsecond=0)
    local = start.astimezone(zone)
    centre = at.astimezone(zone)
    said = (
        f"{HERE_MINUTES} min centred on {clock_text(centre)}, the moment asked about: "
        f"{clock_text(local)} to {clock_text(local + timedelta(minutes=HERE_MINUTES))}."
    )
    return ParsedPhrase(
        targets=(Target(vehicle_number=vehicle),),
        start_time=start,
        duration=HERE_MINUTES,
        recall_type=RecallType.REGULAR,
        camera_positions=None,
        local_start=local,
        zone_label=zone_label(zone),
        inferred=(
            Inference(kind=InferenceKind.WINDOW, message=said),
            Inference(kind=InferenceKind.CAMERAS, message="No camera named: every camera the "
                      "vehicle has."),
        ),
        moment=at,
    )  # fmt: skip


def _says_time(draft: Draft) -> bool:
    return bool(draft.has_time_point() or draft.days or draft.parts or draft.vague
                or draft.futures or draft.centred)  # fmt: skip


def _names_target(draft: Draft) -> bool:
    return bool(draft.vehicles or draft.assets or draft.listed_ids or draft.loose_ids)


def _look_cameras(
    cameras: CameraDraft,
) -> tuple[tuple[CameraPosition, ...], list[Inference]]:
    """The road-facing camera unless others are named; "all" or "all but …" leave the
    driver-facing one out unless it is named too."""
    chosen, notes = resolve_cameras(cameras)  # refuses unknown cameras and empty choices
    driver = CameraPosition.DRIVER_FACING
    if cameras.included:
        return chosen or (), notes
    if not (cameras.said_all or cameras.excluded):
        road = "No camera named: the road-facing camera (name others, e.g. “front and rear”)."
        return (CameraPosition.FRONT_FACING,), [Inference(InferenceKind.CAMERAS, road)]
    every = tuple(p for p in (chosen or CAMERA_ORDER) if p is not driver)
    said = ("Every camera but the driver-facing one, which a look takes only when it is named "
            "(“and driver”).")  # fmt: skip
    return every, [Inference(kind=InferenceKind.CAMERAS, message=said)]


def _look(text: str, draft: Draft, most: int) -> LookPhrase:
    if draft.ignored:
        check_words(text, draft.ignored, draft.before_ids)
    targets, target_notes = resolve_targets(draft, most)
    cameras, camera_notes = _look_cameras(draft.cameras)
    unused = [s.text for s in draft.durations] + [s.text for s in draft.recall_types]
    now_only = _unused(unused, "a look is a still taken now")
    notes = [*target_notes, *camera_notes, *_ignored(draft), *now_only]
    return LookPhrase(tuple(targets), cameras, tuple(notes))


def _unused(words: list[str], why: str) -> list[Inference]:
    if not words:
        return []
    shown = ", ".join(f"“{word}”" for word in dict.fromkeys(words))
    return [Inference(kind=InferenceKind.IGNORED, message=f"Ignored {shown}: {why}.")]


def _where(
    text: str, draft: Draft, tz: tzinfo, now: datetime, context: Context | None, whose: str
) -> WherePhrase:
    if draft.ignored:
        check_words(text, draft.ignored, draft.before_ids)
    reading_now, notes = now, list[Inference]()
    if context is not None:
        draft, borrowed_now, notes = borrow(draft, context, tz)
        reading_now = min(borrowed_now, now) if borrowed_now else now
    targets, target_notes = resolve_targets(draft, most=1_000)
    if len(targets) > 1 or targets[0].asset_name is not None:
        raise PhraseProblem(
            PhraseErrorCode.MULTIPLE_VEHICLES if len(targets) > 1 else PhraseErrorCode.NO_VEHICLE,
            "Where-was answers for one vehicle at a time, from its location history (an asset "
            "has none: name the vehicle that pulled it), e.g. “where was truck 42 yesterday "
            "3pm”.",
        )
    reading_tz, zone, zone_note = reading_zone(draft, tz, whose)
    if _says_time(draft) or draft.nows:
        moment, time_notes = resolve_moment(draft, reading_now, reading_tz, zone)
        at = moment.instant
    else:
        at, time_notes = now, [Inference(kind=InferenceKind.CLOCK, message="No time named: now.")]
    if at > now:
        raise PhraseProblem(
            PhraseErrorCode.FUTURE_TIME,
            f"{local_text(at.astimezone(reading_tz))} hasn't happened yet (it is "
            f"{local_text(now.astimezone(reading_tz))}). Ask where it was at a past time, e.g. "
            "“where was truck 42 20 min ago”.",
        )
    unused = [s.text for s in draft.durations] + [s.text for s in draft.recall_types]
    unused += draft.cameras.texts
    notes += [*target_notes, zone_note, *time_notes, *_ignored(draft),
              *_unused(unused, "where-was answers for one moment, and spends nothing")]  # fmt: skip
    at = at.astimezone(UTC).replace(microsecond=0)
    vehicle = targets[0].vehicle_number or ""
    return WherePhrase(vehicle, at, at.astimezone(reading_tz), tuple(notes))


def read_phrase(
    text: str,
    tz: tzinfo,
    now: datetime,
    context: Context | None = None,
    max_targets: int = DEFAULT_MAX_TARGETS,
    zone_words: str = "your time zone",
) -> Reading:
    """Any phrase, read into the question it asks (see ``bot.phrase.intents``): a recall
    exactly as ``parse_phrase`` reads it, a look, a where-was, a place question, or why it
    is none of them. The arguments are ``parse_phrase``'s."""
    now = utc_moment(now)
    tokens = tokenize(text)
    cue = find_cue(tokens)
    recall = (text, tz, now, context, max_targets, zone_words)
    used = frozenset[int]() if cue is None else cue.used
    try:
        draft = read_draft([token for i, token in enumerate(tokens) if i not in used]
                           if used else tokens)  # fmt: skip
        if cue is None:  # a recall, read from these tokens (lexing it again cost a fifth)
            return _parse(text, tz, now, context, max_targets, zone_words, draft)
        if cue.intent is Intent.LOOK:
            # "look at truck 42 yesterday 3pm" asks for footage of then: a recall, as ever
            return parse_phrase(*recall) if _says_time(draft) else _look(text, draft, max_targets)
        if cue.intent is Intent.WHERE:
            return _where(text, draft, tz, now, context, zone_words)
        if _names_target(draft) or cue.place is None:
            return parse_phrase(*recall)  # "truck 42 at the yard 3pm": that truck's recall
        window = _parse(text, tz, now, context, max_targets, zone_words, draft,
                        targets_wanted=False)  # fmt: skip
        return PlacePhrase(cue.place, window)
    except PhraseProblem as problem:
        return problem.error
