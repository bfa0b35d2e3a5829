"""What a downloaded clip is, and what can be made from it: a check that it plays, a still
at a moment, and an all-angles clip of several cameras side by side, in sync.

Each clip is decoded at most once. The check demuxes the file (every packet read, none
decoded) and decodes one keyframe; the still seeks to the keyframe before its moment and
decodes forward to it; only All angles decodes every frame. All angles is FFmpeg's work end to
end: the decoders run frame threads, the filter graph scales and stacks the cameras in YUV
(no RGB, no copy through Python), and x264 encodes; Python only says which frame of each
camera goes with which output frame. Frames are decoded one at a time and written as they
come: memory stays a few frames deep whatever the clip's length.
"""

from __future__ import annotations

import importlib.util
import math
import queue
import threading
from collections.abc import Iterator
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
    """Check that ``path`` plays without decoding it through: an MP4 with a video stream
    whose packets all demux (as many as its index promises) and whose first keyframe
    decodes; ``ClipError`` says what is wrong."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ClipError(f"{path.name} has no video")
            stream = container.streams.video[0]
            frames, decoded = 0, False
            for packet in container.demux(stream):
                if packet.size == 0:  # the demuxer's closing empty packet
                    continue
                frames += 1
                if not decoded and packet.is_keyframe:
                    decoded = bool(stream.codec_context.decode(packet) +
                                   stream.codec_context.decode(None))  # fmt: skip
                    if not decoded:
                        raise ClipError(f"{path.name}: its first keyframe does not decode")
            promised = stream.frames
            rate = float(stream.average_rate or stream.guessed_rate or 0) or 1.0
            width, height = stream.codec_context.width, stream.codec_context.height
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise ClipError(f"{path.name} does not decode: {exc}") from exc
    if frames == 0 or not decoded:
        raise ClipError(f"{path.name} has no frames")
    if promised and frames < promised:
        raise ClipError(f"{path.name} is cut short: {frames} of {promised} frames")
    return ClipInfo(frames / rate, width, height, rate, frames)


@dataclass(frozen=True)
class _Clock:
    """A stream's frames' moments: seconds from its first timestamp (exact fractions)."""

    start: int
    base: Fraction

    def __init__(self, stream: Any) -> None:
        object.__setattr__(self, "start", int(stream.start_time or 0))
        object.__setattr__(self, "base", stream.time_base or Fraction(1, 1))

    def moment(self, frame: Any) -> Fraction:
        """When ``frame`` shows (a frame without a timestamp: at the start)."""
        return (frame.pts - self.start) * self.base if frame.pts is not None else Fraction(0)

    def at(self, seconds: float) -> int:
        """The timestamp ``seconds`` into the stream."""
        return self.start + int(seconds / self.base)


def still(path: Path, at_seconds: float, out: Path, quality: int = 85) -> Path:
    """The frame at ``at_seconds`` into the clip (the last one at or before it), as a JPEG:
    a seek to the keyframe before that moment, then a decode forward to the frame."""
    import av

    chosen: Any = None
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        clock = _Clock(stream)
        container.seek(clock.at(at_seconds), stream=stream, backward=True)
        for frame in container.decode(stream):
            moment = float(clock.moment(frame))
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


@dataclass(frozen=True)
class Encoding:
    """How All angles is scaled and encoded, chosen by measurement (3 cameras x 2 min at
    1280x720, 15 fps, CPU seconds on a loaded 2-core host, medians of 3). All angles is watched
    on a phone in Slack, where each camera gets a quarter of the screen and its own full clip
    is one tap away in the message above. On busy footage the three decodes alone take 7.4 s
    of CPU (every frame of every camera is shown: nothing to skip), scaling and stacking 2.3 s,
    x264 the rest. 416x234 cells (an 832x468 mosaic, 480p class: a cell is still shown larger
    than its pixels on a phone) at crf 28 took 13.5 s against 15.5 s for 480x270 at crf 26,
    for a file of 16 MB against 44 MB (about 1.1 Mbit/s, far inside Slack's 1 GB per file);
    crf 30 alone at 480x270 saved only 0.3 s. The width is 13 x 32: the sandbox's 32-block
    time strip scales to whole pixels. x264 ``ultrafast``: ``superfast`` took 30% more CPU
    for a file half the size, ``veryfast`` 50% more. x264 on one thread, the loop's own: the
    readers keep the second core busy, and its own threads cost 0.3 s more CPU busy (13.3 s
    against 13.0 s, 3 runs alternated) for no wall time. Each camera is decoded and scaled to
    its tile on a thread of its own, 4 frames ahead of the loop (PyAV lets go of the GIL in
    both), so three cameras keep both cores busy while the loop stacks and encodes; the frames
    queued are tiles, 150 kB each.
    Scaling there rather than in the graph, and one decoding thread per camera rather than two
    frame threads: 14.8 s of CPU down to 13.2 s busy, 6.5 s down to 5.2 s flat (medians of 3,
    alternated, at load 2-9). ``FAST_BILINEAR`` saved 0.8 s more but aliased the busy texture
    into a file twice the size (37 MB)."""

    tile: tuple[int, int] = (416, 234)  # each camera's cell: 832x468 for 3 or 4 cameras
    preset: str = "ultrafast"
    crf: int = 28
    threads: int = 1  # x264's threads (0: its own choice from the cores)
    decoder_threads: int = 1  # frame threads per camera's decoder (its reader thread is one)
    scaler: str = "BILINEAR"  # a name of PyAV's Interpolation
    ahead: int = 4  # frames each camera's decoder runs ahead on a thread of its own (0: inline)


def _graph(count: int, rate: Fraction, tile: tuple[int, int]) -> tuple[Any, list[Any], Any]:
    """A filter graph taking one buffer source per camera (tiles in YUV 4:2:0, stamped in
    output frame numbers), stacked in a grid (black where no camera is); the graph (held while
    it is used: its filters go with it), its sources and its sink."""
    import av

    columns = _grid(count)[0]
    width, height = tile
    graph = av.filter.Graph()
    stack = graph.add("xstack", inputs=str(count), fill="black", layout="|".join(
        f"{k % columns * width}_{k // columns * height}" for k in range(count)))  # fmt: skip
    sources = []
    for k in range(count):
        source = graph.add_buffer(width=width, height=height, format=av.VideoFormat("yuv420p"),
                                  time_base=1 / rate, name=f"camera{k}")  # fmt: skip
        source.link_to(stack, 0, k)
        sources.append(source)
    sink = graph.add("buffersink")
    stack.link_to(sink)
    graph.configure()
    return graph, sources, sink


def _tiles(frames: Iterator[Any], encoding: Encoding) -> Iterator[Any]:
    """Each frame scaled to its tile in YUV 4:2:0 by one scaler kept for the camera (a new one
    per frame costs more than the scaling), on the thread that decodes it: swscale lets go of
    the GIL, so the cameras scale side by side instead of one after another in the graph."""
    from av.video.reformatter import VideoReformatter

    reformatter = VideoReformatter()
    width, height = encoding.tile
    for frame in frames:
        yield reformatter.reformat(frame, width, height, "yuv420p",
                                   interpolation=encoding.scaler, threads=1)  # fmt: skip


def all_angles(
    clips: list[Path],
    out: Path,
    encoding: Encoding = Encoding(),
    stop: Stop | None = None,
) -> Path:
    """One H.264 clip with ``clips`` side by side (in the order given), frame by frame in sync:
    output frame ``n`` shows each camera's last frame at or before ``n / rate`` seconds into
    its clip (the highest rate of the clips). A clip that ends early keeps its last frame.
    ``stop``: set, the encode ends with ``Interrupted`` at the next frame (a stop never waits
    for a long encode)."""
    import av

    inputs = [av.open(str(path)) for path in clips]
    readers: list[_Ahead] = []
    try:
        streams = [c.streams.video[0] for c in inputs]
        for stream in streams:
            stream.codec_context.thread_type = "FRAME"
            stream.codec_context.thread_count = encoding.decoder_threads
        rate = Fraction(round(max(float(s.average_rate or 1) for s in streams)))
        graph, sources, sink = _graph(len(streams), rate, encoding.tile)
        decoders: list[Iterator[Any]] = [
            _tiles(c.decode(s), encoding) for c, s in zip(inputs, streams, strict=True)
        ]
        if encoding.ahead:
            readers = [_Ahead(d, encoding.ahead) for d in decoders]
            decoders = [iter(r) for r in readers]
        clocks = [_Clock(s) for s in streams]
        pending: list[Any] = [next(d, None) for d in decoders]
        latest: list[Any] = list(pending)  # before its first frame, a camera shows that one
        width, height = encoding.tile
        columns, rows = _grid(len(clips))
        with av.open(str(out), mode="w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=rate)
            stream.width, stream.height = columns * width, rows * height
            stream.pix_fmt = "yuv420p"
            stream.codec_context.thread_count = encoding.threads
            stream.options = {"preset": encoding.preset, "crf": str(encoding.crf)}
            index = 0
            while any(p is not None for p in pending):
                check_stop(stop)
                moment = Fraction(index) / rate
                for k, decoder in enumerate(decoders):
                    while pending[k] is not None and clocks[k].moment(pending[k]) <= moment:
                        latest[k] = pending[k]
                        pending[k] = next(decoder, None)
                    latest[k].pts = index
                    sources[k].push(latest[k])
                _encode(sink, stream, container)
                checkpoint("mid_encode")
                index += 1
            for source in sources:
                source.push(None)
            _encode(sink, stream, container)
            for packet in stream.encode(None):
                container.mux(packet)
        del graph  # only now: PyAV's filters hold their graph weakly, and a push into a freed
        # graph segfaults inside libavfilter (seen in the chaos soak)
    finally:
        for reader in readers:  # before the files close: a decode under way reads them
            reader.close()
        for opened in inputs:
            opened.close()
    return out


def _encode(sink: Any, stream: Any, container: Any) -> None:
    """Encode and write what the graph has ready (nothing waits in it for long: each output
    frame needs one frame of every camera, and each gets one per output frame)."""
    import av

    while True:
        try:
            frame = sink.pull()
        except (av.error.BlockingIOError, av.error.EOFError):
            return
        for packet in stream.encode(frame):
            container.mux(packet)


class _Ahead:
    """A decoder (and its scaler) run on a thread of its own, ``depth`` frames ahead of its
    reader."""

    def __init__(self, frames: Iterator[Any], depth: int) -> None:
        self._frames = frames
        self._queue: queue.Queue[Any] = queue.Queue(depth)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="recallbot-decode", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for frame in self._frames:
                if not self._put(frame):
                    return
        except BaseException as exc:  # handed to the reader, raised there
            self._put(exc)
            return
        self._put(None)

    def _put(self, item: Any) -> bool:
        while not self._closed.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[Any]:
        while (item := self._queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop decoding and wait for the thread."""
        self._closed.set()
        self._thread.join()
