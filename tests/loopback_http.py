"""Small HTTP servers on loopback for the kept-alive connections' tests: a server of a handler
class on a port of its own, and a forward proxy (``bot.plumbing.kept_alive``'s proxy rules).
The fixtures ``proxy`` and ``no_proxy_settings`` (conftest.py) use them."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import urlsplit


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """``handler`` served on a loopback port of its own (the port), until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def raw_serving(answer: Callable[[socket.socket], None]) -> Iterator[int]:
    """A server that hands each accepted connection to ``answer`` (bytes as a test writes
    them, for answers http.server would not give), on a loopback port of its own."""
    listener = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:  # the listener closed: the block ended
                return
            with connection:
                answer(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        done.set()
        listener.close()
        thread.join(timeout=5)


def read_request(connection: socket.socket) -> bytes:
    """One request's head and body as sent (b"" once the client has closed): up to the blank
    line, then its Content-Length's bytes or its chunks up to the last one."""
    data = b""
    while b"\r\n\r\n" not in data:
        more = connection.recv(65536)
        if not more:
            return data
        data += more
    head, _, body = data.partition(b"\r\n\r\n")
    lowered = head.lower()
    if b"transfer-encoding: chunked" in lowered:
        while not body.endswith(b"0\r\n\r\n"):
            body += connection.recv(65536)
    elif b"content-length:" in lowered:
        length = int(lowered.split(b"content-length:")[1].split(b"\r\n")[0])
        while len(body) < length:
            body += connection.recv(65536)
    return head + b"\r\n\r\n" + body


class Proxy(BaseHTTPRequestHandler):
    """A forward proxy: passes on a GET or POST for a whole http URL; refuses every CONNECT
    (so a test sees the tunnel asked for without needing a certificate)."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[tuple[str, str, str | None]]] = []  # method, target, Proxy-Authorization

    def do_GET(self) -> None:
        self._forward(b"")

    def do_POST(self) -> None:
        self._forward(self.rfile.read(int(self.headers["Content-Length"])))

    def _forward(self, body: bytes) -> None:
        type(self).seen.append((self.command, self.path, self.headers["Proxy-Authorization"]))
        target = urlsplit(self.path)
        onward = HTTPConnection(target.hostname or "", target.port or 80, timeout=5)
        headers = {k: v for k, v in self.headers.items() if not k.lower().startswith("proxy-")}
        path = target.path + (f"?{target.query}" if target.query else "")
        onward.request(self.command, path, body or None, headers)
        answer = onward.getresponse()
        content = answer.read()
        onward.close()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.headers.get("Content-Type", "text/plain"))
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def do_CONNECT(self) -> None:
        type(self).seen.append(("CONNECT", self.path, self.headers["Proxy-Authorization"]))
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass
