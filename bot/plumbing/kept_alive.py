"""Kept-alive ``http.client`` connections, shared by the two hot HTTP paths (the answers to
response_urls, ``bot.slack.hooks``, and Motive's calls, ``bot.plumbing.http_transport``).

Under a burst of ``/recall`` the app is CPU-bound, and httpx's own pool (httpcore and h11, a
poll of every pooled connection per request) cost ~0.3 ms of CPU a request where
``http.client`` costs ~0.1 ms. This pool keeps httpx's rules: a kept-alive connection the server
has closed is dropped before it is used (a request is never sent twice), TLS trusts what httpx
trusts (its own context, so ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` too), and a proxy named in
the environment (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``, ``NO_PROXY``, read as the
standard library reads them) carries the requests: https through a CONNECT tunnel (TLS then runs
to the target through it), http as a request for the whole URL.
"""

from __future__ import annotations

import base64
import select
import ssl
import threading
from collections.abc import Callable
from http.client import HTTPConnection, HTTPResponse, HTTPSConnection
from typing import NamedTuple
from urllib.parse import SplitResult, unquote, urlsplit
from urllib.request import getproxies, proxy_bypass

import httpx

from bot.plumbing.closing import ClosedOnExit


class Destination(NamedTuple):
    """Where a connection leads: the target's scheme, host and port, and the proxy it goes
    through ("" for none)."""

    scheme: str
    host: str
    port: int
    proxy: str

    @property
    def whole_url(self) -> bool:
        """Whether a request is sent to the proxy with the whole URL as its target (plain
        http through a proxy; https goes through a CONNECT tunnel instead)."""
        return bool(self.proxy) and self.scheme == "http"


class ProxyUnsupported(OSError):
    """The environment names a proxy spoken to other than over plain http (https://, socks5://):
    nothing is sent, rather than sent to it as if it were one."""


def _as_url(proxy: str) -> SplitResult:
    """A proxy setting as a URL ("proxy:3128" is read as http://proxy:3128)."""
    return urlsplit(proxy if "//" in proxy else f"http://{proxy}")


def plain_http(proxy: str) -> bool:
    """Whether a proxy setting names a proxy this pool speaks to: over plain http."""
    return _as_url(proxy).scheme == "http"


def _proxy_url(proxy: str) -> SplitResult:
    """A proxy setting as a URL this pool can speak to, or ``ProxyUnsupported``."""
    url = _as_url(proxy)
    if url.scheme != "http":
        raise ProxyUnsupported(
            f"the proxy setting names a {url.scheme}:// proxy, and recallbot reaches proxies "
            "over http:// only (https through a CONNECT tunnel): e.g. HTTPS_PROXY=http://"
            f"{url.hostname or 'proxy'}:{url.port or 3128}"
        )
    return url


def proxy_auth(proxy: str) -> dict[str, str]:
    """The Proxy-Authorization header for a proxy's user and password, if it names them."""
    url = _proxy_url(proxy)
    if url.username is None:
        return {}
    pair = f"{unquote(url.username)}:{unquote(url.password or '')}".encode()
    return {"Proxy-Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}


def _closed_by_server(connection: HTTPConnection) -> bool:
    """An idle kept-alive socket with something to read has been closed (or spoken out of
    turn) by the server: it must not carry a request."""
    if connection.sock is None:
        return True
    poll = select.poll()
    poll.register(connection.sock, select.POLLIN)
    return bool(poll.poll(0))


class KeptAlive(ClosedOnExit):
    """Connections by destination, thread-safe, keeping up to ``keep`` idle ones for each.

    ``timeout_s``: for connecting and for each read and write, unless ``take`` is given one
    (None: no limit). ``connect_attempts``: how many times a connection that cannot be made is
    tried (nothing was sent on it, so trying again is always safe; a caller with retries of its
    own says 1).
    """

    def __init__(self, timeout_s: float | None, keep: int, connect_attempts: int = 2) -> None:
        self._timeout_s = timeout_s
        self._keep = keep
        self._attempts = connect_attempts
        self._idle: dict[Destination, list[HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None  # made at the first https connection
        self._proxies = getproxies()  # the environment's, read once

    def destination(self, scheme: str, host: str, port: int | None) -> Destination:
        """Where a request to ``scheme://host:port`` goes: straight there, or through the
        environment's proxy for its scheme (or ALL_PROXY), unless NO_PROXY names the host."""
        proxy = self._proxies.get(scheme) or self._proxies.get("all", "")
        if proxy and proxy_bypass(host):
            proxy = ""
        return Destination(scheme, host, port or (443 if scheme == "https" else 80), proxy)

    def take(self, where: Destination, connect_timeout_s: float | None = None) -> HTTPConnection:
        """An idle connection to ``where`` the server has not closed, else a new one, made now
        (``connect_timeout_s`` bounds the making; else the pool's timeout), for ``use``."""
        while True:
            with self._lock:
                idle = self._idle.get(where)
                if not idle:
                    break
                connection = idle.pop()
            if not _closed_by_server(connection):
                return connection
            connection.close()
        return self._connect(where, connect_timeout_s)

    def use(
        self,
        where: Destination,
        connection: HTTPConnection,
        talk: Callable[[HTTPConnection], tuple[HTTPResponse, bytes]],
    ) -> tuple[HTTPResponse, bytes]:
        """``talk`` on ``connection`` (a request sent, its answer read whole), then the
        connection kept for the next request to ``where``, or closed when the answer says the
        server will close it or ``talk`` failed (its state is unknown: never used again)."""
        try:
            answer, content = talk(connection)
        except BaseException:
            connection.close()
            raise
        if answer.will_close:
            connection.close()
        else:
            self.give_back(where, connection)
        return answer, content

    def give_back(self, where: Destination, connection: HTTPConnection) -> None:
        """Keep ``connection`` for the next request to ``where`` (closed if enough are kept)."""
        with self._lock:
            idle = self._idle.setdefault(where, [])
            if len(idle) < self._keep:
                idle.append(connection)
                return
        connection.close()

    def _connect(self, where: Destination, timeout_s: float | None) -> HTTPConnection:
        for attempt in range(1, self._attempts + 1):
            connection = self._connection(where, timeout_s)
            try:
                connection.connect()
            except OSError:
                connection.close()
                if attempt == self._attempts:
                    raise
                continue
            return connection
        raise AssertionError("unreachable")  # pragma: no cover

    def _connection(self, where: Destination, timeout_s: float | None) -> HTTPConnection:
        """A connection for ``where``, not yet made: to the target, or to the proxy (for https,
        with a CONNECT tunnel to the target)."""
        timeout = self._timeout_s if timeout_s is None else timeout_s
        proxy = _proxy_url(where.proxy) if where.proxy else None
        host, port = (proxy.hostname or "", proxy.port or 80) if proxy else (where.host, where.port)
        if where.scheme != "https":
            return HTTPConnection(host, port, timeout=timeout)
        connection = HTTPSConnection(host, port, timeout=timeout, context=self._context())
        if proxy:
            connection.set_tunnel(where.host, where.port, headers=proxy_auth(where.proxy))
        return connection

    def _context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = httpx.create_ssl_context()
        return self._tls

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle = [c for connections in self._idle.values() for c in connections]
            self._idle.clear()
        for connection in idle:
            connection.close()
