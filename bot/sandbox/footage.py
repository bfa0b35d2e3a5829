"""Real footage for the Motive sandbox: an H.264 MP4 per recall and camera, made on first
download and kept.

Each frame shows the vehicle, the camera in words and the wall-clock time of that frame (UTC),
on a background colour per camera position, and carries the same second as a strip of black
and white blocks along its top edge (32 bits of the Unix time, most significant first), so a
test can decode any frame and know which camera and which second it is without reading text.
A regular recall's clip lasts its window; a time-lapse's is its window sped up
(``timelapse_speedup``), the way Motive's are short clips that cover a long window.

A flat frame costs a decoder and x264 next to nothing, and real dashcam footage is busy: a
``busy`` clip's background is a texture in the camera's colour that pans as a road would, with
fresh grain every frame, so encoders and decoders do real work (the benches measure both). The
strip and a patch in the bottom-right corner stay flat, so a test reads either kind alike.

PyAV (FFmpeg with libx264, from its wheel) encodes; Pillow draws. Both are imported only when a
clip is made, so the rest of the sandbox runs without them.
"""

from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.recall import CAMERA_WORDS, CameraPosition

COLOURS: dict[str, tuple[int, int, int]] = {
    CameraPosition.FRONT_FACING.value: (30, 90, 200),  # blue: the road
    CameraPosition.DRIVER_FACING.value: (200, 120, 30),  # amber: the cab
    CameraPosition.FRONT_NARROW_FACING.value: (40, 160, 160),  # teal
    CameraPosition.SIDE_LEFT.value: (60, 170, 60),  # green
    CameraPosition.SIDE_RIGHT.value: (170, 60, 170),  # purple
    CameraPosition.REAR.value: (190, 50, 50),  # red
}
"""The background of each camera's frames (a test tells cameras apart by it)."""

BITS = 32
"""Blocks in the time strip along the top of every frame."""


@dataclass(frozen=True)
class ClipSpec:
    """What one clip shows, and how it is encoded."""

    vehicle: str
    position: str
    start: datetime  # the window's start (aware)
    window_s: int  # the window's length, in recorded seconds
    speedup: int = 1  # recorded seconds per second of clip (a time-lapse's is above 1)
    width: int = 320
    height: int = 180
    fps: int = 5
    pad_bytes: int = 0  # grow the file to at least this size (memory tests of big downloads)
    busy: bool = False  # a panning texture and grain behind the words, not a flat colour

    def key(self) -> str:
        """A name for the cached file, unique to everything that decides its bytes."""
        said = repr(self).encode()
        return hashlib.sha256(said).hexdigest()[:24]


def strip_value(image: Any) -> int:
    """The Unix second a frame's top strip encodes (``image``: the frame as a Pillow image)."""
    block = max(1, image.width // BITS)
    value = 0
    for bit in range(BITS):
        red, green, blue = image.getpixel((bit * block + block // 2, block // 2))[:3]
        value = value << 1 | ((red + green + blue) / 3 > 127)
    return value


def colour_of(image: Any) -> tuple[int, int, int]:
    """The background colour of a frame, sampled away from the text and the strip."""
    red, green, blue = image.getpixel((image.width - 4, image.height - 4))[:3]
    return int(red), int(green), int(blue)


PATCH = 24
"""The flat corner of a busy frame, in pixels (``colour_of`` samples inside it)."""
GRAINS = 7
"""Grain images a busy clip cycles through (a prime: no period a encoder could lean on)."""


class _Busy:
    """What a busy clip's backgrounds are cut from: one texture twice the frame's size in the
    camera's colour (smooth blobs and fine detail), and a few grain images; made once a clip."""

    def __init__(self, spec: ClipSpec) -> None:
        from PIL import Image, ImageOps

        seed = random.Random(spec.key())  # noqa: S311 - test pictures, not secrets
        size = (spec.width * 2, spec.height * 2)

        def noise(width: int, height: int) -> Any:
            return Image.frombytes("L", (width, height), seed.randbytes(width * height))

        smooth = Image.Resampling
        blobs = noise(max(2, size[0] // 24), max(2, size[1] // 24)).resize(size, smooth.BICUBIC)
        detail = noise(size[0] // 2, size[1] // 2).resize(size, smooth.BILINEAR)
        grey = Image.blend(blobs, detail, 0.35)
        colour = COLOURS.get(spec.position, (90, 90, 90))
        self.texture = ImageOps.colorize(grey, tuple(c // 3 for c in colour),
                                         tuple(min(255, c * 2) for c in colour))  # fmt: skip
        self.grains = [noise(spec.width, spec.height).point(lambda v: v * 12 // 255).convert("RGB")
                       for _ in range(GRAINS)]  # fmt: skip
        self.spec = spec

    def background(self, index: int) -> Any:
        """Frame ``index``'s background: the texture panned (down and across, as the road
        moves under a camera) with that frame's grain added around zero."""
        from PIL import ImageChops

        s = self.spec
        x = index * 3 % s.width
        y = index * 2 % s.height
        cut = self.texture.crop((x, y, x + s.width, y + s.height))
        return ImageChops.add(cut, self.grains[index % GRAINS], 1.0, -6)


def _frame(spec: ClipSpec, moment: datetime, font: Any, background: Any = None) -> Any:
    from PIL import Image, ImageDraw

    colour = COLOURS.get(spec.position, (90, 90, 90))
    image = background or Image.new("RGB", (spec.width, spec.height), colour)
    draw = ImageDraw.Draw(image)
    if background is not None:
        draw.rectangle((spec.width - PATCH, spec.height - PATCH, spec.width, spec.height),
                       fill=colour)  # fmt: skip
    block = max(1, spec.width // BITS)
    second = int(moment.timestamp())
    for bit in range(BITS):
        on = second >> (BITS - 1 - bit) & 1
        draw.rectangle(
            (bit * block, 0, (bit + 1) * block - 1, block - 1),
            fill=(255, 255, 255) if on else (0, 0, 0),
        )
    known = {p.value: CAMERA_WORDS[p] for p in CameraPosition}
    lines = [f"vehicle {spec.vehicle}", known.get(spec.position, spec.position),
             moment.strftime("%Y-%m-%d %H:%M:%S UTC")]  # fmt: skip
    y = block + 6
    for line in lines:
        draw.text((8, y), line, fill=(255, 255, 255), font=font)
        y += spec.height // 6
    return image


_FLAT: dict[str, object] = {"preset": "ultrafast", "tune": "stillimage"}
_BUSY: dict[str, object] = {"preset": "ultrafast", "crf": "24"}
"""A busy clip at 1280x720, 15 fps comes to about 4 Mbit/s, a dashcam's rate (crf 23 kept
the grain: 7.5 Mbit/s; 26 smoothed it away: 1.8)."""


def render(spec: ClipSpec, path: Path) -> None:
    """Encode the clip to ``path`` (written beside it, then renamed into place)."""
    import av
    from PIL import ImageFont

    font = ImageFont.load_default(size=max(10, spec.height // 9))
    frames = max(1, spec.window_s * spec.fps // spec.speedup)
    busy = _Busy(spec) if spec.busy else None
    partial = path.with_name(path.name + ".partial")
    with av.open(str(partial), mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=spec.fps)
        stream.width, stream.height = spec.width, spec.height
        stream.pix_fmt = "yuv420p"
        stream.options = _BUSY if spec.busy else _FLAT
        for index in range(frames):
            moment = spec.start + timedelta(seconds=index * spec.speedup / spec.fps)
            background = busy.background(index) if busy is not None else None
            image = _frame(spec, moment, font, background)
            frame = av.VideoFrame.from_image(image)  # type: ignore[no-untyped-call]
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    if spec.pad_bytes > partial.stat().st_size:
        _pad(partial, spec.pad_bytes)
    partial.replace(path)


def _pad(path: Path, size: int) -> None:
    """Grow an MP4 with a ``free`` box (players skip it) to ``size`` bytes, a chunk at a time."""
    missing = size - path.stat().st_size
    with path.open("ab") as out:
        header = missing.to_bytes(4, "big") if missing < 2**32 else (1).to_bytes(4, "big")
        if missing < 2**32:
            out.write(header + b"free")
            left = missing - 8
        else:
            out.write(header + b"free" + missing.to_bytes(8, "big"))
            left = missing - 16
        chunk = bytes(1 << 20)
        while left > 0:
            out.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)


def live_still(vehicle: str, position: str, moment: datetime, width: int, height: int) -> bytes:
    """A JPEG of what a camera sees at ``moment`` (an image capture): the frame a clip of that
    second would show, marked LIVE, so a still and a recall of the same moment agree."""
    import io

    from PIL import ImageDraw, ImageFont

    spec = ClipSpec(vehicle=vehicle, position=position, start=moment, window_s=1,
                    width=width, height=height)  # fmt: skip
    font = ImageFont.load_default(size=max(10, height // 9))
    image = _frame(spec, window_start(moment), font)
    ImageDraw.Draw(image).text((width - 8, height - 8), "LIVE", fill=(255, 40, 40), font=font,
                               anchor="rd")  # fmt: skip
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


class FootageShelf:
    """Clips made on first download and kept in a folder, one per recall and camera."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def clip(self, spec: ClipSpec) -> Path:
        """The clip's file, made now if it was never asked for (at most once at a time)."""
        key = spec.key()
        path = self.folder / f"{key}.mp4"
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if not path.exists():
                self.folder.mkdir(parents=True, exist_ok=True)
                render(spec, path)
        return path


def window_start(start: datetime) -> datetime:
    """A window's start as the clip's first frame shows it (whole seconds, UTC)."""
    return start.astimezone(UTC).replace(microsecond=0)
