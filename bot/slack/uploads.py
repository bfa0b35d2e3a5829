"""Files into a thread with Slack's external upload, the bytes streamed from disk.

The three steps of ``files_upload_v2`` (``files.getUploadURLExternal`` per file, the raw
upload, one ``files.completeUploadExternal`` sharing them all in the channel and thread), but
the middle step streams the file in chunks: slack_sdk's own helper reads each file into memory,
and a clip may be a hundred megabytes. Scope: ``files:write``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from slack_sdk import WebClient

from bot.plumbing.crashpoints import checkpoint


class UploadFailed(Exception):
    """Slack's upload URL refused the bytes (the message says how)."""


@dataclass(frozen=True)
class Upload:
    """One file to share: where it is, its name in Slack, its title, and words for a reader."""

    path: Path
    filename: str
    title: str
    alt_txt: str | None = None


def _chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with path.open("rb") as source:
        while block := source.read(size):
            yield block


def share(
    client: WebClient,
    http: httpx.Client,
    uploads: list[Upload],
    channel: str,
    thread_ts: str | None,
    comment: str | None = None,
) -> list[str]:
    """Upload every file, then share them as one message in the thread; their Slack ids.

    ``SlackApiError`` when Slack refuses a step, ``UploadFailed`` when the bytes are refused:
    nothing is shared then (files uploaded but never completed are not visible to anyone)."""
    ids = []
    for upload in uploads:
        size = upload.path.stat().st_size
        url = client.files_getUploadURLExternal(
            filename=upload.filename, length=size, alt_txt=upload.alt_txt
        )
        answer = http.post(
            str(url["upload_url"]),
            content=_chunks(upload.path),
            headers={"Content-Length": str(size), "Content-Type": "application/octet-stream"},
        )
        if answer.status_code != 200:
            raise UploadFailed(f"{upload.filename}: Slack's upload answered {answer.status_code}")
        ids.append(str(url["file_id"]))
    checkpoint("before_files_complete")
    client.files_completeUploadExternal(
        files=[{"id": i, "title": u.title} for i, u in zip(ids, uploads, strict=True)],
        channel_id=channel,
        thread_ts=thread_ts,
        initial_comment=comment,
    )
    return ids
