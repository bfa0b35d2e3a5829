"""How recallbot's long-running commands log: one line per record, as text or JSON, with the
recall, Motive id, Slack channel and user it is about, and nothing secret.

``configure`` is called once by ``run``, ``track`` and ``sandbox``. ``context`` binds fields to
the current thread's work (``with logs.context(recall_id=..., user=...)``): every record logged
inside carries them, whichever logger wrote it. Every line passes through ``Redactor`` on its
way out: the configured secrets are masked wherever they appear (a token in a library's debug
line, an exception message), and a URL keeps only its scheme and host, because Motive's
download links are as sensitive as the video and carry their own credentials in the query.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Literal, TextIO

FIELDS = ("recall_id", "motive_id", "event_id", "channel", "user")
"""What a line may be about, in the order text lines show them."""

_context: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "recallbot_log_context", default=MappingProxyType({})
)
_URL = re.compile(r"\b(https?://[^/\s\"'<>|]+)[^\s\"'<>|]*")


@contextmanager
def context(**fields: str | None) -> Iterator[None]:
    """Bind ``fields`` (see ``FIELDS``; None ones are left out) to records logged inside."""
    bound = {**_context.get(), **{k: v for k, v in fields.items() if v is not None}}
    token = _context.set(bound)
    try:
        yield
    finally:
        _context.reset(token)


class Redactor:
    """Masks secrets and shortens URLs to their origin."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """``text`` with every secret masked and every URL cut to its origin."""
        for secret in self._secrets:
            text = text.replace(secret, "[secret]")
        return _URL.sub(lambda m: f"{m[1]}/…" if m[0] != m[1] else m[0], text)


class _Formatter(logging.Formatter):
    """The shared part: the record's time in UTC, its context, and redaction."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    @staticmethod
    def when(record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    @staticmethod
    def about(record: logging.LogRecord) -> dict[str, str]:
        found = {**_context.get()}
        found.update({k: str(getattr(record, k)) for k in FIELDS if getattr(record, k, None)})
        return {k: found[k] for k in FIELDS if k in found}

    def problem(self, record: logging.LogRecord) -> str | None:
        if record.exc_info:
            return self.formatException(record.exc_info)
        return record.stack_info or None


class TextFormatter(_Formatter):
    """``2026-12-02T15:04:05.123Z INFO recallbot.tracker [recall_id=r1 user=U1] message``."""

    def format(self, record: logging.LogRecord) -> str:
        about = " ".join(f"{k}={v}" for k, v in self.about(record).items())
        line = f"{self.when(record)} {record.levelname} {record.name} "
        line += f"[{about}] " if about else ""
        line += record.getMessage()
        problem = self.problem(record)
        return self.redact(f"{line}\n{problem}" if problem else line)


class JsonFormatter(_Formatter):
    """One JSON object per line: time, level, logger, message, the context, and any error."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.when(record),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
            **{k: self.redact(v) for k, v in self.about(record).items()},
        }
        problem = self.problem(record)
        if problem:
            line["error"] = self.redact(problem)
        return json.dumps(line, ensure_ascii=False)


def configure(
    level: str = "INFO",
    fmt: Literal["text", "json"] = "text",
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> None:
    """Send every logger's records at ``level`` and above to ``stream`` (stderr), one line each.

    Replaces whatever handlers the root logger had, so calling it again reconfigures."""
    handler = logging.StreamHandler(stream or sys.stderr)
    redact = Redactor(secrets)
    handler.setFormatter(JsonFormatter(redact) if fmt == "json" else TextFormatter(redact))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request at INFO; recallbot's own lines (and /metrics) say what matters.
    quiet = logging.WARNING if logging.getLevelName(level) > logging.DEBUG else logging.NOTSET
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(quiet)
    logging.captureWarnings(True)
