"""What the parser hands back: a request with everything it inferred, or a refusal."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict

from bot.recall import PhraseErrorCode, RecallRequest


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


class Inference(BaseModel):
    """Something the parser decided that the phrase did not say outright.

    Every one is shown to the requester before quota is spent, so the message is written for them.
    """

    model_config = ConfigDict(frozen=True)

    kind: InferenceKind
    message: str


class PhraseError(BaseModel):
    """Why a phrase cannot become a recall, with an example of how to say it instead."""

    model_config = ConfigDict(frozen=True)

    code: PhraseErrorCode
    message: str

    def to_json(self) -> dict[str, Any]:
        """The ``recallbot parse`` object for a refused phrase."""
        return {"ok": False, "error": self.model_dump(mode="json")}


class ParsedPhrase(BaseModel):
    """A phrase understood: the request to send, where it was read, and what was inferred."""

    model_config = ConfigDict(frozen=True)

    request: RecallRequest
    local_start: AwareDatetime
    """The start as the requester reads it (in the zone the phrase was read in)."""
    zone_label: str
    """The zone the phrase was read in, as people name it ("America/Chicago", "EST")."""
    inferred: tuple[Inference, ...] = ()
    requests: tuple[RecallRequest, ...] = ()
    """One request per vehicle or asset named, in the order named (``request`` is the first)."""
    moment: AwareDatetime | None = None
    """The instant the phrase asked about ("3pm", the centre of "3pm ± 1 min"); None when it
    named only a window ("3:00-3:02pm"). The still of each camera is taken there."""

    @property
    def local_end(self) -> datetime:
        """The end of the window in the zone the phrase was read in."""
        return self.local_start + (self.request.end_time - self.request.start_time)

    def to_json(self) -> dict[str, Any]:
        """The ``recallbot parse`` object for an understood phrase (a contract other tools use)."""
        every = self.every
        return {
            "ok": True,
            "request": self.request.model_dump(mode="json") if len(every) == 1 else None,
            "requests": [request.model_dump(mode="json") for request in every],
            "inferred": [inference.model_dump(mode="json") for inference in self.inferred],
        }

    @property
    def every(self) -> tuple[RecallRequest, ...]:
        """Every request (one per target named)."""
        return self.requests or (self.request,)


class PhraseProblem(Exception):
    """Raised inside the parser to stop at the first refusal; ``parse_phrase`` returns its error."""

    def __init__(self, code: PhraseErrorCode, message: str) -> None:
        super().__init__(message)
        self.error = PhraseError(code=code, message=message)
