"""A clip from Motive's download link to a file, streamed: never whole in memory.

Transient failures (a dropped connection, a 5xx, a 429) are retried with back-off; a link
that expired on the way (403 or 410 from the media host) is refreshed from Motive once per
attempt and tried again; a clip larger than the limit is not fetched at all (it stays a link).
What arrives is written beside its destination and renamed into place only when complete.

Every fetch has an overall deadline besides the client's per-read timeout: a host that sends a
byte every few seconds never trips a read timeout, and would hold a worker for days.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.media.clip import Stop, check_stop
from bot.plumbing.pacing import backoff_delay

_EXPIRED = frozenset({401, 403, 410})


class TooLarge(Exception):
    """The clip is larger than the upload limit: it stays a link."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size / 2**20:.0f} MB is over the {limit / 2**20:.0f} MB limit")
        self.size = size


class DownloadFailed(Exception):
    """The clip could not be fetched after every retry (the message says why)."""


@dataclass
class Downloader:
    """Fetches clips with one HTTP client (connection reuse), retries and a size limit."""

    client: httpx.Client
    max_bytes: int
    attempts: int = 4
    backoff_s: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    progress: Callable[[int, int], None] | None = None  # (bytes so far, bytes in all or 0)
    stop: Stop | None = None  # set: the download ends with ``Interrupted``
    deadline_s: float = 300.0  # the whole fetch, retries included
    clock: Callable[[], float] = time.monotonic

    def fetch(self, url: str, out: Path, refresh: Callable[[], str] | None = None) -> int:
        """Write the clip at ``url`` to ``out``; its size. ``refresh``: a fresh link for the
        same clip when this one has expired."""
        partial = out.with_name(out.name + ".partial")
        failure = "no attempt was made"
        deadline = self.clock() + self.deadline_s
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(backoff_delay(attempt - 1, self.backoff_s, 8.0, random.Random()))  # noqa: S311
            try:
                self._in_time(deadline)
                size = self._once(url, partial, deadline)
            except _Expired:
                if refresh is None:
                    partial.unlink(missing_ok=True)
                    raise DownloadFailed("the download link expired") from None
                url, failure = refresh(), "the download link expired"
                continue
            except (httpx.TransportError, _Passing) as exc:
                failure = str(exc) or type(exc).__name__
                continue
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            partial.replace(out)
            return size
        partial.unlink(missing_ok=True)
        raise DownloadFailed(f"gave up after {self.attempts} tries: {failure}")

    def _in_time(self, deadline: float) -> None:
        if self.clock() > deadline:
            raise DownloadFailed(
                f"the download took longer than {self.deadline_s:.0f} s "
                "(RECALLBOT_DOWNLOAD_DEADLINE)"
            )

    def _once(self, url: str, partial: Path, deadline: float) -> int:
        with self.client.stream("GET", url) as answer:
            if answer.status_code in _EXPIRED:
                raise _Expired
            if answer.status_code == 429 or answer.status_code >= 500:
                raise _Passing(f"the media host answered {answer.status_code}")
            if answer.status_code != 200:
                raise DownloadFailed(f"the media host answered {answer.status_code}")
            declared = int(answer.headers.get("Content-Length") or 0)
            if declared > self.max_bytes:
                raise TooLarge(declared, self.max_bytes)
            written = 0
            with partial.open("wb") as sink:
                for block in answer.iter_bytes():  # as it arrives: a trickle is seen at once
                    check_stop(self.stop)
                    self._in_time(deadline)
                    written += len(block)
                    if written > self.max_bytes:
                        raise TooLarge(written, self.max_bytes)
                    sink.write(block)
                    if self.progress is not None:
                        self.progress(written, declared)
            if declared and written != declared:
                raise _Passing(f"the download ended after {written} of {declared} bytes")
            return written


class _Expired(Exception):
    """The link was refused: expired (or never valid)."""


class _Passing(Exception):
    """A failure the next attempt may not meet."""
