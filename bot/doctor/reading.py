"""The only way ``recallbot doctor`` reaches Motive: an httpx transport that sends GETs and
nothing else, and keeps every answer.

Doctor calls Motive through recallbot's own client, so it checks what recallbot really sends
and reads; this transport under the client makes "read only" a property of the wire rather than
of the checks' good manners (any other method is refused before it leaves), and keeps the
answers, so a check can show what Motive said when the client could not read it, and the
bundle can carry a few of them.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from bot.plumbing.http_transport import KeptAliveTransport


class WriteRefused(httpx.TransportError):
    """Doctor tried to send something other than a GET (a bug: nothing was sent)."""


class Answer(BaseModel):
    """One GET and what Motive answered."""

    model_config = ConfigDict(frozen=True)

    path: str
    params: dict[str, str]
    status: int
    body: Any = None
    """The answer's JSON (None when it was not JSON)."""


class ReadOnlyTransport(httpx.BaseTransport):
    """Sends GETs, refuses everything else, and keeps each answer in ``answers``."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self._inner = inner or KeptAliveTransport(max_connections=4)
        self.answers: list[Answer] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send a GET on; refuse any other method before it leaves."""
        if request.method != "GET":
            raise WriteRefused(f"recallbot doctor sends GETs only, not {request.method}")
        response = self._inner.handle_request(request)
        content = response.read()
        try:
            body = json.loads(content) if content else None
        except ValueError:
            body = None
        params = dict(request.url.params)
        self.answers.append(
            Answer(path=request.url.path, params=params, status=response.status_code, body=body)
        )
        return response

    def close(self) -> None:
        """Nothing: several clients share this transport while doctor runs (``release`` ends
        it), and a client closes its transport when it closes."""

    def release(self) -> None:
        """Close the connections (doctor is done)."""
        self._inner.close()

    def last(self, path_end: str) -> Answer | None:
        """The latest answer to a path ending with ``path_end``."""
        return next((a for a in reversed(self.answers) if a.path.endswith(path_end)), None)
