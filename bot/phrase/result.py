"""What the parser hands back: a request with everything it inferred, or a refusal.

Named tuples, not pydantic models: ``recallbot parse`` answers a phrase without loading
pydantic (about half its start-up), and a phrase costs no validation it does not need. Not
dataclasses either: on the Python this runs on, making a dataclass costs ~4 M instructions (its
methods written and compiled) and importing the module ~40 M, about 4% of a 3,000-phrase
``recallbot parse --jsonl``; a named tuple is immutable and compares by value all the same. The
validated ``RecallRequest`` of each target is built from them only where a model is needed
(``ParsedPhrase.requests``: the preview, the store, Motive), with the same rules as ever.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.recall_terms import CameraPosition, PhraseErrorCode, RecallType

if TYPE_CHECKING:  # pydantic is loaded only when a request model is built
    from bot.recall import RecallRequest


class InferenceKind(StrEnum):
    """What part of the request an inference is about."""

    TARGET = "target"
    ZONE = "zone"
    DAY = "day"
    CLOCK = "clock"
    WINDOW = "window"
    DURATION = "duration"
    RECALL_TYPE = "recall_type"
    CAMERAS = "cameras"
    IGNORED = "ignored"


class Inference(NamedTuple):
    """Something the parser decided that the phrase did not say outright.

    Every one is shown to the requester before quota is spent, so the message is written for them.
    """

    kind: InferenceKind
    message: str

    def to_json(self) -> dict[str, Any]:
        """The ``inferred`` item of ``recallbot parse``."""
        return {"kind": self.kind.value, "message": self.message}


class PhraseError(NamedTuple):
    """Why a phrase cannot become a recall, with an example of how to say it instead."""

    code: PhraseErrorCode
    message: str

    def to_json(self) -> dict[str, Any]:
        """The ``recallbot parse`` object for a refused phrase."""
        return {"ok": False, "error": {"code": self.code.value, "message": self.message}}


class Target(NamedTuple):
    """The one vehicle number or asset name a request is for."""

    vehicle_number: str | None = None
    asset_name: str | None = None


def utc_json(moment: datetime) -> str:
    """'2026-11-23T21:00:00Z': an instant as ``recallbot parse`` writes it, whole seconds in UTC
    (what ``strftime("%Y-%m-%dT%H:%M:%SZ")`` writes, in ~1.1 us rather than ~1.9)."""
    u = moment.astimezone(UTC)
    return f"{u.year}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"


class _Understood(NamedTuple):
    """What ``ParsedPhrase`` holds (its methods are on the subclass, whose instances have a
    ``__dict__`` for the requests it builds once)."""

    targets: tuple[Target, ...]
    """Every vehicle or asset named, in the order named."""
    start_time: datetime
    """The start of the window, in UTC, whole seconds (as Motive takes it)."""
    duration: int
    recall_type: RecallType
    camera_positions: tuple[CameraPosition, ...] | None
    """In ``CAMERA_ORDER``; None: every camera the vehicle has."""
    local_start: datetime
    """The start as the requester reads it (in the zone the phrase was read in)."""
    zone_label: str
    """The zone the phrase was read in, as people name it ("America/Chicago", "EST")."""
    inferred: tuple[Inference, ...] = ()
    moment: datetime | None = None
    """The instant the phrase asked about ("3pm", the centre of "3pm ± 1 min"); None when it
    named only a window ("3:00-3:02pm"). The still of each camera is taken there."""


class ParsedPhrase(_Understood):
    """A phrase understood: the window and cameras asked for each target, where it was read,
    and what was inferred."""

    @cached_property
    def requests(self) -> tuple[RecallRequest, ...]:
        """One validated request per target, in the order named (built on first use)."""
        from bot.recall import RecallRequest

        return tuple(
            RecallRequest(
                vehicle_number=target.vehicle_number,
                asset_name=target.asset_name,
                start_time=self.start_time,
                duration=self.duration,
                recall_type=self.recall_type,
                camera_positions=self.camera_positions,
            )
            for target in self.targets
        )

    @property
    def request(self) -> RecallRequest:
        """The request of the first target named."""
        return self.requests[0]

    @property
    def every(self) -> tuple[RecallRequest, ...]:
        """Every request (one per target named)."""
        return self.requests

    @property
    def local_end(self) -> datetime:
        """The end of the window in the zone the phrase was read in."""
        return self.local_start + timedelta(minutes=self.duration)

    def to_json(self) -> dict[str, Any]:
        """The ``recallbot parse`` object for an understood phrase (a contract other tools use):
        each request exactly as ``RecallRequest.model_dump(mode="json")`` writes it."""
        window = self.window_json()
        every = [
            {"vehicle_number": t.vehicle_number, "asset_name": t.asset_name, **window}
            for t in self.targets
        ]
        return {
            "ok": True,
            "request": every[0] if len(every) == 1 else None,
            "requests": every,
            "inferred": [inference.to_json() for inference in self.inferred],
        }

    def json_text(self) -> str:
        """``to_json()`` as JSON text, exactly as the encoder writes it (tests compare them),
        from parts: the window's JSON is written once for the request and the list that
        repeats it, and an inference's JSON is remembered, since most are the same for many
        phrases (the zone, the recall type). Writing the whole object was a fifth of
        ``recallbot parse --jsonl``'s time a line."""
        window = self._window_text()
        every = [f'{{"vehicle_number": {_text_or_null(t.vehicle_number)}, "asset_name": '
                 f"{_text_or_null(t.asset_name)}, {window}" for t in self.targets]  # fmt: skip
        request = every[0] if len(every) == 1 else "null"
        inferred = ", ".join(map(_inference_text, self.inferred))
        return (f'{{"ok": true, "request": {request}, "requests": [{", ".join(every)}], '
                f'"inferred": [{inferred}]}}')  # fmt: skip

    def _window_text(self) -> str:
        """``window_json()``'s members as JSON and the closing brace: its values are numbers and
        fixed identifiers (an instant, recallbot's own enum values), nothing to escape."""
        positions = self.camera_positions
        if positions is None:
            cameras = "null"
        elif positions:
            cameras = '["' + '", "'.join(positions) + '"]'
        else:
            cameras = "[]"
        return (
            f'"start_time": "{utc_json(self.start_time)}", "duration": {self.duration}, '
            f'"recall_type": "{self.recall_type}", "camera_positions": {cameras}}}'
        )

    def window_json(self) -> dict[str, Any]:
        """What every target's request shares, as ``to_json`` writes it (a place question's
        window too)."""
        return {
            "start_time": utc_json(self.start_time),
            "duration": self.duration,
            "recall_type": self.recall_type.value,
            "camera_positions": None
            if self.camera_positions is None
            else [position.value for position in self.camera_positions],
        }


# ``recallbot parse``'s one encoder: ``json.dumps(..., ensure_ascii=False)`` builds a new one each
# call (~0.9 us); an answer is a tree built fresh, never a cycle, so no check for one (~0.8 us).
encode_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
_INFERENCE_TEXTS: dict[Inference, str] = {}  # an inference: its JSON
_INFERENCE_TEXTS_KEPT = 1024  # bounded: a long --jsonl run meets ever new messages
_INFERENCE_LONGEST_KEPT = 240  # a note quoting a long phrase ("Ignored …") is not remembered


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else encode_json(value)


def _inference_text(inference: Inference) -> str:
    """An inference's JSON, remembered (an inference is a value: its kind and its message)."""
    known = _INFERENCE_TEXTS.get(inference)
    if known is not None:
        return known
    text = encode_json(inference.to_json())
    if len(inference.message) <= _INFERENCE_LONGEST_KEPT:
        if len(_INFERENCE_TEXTS) >= _INFERENCE_TEXTS_KEPT:
            _INFERENCE_TEXTS.clear()
        _INFERENCE_TEXTS[inference] = text
    return text


class PhraseProblem(Exception):
    """Raised inside the parser to stop at the first refusal; ``parse_phrase`` returns its error."""

    def __init__(self, code: PhraseErrorCode, message: str) -> None:
        super().__init__(message)
        self.error = PhraseError(code=code, message=message)
