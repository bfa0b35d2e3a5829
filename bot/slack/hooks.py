"""Answers to response_urls: one small JSON POST each, over kept-alive stdlib connections.

Under a burst of ``/recall`` the app is CPU-bound, and every preview ends with one of these
posts. httpx spent ~0.9 ms of CPU on each (URL and header models, cookies, h11, a poll of
every pooled connection), ``http.client`` ~0.4 ms: preview throughput. The pool keeps
httpx's rules: a kept-alive connection the server has closed is dropped before it is used
(a request is never sent twice), a connection that cannot be made is tried once more, TLS
trusts what httpx trusts (its own context), and no proxy is used (the httpx client given its
own transport used none either).
"""

from __future__ import annotations

import json
import select
import ssl
import threading
from http.client import HTTPConnection, HTTPSConnection
from typing import Any, NamedTuple
from urllib.parse import SplitResult, urlsplit

import httpx

from bot.plumbing.closing import ClosedOnExit

_Key = tuple[str, str, int]


class HookAnswer(NamedTuple):
    """What the response_url answered."""

    status: int
    body: bytes

    @property
    def is_error(self) -> bool:
        """A 4xx or 5xx (Slack says why in the body: expired, used too often)."""
        return self.status >= 400


def _key(target: SplitResult) -> _Key:
    default = 443 if target.scheme == "https" else 80
    return target.scheme, target.hostname or "", target.port or default


def _closed_by_server(connection: HTTPConnection) -> bool:
    """An idle kept-alive socket with something to read has been closed (or spoken out of
    turn) by the server: it must not carry a request."""
    if connection.sock is None:
        return True
    poll = select.poll()
    poll.register(connection.sock, select.POLLIN)
    return bool(poll.poll(0))


class ResponseUrls(ClosedOnExit):
    """POSTs JSON to response_urls; thread-safe, keeping up to ``keep`` idle connections."""

    def __init__(self, timeout_s: float = 30.0, keep: int = 20) -> None:
        self._timeout_s = timeout_s
        self._keep = keep
        self._idle: dict[_Key, list[HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None  # made at the first https answer

    def post(self, url: str, payload: dict[str, Any]) -> HookAnswer:
        """POST ``payload`` as JSON (the bytes httpx's ``json=`` sends) and read the answer."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        target = urlsplit(url)
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        key = _key(target)
        connection = self._reusable(key) or self._connect(key)
        try:
            connection.request("POST", path, body.encode(),
                               {"Content-Type": "application/json"})  # fmt: skip
            answer = connection.getresponse()
            content = answer.read()
        except BaseException:
            connection.close()
            raise
        if answer.will_close:
            connection.close()
        else:
            self._give_back(key, connection)
        return HookAnswer(answer.status, content)

    def _reusable(self, key: _Key) -> HTTPConnection | None:
        """An idle connection the server has not closed, or None."""
        while True:
            with self._lock:
                idle = self._idle.get(key)
                if not idle:
                    return None
                connection = idle.pop()
            if not _closed_by_server(connection):
                return connection
            connection.close()

    def _connect(self, key: _Key) -> HTTPConnection:
        """A new connection, made now (tried once more if it cannot be made, like httpx's
        ``retries=1``: nothing was sent on it)."""
        scheme, host, port = key
        for attempt in (1, 2):
            connection: HTTPConnection
            if scheme == "https":
                connection = HTTPSConnection(host, port, timeout=self._timeout_s,
                                             context=self._context())  # fmt: skip
            else:
                connection = HTTPConnection(host, port, timeout=self._timeout_s)
            try:
                connection.connect()
            except OSError:
                connection.close()
                if attempt == 2:
                    raise
                continue
            return connection
        raise AssertionError("unreachable")  # pragma: no cover

    def _context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = httpx.create_ssl_context()
        return self._tls

    def _give_back(self, key: _Key, connection: HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self._keep:
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle = [c for connections in self._idle.values() for c in connections]
            self._idle.clear()
        for connection in idle:
            connection.close()
