"""Files in our Slack: the three steps of an external upload, and ``files.info``.

``files.getUploadURLExternal`` hands out an upload URL for a declared length;
the bytes are POSTed raw to that URL; ``files.completeUploadExternal`` shares the uploaded files
in a channel (and thread) as one message, exactly once. The bytes are kept (on disk, so big
uploads do not sit in the emulator's memory) for tests to decode.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.sandbox.http import HttpReply, HttpRequest


@dataclass
class SharedFile:
    """One file: what was declared, what arrived, and where it was shared."""

    id: str
    name: str
    length: int
    alt_txt: str | None = None
    path: Path | None = None  # the bytes, once uploaded
    title: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    message_ts: str | None = None
    shared_at: float | None = None
    completions: int = 0

    @property
    def data(self) -> bytes:
        """The uploaded bytes."""
        return self.path.read_bytes() if self.path else b""

    def as_slack(self) -> dict[str, Any]:
        """The file as the Web API shows it."""
        mimetype = {"mp4": "video/mp4", "jpg": "image/jpeg", "jpeg": "image/jpeg"}.get(
            self.name.rsplit(".", 1)[-1].lower(), "application/octet-stream"
        )
        shown: dict[str, Any] = {"id": self.id, "name": self.name, "title": self.title or self.name,
                                 "mimetype": mimetype, "size": self.length}  # fmt: skip
        if self.channel:
            shares = {"ts": self.message_ts, "thread_ts": self.thread_ts}
            shown["shares"] = {"private" if self.channel.startswith("G") else "public":
                               {self.channel: [shares]}}  # fmt: skip
        return shown


@dataclass
class FileStore:
    """The files of the emulated workspace."""

    base_url: str = ""
    files: dict[str, SharedFile] = field(default_factory=dict)
    _folder: tempfile.TemporaryDirectory[str] = field(
        default_factory=lambda: tempfile.TemporaryDirectory(prefix="recallbot-slack-files-")
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        """Remove the kept bytes."""
        self._folder.cleanup()

    def get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        """``files.getUploadURLExternal``."""
        name = str(args.get("filename") or "")
        try:
            length = int(args.get("length") or 0)
        except ValueError:
            length = 0
        if not name or length <= 0:
            return {"ok": False, "error": "invalid_arguments"}
        file_id = "F" + uuid.uuid4().hex[:10].upper()
        with self._lock:
            self.files[file_id] = SharedFile(file_id, name, length, args.get("alt_txt"))
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def upload(self, request: HttpRequest) -> HttpReply:
        """The raw POST of a file's bytes to its upload URL."""
        file_id = request.path.removeprefix("/upload/")
        found = self.files.get(file_id)
        if request.method != "POST" or found is None:
            return HttpReply(404, b"not found")
        if len(request.body) != found.length:
            return HttpReply(400, f"expected {found.length} bytes".encode())
        path = Path(self._folder.name) / file_id
        path.write_bytes(request.body)
        found.path = path
        return HttpReply(200, f"OK - {found.length}".encode(), {"Content-Type": "text/plain"})

    def complete(self, args: dict[str, Any], post: Any) -> dict[str, Any]:
        """``files.completeUploadExternal``: share the uploaded files as one message, once;
        ``post(channel, text, thread_ts)`` makes that message and returns its ts."""
        try:
            listed = (
                json.loads(args["files"]) if isinstance(args.get("files"), str) else args["files"]
            )
        except (KeyError, ValueError):
            return {"ok": False, "error": "invalid_arguments"}
        chosen = [self.files.get(str(item.get("id"))) for item in listed]
        if not chosen or any(f is None or f.path is None for f in chosen):
            return {"ok": False, "error": "file_not_found"}
        channel = args.get("channel_id") or args.get("channels")
        files = [f for f in chosen if f is not None]
        if channel:
            if any(f.channel for f in files):  # completed before: Slack shares a file once
                return {"ok": True, "files": [f.as_slack() for f in files]}
            thread_ts = args.get("thread_ts") or None
            ts = post(str(channel), str(args.get("initial_comment") or ""), thread_ts, files)
            if isinstance(ts, dict):  # the post's own error (not in the channel...)
                return ts
            for item, shared in zip(listed, files, strict=True):
                shared.title = item.get("title") or shared.name
                shared.channel, shared.thread_ts, shared.message_ts = str(channel), thread_ts, ts
                shared.shared_at = time.monotonic()
        for shared in files:
            shared.completions += 1
        return {"ok": True, "files": [f.as_slack() for f in files]}

    def info(self, args: dict[str, Any]) -> dict[str, Any]:
        """``files.info``."""
        found = self.files.get(str(args.get("file")))
        if found is None:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": found.as_slack()}
