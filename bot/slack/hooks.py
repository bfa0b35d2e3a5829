"""Answers to response_urls: one small JSON POST each, over kept-alive stdlib connections.

Under a burst of ``/recall`` the app is CPU-bound, and every preview ends with one of these
posts. httpx spent ~0.9 ms of CPU on each (URL and header models, cookies, h11, a poll of
every pooled connection), ``http.client`` ~0.4 ms: preview throughput. The pool keeps
httpx's rules: a kept-alive connection the server has closed is dropped before it is used
(a request is never sent twice), a connection that cannot be made is tried once more, TLS
trusts what httpx trusts (its own context). A proxy named in the environment (``HTTPS_PROXY``,
``HTTP_PROXY``, ``NO_PROXY``, read as the standard library reads them) carries the answers, as
it carries slack_sdk's Web API calls: a deployment whose way out is a proxy would otherwise get
no preview at all (https through a CONNECT tunnel, http as a request for the whole URL).
"""

from __future__ import annotations

import base64
import json
import select
import ssl
import threading
from http.client import HTTPConnection, HTTPSConnection
from typing import Any, NamedTuple
from urllib.parse import SplitResult, unquote, urlsplit
from urllib.request import getproxies, proxy_bypass

import httpx

from bot.plumbing.closing import ClosedOnExit


class _Key(NamedTuple):
    """Where a connection leads: the target's scheme, host and port, and the proxy it goes
    through ("" for none)."""

    scheme: str
    host: str
    port: int
    proxy: str


class HookAnswer(NamedTuple):
    """What the response_url answered."""

    status: int
    body: bytes

    @property
    def is_error(self) -> bool:
        """A 4xx or 5xx (Slack says why in the body: expired, used too often)."""
        return self.status >= 400


def _port(target: SplitResult) -> int:
    return target.port or (443 if target.scheme == "https" else 80)


def _proxy_url(proxy: str) -> SplitResult:
    """A proxy setting as a URL ("proxy:3128" is read as http://proxy:3128)."""
    return urlsplit(proxy if "//" in proxy else f"http://{proxy}")


def _proxy_auth(proxy: SplitResult) -> dict[str, str]:
    """The Proxy-Authorization header for a proxy URL's user and password, if it has them."""
    if proxy.username is None:
        return {}
    pair = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}".encode()
    return {"Proxy-Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}


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
        self._proxies = getproxies()  # the environment's, read once

    def post(self, url: str, payload: dict[str, Any]) -> HookAnswer:
        """POST ``payload`` as JSON (the bytes httpx's ``json=`` sends) and read the answer."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        target = urlsplit(url)
        key = self._key(target)
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        headers = {"Content-Type": "application/json"}
        if key.proxy and key.scheme == "http":  # the proxy is asked for the whole URL
            path = f"http://{target.netloc.rpartition('@')[2]}{path}"
            headers |= _proxy_auth(_proxy_url(key.proxy))
        connection = self._reusable(key) or self._connect(key)
        try:
            connection.request("POST", path, body.encode(), headers)
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

    def _key(self, target: SplitResult) -> _Key:
        """Where ``target``'s connection leads: straight there, or through the environment's
        proxy for its scheme (unless NO_PROXY names the host)."""
        host = target.hostname or ""
        proxy = self._proxies.get(target.scheme, "")
        if proxy and proxy_bypass(host):
            proxy = ""
        return _Key(target.scheme, host, _port(target), proxy)

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
        for attempt in (1, 2):
            connection = self._connection(key)
            try:
                connection.connect()
            except OSError:
                connection.close()
                if attempt == 2:
                    raise
                continue
            return connection
        raise AssertionError("unreachable")  # pragma: no cover

    def _connection(self, key: _Key) -> HTTPConnection:
        """A connection for ``key``, not yet made: to the target, or to the proxy (for https,
        with a CONNECT tunnel to the target; TLS then runs to the target through it)."""
        proxy = _proxy_url(key.proxy) if key.proxy else None
        host, port = (proxy.hostname or "", proxy.port or 80) if proxy else (key.host, key.port)
        if key.scheme != "https":
            return HTTPConnection(host, port, timeout=self._timeout_s)
        connection = HTTPSConnection(host, port, timeout=self._timeout_s, context=self._context())
        if proxy:
            connection.set_tunnel(key.host, key.port, headers=_proxy_auth(proxy))
        return connection

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
