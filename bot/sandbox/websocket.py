"""A minimal WebSocket server (RFC 6455) for the Slack emulator's Socket Mode.

Enough of the protocol for Slack's Socket Mode clients: the opening handshake, text frames
both ways (masked from the client), ping/pong and close. One thread per connection.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import socket
import socketserver
import struct
import threading
from collections.abc import Callable

_log = logging.getLogger("recallbot.sandbox.websocket")
_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


class Connection:
    """One open WebSocket: send text, receive it through the server's callback."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._lock = threading.Lock()
        self.open = True

    def send_text(self, text: str) -> None:
        """Send one text frame."""
        self.send_frame(TEXT, text.encode())

    def send_frame(self, opcode: int, payload: bytes) -> None:
        """Send one frame (unmasked, as a server does)."""
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        with self._lock:
            self._sock.sendall(header + payload)

    def _read_exact(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self._sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def receive(self) -> tuple[int, bytes]:
        """The next frame: (opcode, payload)."""
        first, second = self._read_exact(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._read_exact(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read_exact(8))
        mask = self._read_exact(4) if second & 0x80 else b"\0\0\0\0"
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read_exact(length)))
        return first & 0x0F, payload

    def close(self) -> None:
        """Close the connection (politely when possible)."""
        if self.open:
            self.open = False
            try:
                self.send_frame(CLOSE, struct.pack("!H", 1000))
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class WebSocketServer:
    """Accepts WebSocket connections on 127.0.0.1 and reports their text messages."""

    def __init__(
        self,
        on_open: Callable[[Connection], None],
        on_text: Callable[[Connection, str], None],
    ) -> None:
        self.on_open = on_open
        self.on_text = on_text
        self.connections: list[Connection] = []
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                server._handle(self.request)

        self._tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._tcp.daemon_threads = True
        self._thread = threading.Thread(target=self._tcp.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.05})  # fmt: skip

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:<port>``."""
        return f"ws://127.0.0.1:{self._tcp.server_address[1]}"

    def start(self) -> None:
        """Accept connections in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Close every connection and stop accepting."""
        for connection in list(self.connections):
            connection.close()
        self._tcp.shutdown()
        self._tcp.server_close()

    def _handle(self, sock: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = sock.recv(4096)
            if not chunk:
                return
            request += chunk
        headers = dict(
            line.split(": ", 1)
            for line in request.decode("latin-1").split("\r\n")[1:]
            if ": " in line
        )
        key = next((v for k, v in headers.items() if k.lower() == "sec-websocket-key"), "")
        accept = base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()  # noqa: S324 - RFC 6455 requires SHA-1
        sock.sendall(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
        )
        connection = Connection(sock)
        self.connections.append(connection)
        try:  # a client may close before its hello is sent: it is gone all the same
            self.on_open(connection)
            while connection.open:
                opcode, payload = connection.receive()
                if opcode == TEXT:
                    self.on_text(connection, payload.decode())
                elif opcode == PING:
                    connection.send_frame(PONG, payload)
                elif opcode == CLOSE:
                    break
        except (ConnectionError, OSError):
            pass
        finally:
            connection.close()
            self.connections.remove(connection)
