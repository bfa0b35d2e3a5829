"""An httpx transport over ``bot.plumbing.kept_alive``: httpx's client API (the Motive client's
requests, answers, timeouts and the error types its retry rules are written against), with
``http.client`` on the wire rather than httpcore and h11.

Measured against Motive's sandbox, a timelines call costs ~105 us less CPU this way (~15%,
the sandbox's share included), and a preview makes two or three: under a burst of ``/recall``
the app is CPU-bound, so that is preview throughput (docs/benchmarks.md: app CPU per command
-7%, preview p50 -7%).

A proxy http.client cannot speak to (``https://``, ``socks5://``) is left to httpx's own
transport, as before.

The errors are httpx's, raised where httpcore raises them, because the client decides on them
whether a create may have reached Motive: a connection that could not be made (or a slot in
the pool that did not come free in time) is ``ConnectError``, ``ConnectTimeout`` or
``PoolTimeout``, so nothing was sent; anything after the request started to go out (a failed
write, a timeout or a broken answer, a server that hung up without answering) is a write, read
or protocol error, so it may have arrived.
"""

from __future__ import annotations

import threading
from http.client import HTTPConnection, HTTPException, HTTPResponse
from typing import Any

import httpx

from bot.plumbing.kept_alive import Destination, KeptAlive, plain_http, proxy_auth


def _seconds(timeouts: dict[str, Any], name: str) -> float | None:
    """One of httpx's timeouts for the request (``request.extensions["timeout"]``)."""
    value = timeouts.get(name)
    return None if value is None else float(value)


class KeptAliveTransport(httpx.BaseTransport):
    """Sends each request over a kept-alive connection, at most ``max_connections`` at once
    (the rest wait for a slot up to the request's pool timeout, as httpx's pool does)."""

    def __init__(self, max_connections: int) -> None:
        # Each request's own timeouts apply (httpx's None: none); a connection that cannot be
        # made is tried once, the caller's retries decide the rest.
        self._connections = KeptAlive(None, keep=max_connections, connect_attempts=1)
        self._slots = threading.BoundedSemaphore(max_connections)
        self._most = max_connections
        self._httpcore: dict[str, httpx.HTTPTransport] = {}  # by proxy, for the ones below
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` and read its whole answer."""
        timeouts = request.extensions.get("timeout", {})
        if not self._slots.acquire(timeout=_seconds(timeouts, "pool")):
            raise httpx.PoolTimeout("no connection came free in time", request=request)
        try:
            return self._exchange(request, timeouts)
        finally:
            self._slots.release()

    def _exchange(self, request: httpx.Request, timeouts: dict[str, Any]) -> httpx.Response:
        url = request.url
        where = self._connections.destination(url.scheme, url.host, url.port)
        if where.proxy and not plain_http(where.proxy):
            return self._through(where.proxy, request).handle_request(request)
        connection = self._connect(request, where, _seconds(timeouts, "connect"))

        def talk(connection: HTTPConnection) -> tuple[HTTPResponse, bytes]:
            self._send(connection, request, where, _seconds(timeouts, "write"))
            return self._read(connection, request, _seconds(timeouts, "read"))

        answer, content = self._connections.use(where, connection, talk)
        return httpx.Response(
            answer.status,
            # http.client decoded the header bytes as latin-1: the same bytes again, as httpx
            # takes them (its own str reading is ASCII only)
            headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.msg.raw_items()],
            content=content,
            extensions={
                "http_version": b"HTTP/1.0" if answer.version == 10 else b"HTTP/1.1",
                "reason_phrase": answer.reason.encode("latin-1", "replace"),
            },
        )

    def _through(self, proxy: str, request: httpx.Request) -> httpx.HTTPTransport:
        """httpx's own transport for a proxy http.client cannot speak to (TLS to the proxy,
        socks5 with httpx's extra): rare, and as httpx did before this transport."""
        with self._lock:
            if proxy not in self._httpcore:
                limits = httpx.Limits(max_connections=self._most,
                                      max_keepalive_connections=self._most)  # fmt: skip
                try:
                    self._httpcore[proxy] = httpx.HTTPTransport(proxy=proxy, limits=limits)
                except ImportError as exc:  # socks5 without socksio: said, nothing sent
                    raise httpx.ConnectError(str(exc), request=request) from exc
            return self._httpcore[proxy]

    def _connect(
        self, request: httpx.Request, where: Destination, timeout_s: float | None
    ) -> HTTPConnection:
        try:
            return self._connections.take(where, timeout_s)
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc) or "timed out", request=request) from exc
        except (OSError, HTTPException, ValueError) as exc:  # refused, unreachable, DNS, TLS,
            # a proxy refusing the tunnel or answering it with nonsense
            raise httpx.ConnectError(str(exc) or type(exc).__name__, request=request) from exc

    @staticmethod
    def _send(
        connection: HTTPConnection,
        request: httpx.Request,
        where: Destination,
        timeout_s: float | None,
    ) -> None:
        """The request line, httpx's headers as they are (Host among them) and the body."""
        target = request.url.raw_path
        if where.whole_url:
            target = b"http://" + request.url.netloc + target
        try:
            if connection.sock is not None:
                connection.sock.settimeout(timeout_s)
            connection.putrequest(
                request.method, target.decode("ascii"), skip_host=True, skip_accept_encoding=True
            )
            for name, value in request.headers.raw:
                connection.putheader(name, value)
            if where.whole_url:
                for header, text in proxy_auth(where.proxy).items():
                    connection.putheader(header, text)
            body = request.read()
            if "transfer-encoding" in request.headers:  # httpx's chunked body: framed here
                connection.endheaders([body] if body else [], encode_chunked=True)
            else:
                connection.endheaders(body or None)
        except TimeoutError as exc:
            raise httpx.WriteTimeout(str(exc) or "timed out", request=request) from exc
        except HTTPException as exc:  # the connection was not ready for a request: a bug here
            raise httpx.LocalProtocolError(str(exc), request=request) from exc
        except ValueError:  # a line break in a header's value; its text may be a key: not said
            raise httpx.LocalProtocolError(
                "a header's value cannot be sent (it holds a line break or a control character)",
                request=request,
            ) from None
        except OSError as exc:
            raise httpx.WriteError(str(exc) or type(exc).__name__, request=request) from exc

    @staticmethod
    def _read(
        connection: HTTPConnection, request: httpx.Request, timeout_s: float | None
    ) -> tuple[HTTPResponse, bytes]:
        """The answer and its whole body (read before the connection goes back to the pool)."""
        try:
            if connection.sock is not None:
                connection.sock.settimeout(timeout_s)
            answer = connection.getresponse()
            content = answer.read()
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
        except HTTPException as exc:  # hung up without answering, or an answer that breaks
            reason = str(exc) or "Server disconnected without sending a response."
            raise httpx.RemoteProtocolError(reason, request=request) from exc
        except OSError as exc:
            raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc
        if 100 <= answer.status < 200:
            # An interim answer other than 100 (103 Early Hints): http.client reads past 100
            # only, and the final answer after it may already sit in a buffer it let go of. The
            # connection is closed (never pooled with an answer still to come) and the request
            # reads as sent with its answer lost: a read is retried, a create reconciled.
            raise httpx.RemoteProtocolError(
                f"an interim {answer.status} answer recallbot cannot read past", request=request
            )
        return answer, content

    def close(self) -> None:
        """Close the idle connections."""
        self._connections.close()
        with self._lock:
            through, self._httpcore = list(self._httpcore.values()), {}
        for transport in through:
            transport.close()
