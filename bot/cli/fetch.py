"""``recallbot fetch ID [--out DIR]``: a recall's clips on your disk, with progress bars, and
(with the video extra) a still per camera and the all-angles clip beside them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

import httpx

from bot.cli.request import require_credentials
from bot.config import get_settings
from bot.media import clip as media
from bot.media.download import Downloader, DownloadFailed
from bot.motive import MotiveClient, MotiveConfig, RecallStatus
from bot.recall import CAMERA_ORDER, CameraPosition
from bot.store import Store


class _Bar:
    """One file's progress: a bar redrawn in place on a terminal, one line when it is done."""

    def __init__(self, out: TextIO, name: str) -> None:
        self.out, self.name = out, name
        self.live = out.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.live:
            return
        share = done / total if total else 0.0
        filled = int(share * 30)
        self.out.write(f"\r  {self.name:<32} [{'#' * filled}{' ' * (30 - filled)}] "
                       f"{share:4.0%} {done / 2**20:6.1f} MB")  # fmt: skip
        self.out.flush()

    def finish(self, size: int) -> None:
        self.out.write(("\r" if self.live else "") + f"  {self.name:<32} {size / 2**20:6.1f} MB\n")


def _order(position: str) -> int:
    try:
        return CAMERA_ORDER.index(CameraPosition(position))
    except ValueError:
        return len(CAMERA_ORDER)


def run_fetch(args: argparse.Namespace, out: TextIO) -> int:
    """Download every camera's clip of one finished recall into ``--out``."""
    settings = get_settings()
    with Store(settings.db_path, read_only=True) as store:
        recall = store.recalls.get(args.id)
    if recall is None:
        sys.stderr.write(f"recallbot fetch: no recall {args.id} in {settings.db_path}\n")
        return 1
    if recall.state != "success" or recall.motive_id is None:
        sys.stderr.write(f"recallbot fetch: recall {recall.id} is {recall.state}: no footage\n")
        return 1
    require_credentials(settings)
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    with (
        MotiveClient(MotiveConfig.from_settings(settings)) as motive,
        httpx.Client(timeout=60.0) as http,
    ):
        cameras = motive.get_recall(recall.motive_id).cameras  # links fresh from Motive
        ready = sorted((c for c in cameras if c.download_url and c.status is RecallStatus.SUCCESS),
                       key=lambda c: _order(str(c.position)))  # fmt: skip
        clips = []
        for camera in ready:
            path = folder / f"{recall.id}-{camera.position}.mp4"
            bar = _Bar(out, path.name)
            downloader = Downloader(http, 8 << 30, progress=bar,  # a disk, not Slack: no limit
                                    deadline_s=settings.download_deadline_s)  # fmt: skip
            try:
                bar.finish(downloader.fetch(camera.download_url or "", path))
            except DownloadFailed as exc:
                out.write(f"  {path.name}: {exc}\n")
                continue
            clips.append(path)
    made = list(clips)
    if media.AVAILABLE and clips:
        for path in clips:
            made.append(media.still(path, media.probe(path).seconds / 2, path.with_suffix(".jpg")))
        if len(clips) >= 2:
            made.append(media.all_angles(clips, folder / f"{recall.id}-all-angles.mp4"))
    out.write("\n".join(str(p.resolve()) for p in made) + "\n")
    return 0 if clips else 1
