"""What a downloaded clip is, and what can be made from it: a check that it decodes, a still
at a moment, and an all-angles clip of several cameras side by side, in sync.

Frames are decoded one at a time and written as they come: memory stays a few frames deep
whatever the clip's length.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

from bot.plumbing.crashpoints import checkpoint

AVAILABLE = (
    importlib.util.find_spec("av") is not None and importlib.util.find_spec("PIL") is not None
)
"""Whether PyAV and Pillow are installed (else stills and all-angles are skipped)."""


class ClipError(Exception):
    """A file that is not a playable video (truncated, not H.264/MP4, empty)."""


class Stop(Protocol):
    """A flag a long loop checks (a ``threading.Event``, or a multiprocessing one)."""

    def is_set(self) -> bool:
        """Whether to stop."""
        ...


class Interrupted(Exception):
    """recallbot is stopping: the work was left off (it is taken up again after a start)."""


def check_stop(stop: Stop | None) -> None:
    """Raise ``Interrupted`` once ``stop`` is set (long loops call it as they go)."""
    if stop is not None and stop.is_set():
        raise Interrupted("recallbot is stopping")


@dataclass(frozen=True)
class ClipInfo:
    """A clip as decoded: its length, size and rate."""

    seconds: float
    width: int
    height: int
    fps: float
    frames: int


def probe(path: Path) -> ClipInfo:
    """Open ``path`` and decode it through, counting frames: ``ClipError`` unless it plays."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ClipError(f"{path.name} has no video")
            stream = container.streams.video[0]
            frames = sum(1 for _ in container.decode(stream))
            rate = float(stream.average_rate or stream.guessed_rate or 0) or 1.0
            width, height = stream.codec_context.width, stream.codec_context.height
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise ClipError(f"{path.name} does not decode: {exc}") from exc
    if frames == 0:
        raise ClipError(f"{path.name} has no frames")
    return ClipInfo(frames / rate, width, height, rate, frames)


def still(path: Path, at_seconds: float, out: Path, quality: int = 85) -> Path:
    """The frame at ``at_seconds`` into the clip (the last one before it), as a JPEG."""
    import av

    chosen: Any = None
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        base = stream.time_base or Fraction(1, 1)
        for frame in container.decode(stream):
            moment = float(frame.pts * base) if frame.pts is not None else 0.0
            if chosen is not None and moment > at_seconds + 1e-6:
                break
            chosen = frame
    if chosen is None:
        raise ClipError(f"{path.name} has no frames")
    chosen.to_image().save(out, format="JPEG", quality=quality)
    return out


def _grid(count: int) -> tuple[int, int]:
    """Columns and rows for ``count`` tiles: as square as possible, wider than tall."""
    columns = math.ceil(math.sqrt(count))
    return columns, math.ceil(count / columns)


def all_angles(
    clips: list[Path],
    out: Path,
    tile: tuple[int, int] = (640, 360),
    stop: Stop | None = None,
) -> Path:
    """One H.264 clip with ``clips`` side by side (in the order given), frame by frame in sync:
    every output frame shows each camera's frame of the same instant. A clip that ends early
    keeps its last frame. ``tile``: the size of each camera's cell; ``stop``: set, the encode
    ends with ``Interrupted`` at the next frame (a stop never waits for a long encode)."""
    import av
    from PIL import Image

    columns, rows = _grid(len(clips))
    width, height = tile
    inputs = [av.open(str(path)) for path in clips]
    try:
        streams = [c.streams.video[0] for c in inputs]
        rate = max(float(s.average_rate or 1) for s in streams)
        decoders = [c.decode(s) for c, s in zip(inputs, streams, strict=True)]
        bases = [float(s.time_base or 1) for s in streams]
        latest: list[Any] = [None] * len(clips)
        pending: list[Any] = [next(d, None) for d in decoders]
        with av.open(str(out), mode="w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=round(rate))
            stream.width, stream.height = columns * width, rows * height
            stream.pix_fmt = "yuv420p"
            stream.options = {"preset": "ultrafast", "crf": "26"}
            index = 0
            while any(p is not None for p in pending):
                check_stop(stop)
                moment = index / rate
                for k, decoder in enumerate(decoders):
                    while (
                        pending[k] is not None and (pending[k].pts or 0) * bases[k] <= moment + 1e-6
                    ):
                        latest[k] = pending[k]
                        pending[k] = next(decoder, None)
                canvas = Image.new("RGB", (stream.width, stream.height))
                for k, frame in enumerate(latest):
                    if frame is not None:  # swscale scales and converts in one C pass
                        cell = frame.reformat(width=width, height=height, format="rgb24")
                        canvas.paste(cell.to_image(), (k % columns * width, k // columns * height))
                for packet in stream.encode(av.VideoFrame.from_image(canvas)):  # type: ignore[no-untyped-call]
                    container.mux(packet)
                checkpoint("mid_encode")
                index += 1
            for packet in stream.encode(None):
                container.mux(packet)
    finally:
        for opened in inputs:
            opened.close()
    return out
