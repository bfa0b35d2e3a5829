"""Answers to response_urls: one small JSON POST each, over kept-alive stdlib connections.

Under a burst of ``/recall`` the app is CPU-bound, and every preview ends with one of these
posts. httpx spent ~0.9 ms of CPU on each (URL and header models, cookies, h11, a poll of
every pooled connection), ``http.client`` ~0.4 ms: preview throughput. The connections are
``bot.plumbing.kept_alive``'s, which keeps httpx's rules (a connection the server has closed
is never used, TLS as httpx's, the environment's proxy); one that cannot be made is tried once
more, like httpx's ``retries=1``: nothing was sent on it. A deployment whose way out is a proxy
gets its previews through it, as slack_sdk's Web API calls go.
"""

from __future__ import annotations

import json
from http.client import HTTPConnection, HTTPResponse
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from bot.plumbing.closing import ClosedOnExit
from bot.plumbing.kept_alive import KeptAlive, proxy_auth


class HookAnswer(NamedTuple):
    """What the response_url answered."""

    status: int
    body: bytes

    @property
    def is_error(self) -> bool:
        """A 4xx or 5xx (Slack says why in the body: expired, used too often)."""
        return self.status >= 400


class ResponseUrls(ClosedOnExit):
    """POSTs JSON to response_urls; thread-safe, keeping up to ``keep`` idle connections."""

    def __init__(self, timeout_s: float = 30.0, keep: int = 20) -> None:
        self._connections = KeptAlive(timeout_s, keep)

    def post(self, url: str, payload: dict[str, Any]) -> HookAnswer:
        """POST ``payload`` as JSON (the bytes httpx's ``json=`` sends) and read the answer."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        target = urlsplit(url)
        where = self._connections.destination(target.scheme, target.hostname or "", target.port)
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        headers = {"Content-Type": "application/json"}
        if where.whole_url:
            path = f"http://{target.netloc.rpartition('@')[2]}{path}"
            headers |= proxy_auth(where.proxy)
        def talk(connection: HTTPConnection) -> tuple[HTTPResponse, bytes]:
            connection.request("POST", path, body.encode(), headers)
            answer = connection.getresponse()
            return answer, answer.read()

        connection = self._connections.take(where)
        answer, content = self._connections.use(where, connection, talk)
        return HookAnswer(answer.status, content)

    def close(self) -> None:
        """Close every idle connection."""
        self._connections.close()
