"""Small HTTP servers on loopback for the kept-alive connections' tests: a server of a handler
class on a port of its own, and a forward proxy (``bot.plumbing.kept_alive``'s proxy rules).
The fixtures ``proxy`` and ``no_proxy_settings`` (conftest.py) use them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
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
