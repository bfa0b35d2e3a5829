"""Serving WSGI apps with waitress, a production-grade pure-Python WSGI server.

waitress's own ``run`` loops until the process ends; closing its sockets from another thread
makes that loop fail on a closed descriptor. So the loop runs in short slices until a stop
flag is set, and everything is closed in the server's own thread.

The limits are for an endpoint on the internet that anyone can reach before a signature is
checked: a body larger than any Slack or Motive payload is answered 413 from its
Content-Length, without being read; a connection idle for ``IDLE_TIMEOUT_S`` (a half-open
client) is closed; a request must arrive within a deadline, one address may hold only so many
connections, and a full front makes room for newcomers (``http_front.FrontLimits``); and
connections are polled rather than ``select``-ed, so hundreds of them never keep ``/healthz``
waiting.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any
from wsgiref.types import WSGIApplication

from waitress import wasyncore

from bot.plumbing.front_limits import FrontLimits
from bot.plumbing.http_front import GuardedServer

MAX_BODY = 1 << 20  # Slack's interaction payloads and Motive's webhooks are far smaller
MAX_HEADERS = 64 << 10
IDLE_TIMEOUT_S = 20  # a connection silent this long is closed
CHECK_EVERY_S = 1  # how often idle and late connections are looked for (waitress takes whole s)


@dataclass
class Served:
    """A running server: where it listens, and how to stop it."""

    server: GuardedServer
    host: str
    port: int
    channels: dict[int, Any]  # the server's sockets (waitress's asyncore map, given to it)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://host:port``."""
        return f"http://{self.host}:{self.port}"

    def serve(self) -> None:
        """Answer requests until ``close`` (in the calling thread)."""
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=0.05, use_poll=True, map=self.channels, count=1)
        finally:
            wasyncore.close_all(self.channels)
            self.server.task_dispatcher.shutdown()

    def close(self) -> None:
        """Stop listening and wait for the server's thread to finish."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


def serve_in_background(
    app: WSGIApplication,
    host: str = "127.0.0.1",
    port: int = 0,
    threads: int = 8,
    limits: FrontLimits | None = None,
) -> Served:
    """Serve ``app`` from a daemon thread (port 0 picks a free port; ``limits``: the
    defaults of ``FrontLimits`` unless given)."""
    channels: dict[int, Any] = {}
    server = GuardedServer(
        app, limits or FrontLimits(), channels, host=host, port=port, threads=threads,
        max_request_body_size=MAX_BODY, max_request_header_size=MAX_HEADERS,
        channel_timeout=IDLE_TIMEOUT_S, cleanup_interval=CHECK_EVERY_S,
    )  # fmt: skip
    if server.socket is None:
        raise RuntimeError(f"no listening socket for {host}:{port}")
    served = Served(server, host, int(server.socket.getsockname()[1]), channels)
    served._thread = threading.Thread(target=served.serve, name="wsgi-server", daemon=True)
    served._thread.start()
    return served
