"""The HTTP front's limits on what one connection, and one client address, may hold.

waitress closes a connection only after ``channel_timeout`` seconds *without a byte*, so a
client sending one header line every few seconds keeps a connection forever, and a thousand
of them fill the server: ``/slack/events``, ``/motive/webhook`` and ``/healthz`` all stop
answering together. Three limits, through waitress's own hooks (``channel_class``, the
channel's ``received`` and ``service``, the server's ``maintenance``), bound that:

- a **deadline** on receiving a request, headers and body: counted from the accept for a
  connection's first request, and from the first byte after the last answer for the next
  ones on a kept-alive connection. Every byte resets waitress's idle timer; nothing resets
  this one but an answered request. A connection past it is answered 408 and closed.
- a **cap per client address**: Slack and Motive call from many addresses, each holding a few
  connections; an attacker holds many from few. A connection over the cap is closed at once.
- **room for newcomers**: when every connection is taken, a new one takes the place of the
  connection that has spent longest receiving its request (answered 408), so a probe of
  ``/healthz`` is never left in the backlog behind a trickle from many addresses.

Each refusal is counted in ``recallbot_http_refused_total{reason}``.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any, cast
from wsgiref.types import WSGIApplication

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

from bot.plumbing.front_limits import FrontLimits
from bot.plumbing.metrics import HTTP_REFUSED

TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain\r\n"
    b"Content-Length: 45\r\n\r\nthe request was not received within its time\n"
)


class GuardedChannel(HTTPChannel):
    """waitress's connection, knowing since when it has been receiving its current request."""

    server: GuardedServer

    def __init__(self, server: GuardedServer, *args: object, **kwargs: object) -> None:
        self.receiving_since: float | None = time.monotonic()  # the first request: from accept
        self.client: str | None = None  # set once the server admits it (and counts it)
        super().__init__(server, *args, **kwargs)  # type: ignore[arg-type]  # waitress's own
        server.admit(self)

    def received(self, data: bytes) -> bool:
        """A request's first byte after the last answer starts its clock."""
        if self.receiving_since is None:
            self.receiving_since = time.monotonic()
        return super().received(data)

    def service(self) -> None:
        """An answered request stops the clock (one pipelined behind it starts it again)."""
        super().service()
        self.receiving_since = time.monotonic() if self.request is not None else None

    def receiving(self) -> float | None:
        """When the request it still waits for began, or None while it serves one or idles
        (waitress's idle timeout covers an idle kept-alive connection)."""
        return None if self.requests else self.receiving_since

    def cut(self, reason: str, *, late: bool) -> None:
        """Close it unserved, counted by ``reason``; a ``late`` request is answered 408 first,
        unless an earlier answer is still being sent (the 408 would land inside it)."""
        HTTP_REFUSED.labels(reason=reason).inc()
        if late and not self.total_outbufs_len:
            self.send(TIMED_OUT, do_close=False)  # best effort: the socket is non-blocking
        self.handle_close()

    def del_channel(self, map: object = None) -> None:
        """Closed: the address holds one connection fewer."""
        super().del_channel(map)  # type: ignore[arg-type]
        if self.client is not None:
            self.server.release(self.client)
            self.client = None


class GuardedServer(TcpWSGIServer):
    """waitress's TCP server with ``FrontLimits``: it admits connections and cuts late ones."""

    channel_class = GuardedChannel

    def __init__(
        self,
        app: WSGIApplication,
        limits: FrontLimits,
        channels: dict[int, Any],
        **adjustments: str | int,
    ) -> None:
        self.limits = limits
        self.clients: Counter[str] = Counter()
        # waitress's own limit stays a backstop above ours (its map also holds the listening
        # socket, its wake-up pipe, and the newcomer being admitted); ours decides.
        adj = Adjustments(connection_limit=limits.max_connections + 3, **adjustments)
        super().__init__(app, map=channels, adj=adj)

    def guarded(self) -> dict[int, GuardedChannel]:
        """The open connections, by descriptor (the stubs type ``active_channels`` wrongly)."""
        return cast(dict[int, GuardedChannel], self.active_channels)

    def admit(self, channel: GuardedChannel) -> None:
        """Count a new connection against its address, or close it over the cap; when the
        front is full, close the one receiving longest to make room (or, if every connection
        is being served, the newcomer)."""
        client = str(channel.addr[0])
        cap = self.limits.max_per_client
        if cap and self.clients[client] >= cap:
            channel.cut("per_client", late=False)
            return
        if len(self.guarded()) > self.limits.max_connections:
            waiting = [(since, c) for c in self.guarded().values()
                       if c is not channel and (since := c.receiving()) is not None]  # fmt: skip
            if not waiting:
                channel.cut("full", late=False)
                return
            min(waiting, key=lambda pair: pair[0])[1].cut("full", late=True)
        channel.client = client
        self.clients[client] += 1

    def release(self, client: str) -> None:
        """A counted connection closed."""
        self.clients[client] -= 1
        if not self.clients[client]:
            del self.clients[client]

    def maintenance(self, now: float) -> None:
        """waitress's idle timeout, then the deadline (every ``cleanup_interval``)."""
        super().maintenance(now)  # type: ignore[arg-type]  # a float (time.time()), not an int
        cutoff = time.monotonic() - self.limits.request_deadline_s
        for channel in list(self.guarded().values()):
            since = channel.receiving()
            if since is not None and since < cutoff:
                channel.cut("deadline", late=True)
