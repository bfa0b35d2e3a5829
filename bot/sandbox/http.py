"""A small threaded HTTP/1.1 server on loopback, for the sandboxes.

A sandbox is a function from ``HttpRequest`` to ``HttpReply``; this module does the sockets.
A reply can also ask for what real servers do on bad days: answer late, or drop the connection
without answering at all.
"""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

_log = logging.getLogger("recallbot.sandbox")


@dataclass(frozen=True)
class HttpRequest:
    """What arrived: method, path, query, headers (case-insensitive) and the raw body."""

    method: str
    path: str
    query: dict[str, str]
    headers: Message
    body: bytes

    def json(self) -> Any:
        """The body as JSON (raises ValueError when it is not)."""
        return json.loads(self.body.decode("utf-8"))


@dataclass
class HttpReply:
    """What to answer; ``delay`` waits first, ``drop`` closes the connection instead; ``file``
    is sent instead of ``body``, a chunk at a time (a gigabyte never sits in memory)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    file: Path | None = None
    cut_after: int | None = None  # send this many bytes of ``file``, then close (mid-download)
    trickle_s: float = 0.0  # send ``file`` one byte per this many seconds (a stalling host)

    @classmethod
    def json(cls, payload: Any, status: int = 200, **headers: str) -> HttpReply:
        """A JSON answer."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls(status, body, {"Content-Type": "application/json", **headers})


Handler = Callable[[HttpRequest], HttpReply]


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real services
    # Headers and body go out as two writes; with Nagle on, the second waits ~40 ms for the
    # client's delayed ACK on every keep-alive request.
    disable_nagle_algorithm = True
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = HttpRequest(
            self.command, parts.path, dict(parse_qsl(parts.query)), self.headers, body
        )
        try:
            reply = self.server.handler(request)
        except Exception:
            _log.exception("sandbox handler failed for %s %s", self.command, parts.path)
            reply = HttpReply.json({"error_message": "sandbox error"}, 500)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        size = reply.file.stat().st_size if reply.file is not None else len(reply.body)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if reply.file is None:
            self.wfile.write(reply.body)
            return
        if reply.trickle_s:
            self._trickle(reply.file, reply.trickle_s)
            return
        left = size if reply.cut_after is None else reply.cut_after
        with reply.file.open("rb") as source:
            try:
                while left > 0 and (chunk := source.read(min(1 << 20, left))):
                    self.wfile.write(chunk)
                    left -= len(chunk)
            except (BrokenPipeError, ConnectionResetError):  # the client stopped reading
                self.close_connection = True
        if reply.cut_after is not None:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    def _trickle(self, file: Path, every_s: float) -> None:
        """A byte at a time until the client gives up or the server stops."""
        self.close_connection = True
        with file.open("rb") as source:
            while (byte := source.read(1)) and not self.server.stopping.wait(every_s):
                try:
                    self.wfile.write(byte)
                    self.wfile.flush()
                except OSError:  # the client stopped reading
                    return

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug("%s " + format, self.address_string(), *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, handler: Handler) -> None:
        super().__init__(("127.0.0.1", port), _RequestHandler)
        self.handler = handler
        self.stopping = threading.Event()  # ends trickling answers

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that dropped its connection mid-request (an app SIGKILLed by the chaos
        run) is nothing to report; anything else keeps socketserver's traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """Serves a handler on 127.0.0.1 from a background thread (port 0 picks a free port)."""

    def __init__(self, handler: Handler, port: int = 0) -> None:
        self._server = _Server(port, handler)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port actually listened on."""
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        """Start answering in the background."""
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # a quick stop matters to tests that start many
            name="sandbox-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering and free the port."""
        self._server.stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def serve_forever(self) -> None:
        """Answer in the calling thread until interrupted (for ``recallbot sandbox``)."""
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()
