"""Slow clients for trying the HTTP front: connections that send a request's header lines a few
seconds apart and never finish it (a "slowloris"), from chosen loopback source addresses.

The tests drive a few dozen to show what the front cuts; ``bench/front.py`` drives thousands
to find where ``/healthz`` starts to suffer. One thread drives them all with ``poll``, so a
connection's end is seen when it happens: the server's answer (408), or its close.
"""

from __future__ import annotations

import itertools
import select
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

from bot.plumbing.closing import ClosedOnExit

OPENING = b"POST /slack/events HTTP/1.1\r\nHost: recallbot\r\nContent-Type: application/json\r\n"


@dataclass
class Trickler:
    """One slow connection: when it opened, what the server said, and when it ended."""

    sock: socket.socket
    source: str
    opened: float
    answer: bytes = b""
    ended: float | None = None

    @property
    def lasted(self) -> float | None:
        """Seconds from its connect to the server's close (None while open)."""
        return None if self.ended is None else self.ended - self.opened


def connect_from(source: str, port: int, timeout: float = 5.0) -> socket.socket:
    """A connection to ``127.0.0.1:port`` from ``source`` (any 127.x.y.z is this host's)."""
    return socket.create_connection(("127.0.0.1", port), timeout, source_address=(source, 0))


class Trickle(ClosedOnExit):
    """``count`` slow connections to ``port``, spread round-robin over ``sources``; each
    sends a header line every ``every_s`` seconds from ``start`` until ``close``."""

    def __init__(self, port: int, sources: Sequence[str], count: int, every_s: float) -> None:
        self.port = port
        self.every_s = every_s
        self.tricklers: list[Trickler] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drive, name="trickle", daemon=True)
        try:
            for source in itertools.islice(itertools.cycle(sources), count):
                self.tricklers.append(self._open(source))
        except BaseException:
            self.close()
            raise

    def _open(self, source: str) -> Trickler:
        trickler = Trickler(connect_from(source, self.port), source, time.monotonic())
        try:
            trickler.sock.sendall(OPENING)
        except OSError:  # refused at once (over its address's cap): closed before the line
            trickler.ended = time.monotonic()
        trickler.sock.setblocking(False)
        return trickler

    def start(self) -> Self:
        self._thread.start()
        return self

    def open(self) -> list[Trickler]:
        """The connections the server has not closed yet."""
        return [t for t in self.tricklers if t.ended is None]

    def _drive(self) -> None:
        poller = select.poll()
        by_fd = {t.sock.fileno(): t for t in self.open()}
        for fd in by_fd:
            poller.register(fd, select.POLLIN)
        lines = itertools.count()
        next_line = time.monotonic() + self.every_s
        while not self._stop.is_set() and by_fd:
            for fd, _ in poller.poll(max(0.0, min(next_line - time.monotonic(), 0.1)) * 1000):
                if self._read(by_fd[fd]):
                    poller.unregister(fd)
                    del by_fd[fd]
            if time.monotonic() >= next_line:
                line = b"X-Line-%d: slow\r\n" % next(lines)
                for fd, trickler in list(by_fd.items()):
                    if not self._send(trickler, line):
                        poller.unregister(fd)
                        del by_fd[fd]
                next_line += self.every_s

    @staticmethod
    def _read(trickler: Trickler) -> bool:
        """Take what the server sent; whether it has closed the connection."""
        try:
            data = trickler.sock.recv(4096)
        except BlockingIOError:
            return False
        except OSError:  # reset: closed with our unread lines in its buffer
            data = b""
        trickler.answer += data
        if data:
            return False
        trickler.ended = time.monotonic()
        return True

    @staticmethod
    def _send(trickler: Trickler, line: bytes) -> bool:
        """Send one more header line; False once the server has closed the connection."""
        try:
            trickler.sock.send(line)
        except BlockingIOError:
            pass  # its buffer is full: the server stopped reading; the line can wait
        except OSError:
            trickler.ended = time.monotonic()
            return False
        return True

    def close(self) -> None:
        """Stop sending and close every connection."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        for trickler in self.tricklers:
            trickler.sock.close()
