"""The footage itself in the thread, after the links: a still per camera and each camera's
clip in one message as soon as they are checked, then all angles in one clip in a second.

``FootageLoop`` finds answered recalls whose footage is owed (``store.media``), claims each and
hands it to a bounded pool, off the tracker's thread: the links answer is never held up.
``FootageDesk.post`` does one recall: fetch each allowed camera's clip to a temporary folder
(streamed), check it plays and make its still (the cameras in parallel, the video work in the
media worker processes), share the stills and clips in the thread, record that, then encode
All angles and share it in the same thread: the first footage is there in a second or two,
not after the encode. Slack shows a message only once its files are complete, so the thread
never shows a half-made file. What the policy keeps out stays a link: driver-facing footage unless
``RECALLBOT_UPLOAD_DRIVER_FACING``, clips over ``RECALLBOT_UPLOAD_MAX_MB``, and everything in a
public channel when links may not be posted there. A failure is retried with back-off; after
the last try the thread says the footage could not be added (the links are there already).
A crash between Slack sharing either message and the store recording it repeats that message
at most once, after the claim's lease (``RECALLBOT_MEDIA_LEASE``); a crash after the first is
recorded (mid-encode) sends only All angles after the lease; the temporary folder a killed
process left behind is removed when recallbot starts again (``remove_orphans``).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import partial
from pathlib import Path

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.media import clip as media
from bot.media.download import Downloader, DownloadFailed, TooLarge
from bot.media.processes import MediaProcesses
from bot.motive import (
    MotiveClient,
    MotiveError,
    MotiveRateLimited,
    MotiveUnavailable,
    RecallStatus,
)
from bot.plumbing import logs
from bot.plumbing.background import Background
from bot.plumbing.crashpoints import checkpoint
from bot.plumbing.lineage import alive
from bot.plumbing.timefmt import clock_text, local_text
from bot.plumbing.watch import Watch
from bot.policy import Directory, DirectoryError
from bot.recall import CAMERA_ORDER, CAMERA_WORDS, CameraPosition
from bot.slack import blocks
from bot.slack.errors import classify, slack_cause
from bot.slack.notify import SlackPoster, zone_of
from bot.slack.uploads import Upload, UploadFailed, share
from bot.store import Store, TrackedRecall

_log = logging.getLogger("recallbot.footage")

SCRATCH_PREFIX = "recallbot-footage-"
"""Temporary folders are named ``recallbot-footage-<pid>-…``: a folder whose process is gone
was left by a crash."""
TRIES = 3
"""Attempts before the thread is told the footage could not be added."""
_RETRYABLE = (DownloadFailed, UploadFailed, SlackApiError, SlackClientError, media.ClipError,
              httpx.HTTPError, OSError, MotiveError)  # fmt: skip
"""What fails one attempt (each but a Slack refusal for good is tried again)."""


class _Retry(Exception):
    """This attempt failed; a later one may not."""


@dataclass(frozen=True)
class Outcome:
    """How one attempt ended: 'done' or 'skipped', why, and the files shared."""

    state: str
    note: str | None = None
    files: tuple[str, ...] = ()


def _order(position: str) -> int:
    try:
        return CAMERA_ORDER.index(CameraPosition(position))
    except ValueError:
        return len(CAMERA_ORDER)


def _words(position: str) -> str:
    try:
        return CAMERA_WORDS[CameraPosition(position)]
    except ValueError:
        return position


@dataclass(frozen=True)
class FootageJob:
    """Footage to put in one thread: each camera's link, and how to name what is made."""

    key: str  # the files' name prefix (a recall's id, an event's)
    channel: str
    thread_ts: str | None
    target: str  # "vehicle 42"
    start: datetime  # the window the clips cover
    end: datetime
    moment: datetime  # the instant each still shows
    zone: tzinfo  # the times in titles
    cameras: list[tuple[str, str]]  # (position, download link)
    heading: str  # the first words of the message that shares them
    refresh: Callable[[str], str] | None = None  # a fresh link for a position, when one expired
    elsewhere: str | None = None  # where a clip not shared can be seen (None: the links above)
    shared: tuple[str, ...] = ()  # the stills and clips an earlier attempt shared: not again
    first_shared: Callable[[list[str]], object] | None = None
    """Records the stills and clips as shared before All angles is encoded (so a crash then
    does not send them again); None: All angles goes in the same message (a short clip's)."""


@dataclass(frozen=True)
class _Camera:
    """One camera's clip on disk, checked, and its still (None when not made)."""

    position: str
    path: Path
    still: Path | None


def _comment(job: FootageJob, held: list[str], too_large: list[str]) -> str:
    said = [job.heading]
    if held:
        kept = "stays a link" if job.elsewhere is None else f"is not uploaded ({job.elsewhere})"
        said.append(f"{', '.join(held)} {kept} (RECALLBOT_UPLOAD_DRIVER_FACING).")
    if too_large:
        see = "use the link above" if job.elsewhere is None else f"see {job.elsewhere}"
        said.append(f"{', '.join(too_large)}: larger than RECALLBOT_UPLOAD_MAX_MB, {see}.")
    return " ".join(said)


def _moment(recall: TrackedRecall) -> datetime:
    """The instant whose frame is each camera's still: the one asked about, kept inside the
    window (the last frame is a hair before its end), or the window's middle."""
    start, end = recall.request.start_time, recall.request.end_time
    asked = recall.origin.moment if recall.origin else None
    if asked is None:
        return start + (end - start) / 2
    return min(max(asked, start), end - timedelta(seconds=1))


@dataclass
class FootageDesk:
    """Puts one recall's footage in its thread."""

    settings: Settings
    store: Store
    slack: WebClient
    poster: SlackPoster
    motive: MotiveClient
    directory: Directory
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60.0))
    retry_after_s: float = 30.0  # the first retry's wait, doubling with each failed attempt
    stopping: threading.Event = field(default_factory=threading.Event)
    processes: MediaProcesses = field(init=False)

    def __post_init__(self) -> None:
        self.processes = MediaProcesses(self.settings.media_workers)

    def stop(self) -> None:
        """Downloads, encodes and uploads under way leave off at their next step."""
        self.stopping.set()
        self.processes.stop.set()

    def run(self, recall: TrackedRecall, attempt: str) -> None:
        """One attempt, recorded: done, skipped, or retried later (then failed, said); failed
        at once when Slack refuses the thread for good."""
        with logs.context(**recall.about()):
            try:
                outcome = self.post(recall, attempt)
            except media.Interrupted:
                self.store.media.release(recall.id, attempt)
                _log.info("footage left off: recallbot is stopping (taken up again on start)")
                return
            except (MotiveRateLimited, MotiveUnavailable) as exc:  # Motive busy: no try spent
                later = datetime.now(UTC) + timedelta(seconds=self.retry_after_s)
                self.store.media.retry(recall.id, attempt, str(exc), later, counted=False)
                _log.warning("footage waits: %s", exc)
                return
            except _RETRYABLE as exc:
                self._failed(recall, attempt, exc)
                return
            checkpoint("after_files_shared")
            with self.store.together():
                self.store.media.finish(recall.id, attempt, outcome.state, outcome.note,
                                        list(outcome.files))  # fmt: skip
                self.store.audit.add("recallbot", f"footage_{outcome.state}", recall.id,
                                     files=list(outcome.files), note=outcome.note)  # fmt: skip

    def _failed(self, recall: TrackedRecall, attempt: str, exc: Exception) -> None:
        """Try again later; or, after the last try, say so in the thread and end 'failed'. A
        Slack refusal for good (the channel archived or gone, the bot removed) ends at once,
        without a word in a thread that cannot be reached."""
        cause = slack_cause(exc)  # Slack's own refusal, even inside a policy lookup's error
        slack = classify(cause) if cause is not None else None
        why = slack.line if slack is not None and slack.known else f"{type(exc).__name__}: {exc}"
        tries = recall.media_tries + 1
        for_good = slack is not None and slack.permanent
        _log.warning("footage attempt %d failed: %s%s", tries, why,
                     "; the thread cannot be reached, so it ends" if for_good else "")  # fmt: skip
        if tries < TRIES and not for_good:
            later = datetime.now(UTC) + timedelta(seconds=self.retry_after_s * 2 ** (tries - 1))
            self.store.media.retry(recall.id, attempt, why, later)
            return
        origin = recall.origin
        shared = self.store.recalls.must(recall.id).media_files  # this attempt's first message
        if origin and origin.channel_id and not for_good:  # said first: nobody would after
            try:
                self.poster.post(origin.channel_id, blocks.notice(
                    ":warning: I couldn't add All angles to this thread (Slack or Motive kept "
                    "failing). Each camera's clip is above." if shared else
                    ":warning: I couldn't add the footage itself to this thread (Slack or Motive "
                    "kept failing). The links above still work."), origin.thread_ts)  # fmt: skip
            except Exception:
                _log.exception("could not say in the thread that the footage failed")
        with self.store.together():
            self.store.media.finish(recall.id, attempt, "failed", why, None, tries)
            self.store.audit.add("recallbot", "footage_failed", recall.id, note=why)

    def post(self, recall: TrackedRecall, attempt: str) -> Outcome:
        """Fetch, check, make and share this recall's footage under the claim ``attempt``;
        what came of it."""
        origin = recall.origin
        if origin is None or not origin.channel_id:
            return Outcome("skipped", "not asked for in Slack")
        request = recall.request
        zone = zone_of(origin.zone, self.settings.default_zone)
        start = request.start_time.astimezone(zone)
        ready = [(str(c.position), c.download_url) for c in recall.cameras
                 if c.download_url and c.status is RecallStatus.SUCCESS]  # fmt: skip
        return self.share(FootageJob(
            key=recall.id, channel=origin.channel_id, thread_ts=origin.thread_ts,
            target=(f"vehicle {request.vehicle_number}" if request.vehicle_number
                    else f"asset {request.asset_name}"),
            start=request.start_time, end=request.end_time, moment=_moment(recall), zone=zone,
            cameras=ready, refresh=partial(self._fresh_link, recall), shared=recall.media_files,
            first_shared=partial(self.store.media.shared, recall.id, attempt),
            heading=f"The footage of recall `{recall.id}` ({request.target}, {local_text(start)}).",
        ))  # fmt: skip

    def share(self, job: FootageJob) -> Outcome:
        """Put one job's footage in its thread, by the upload rules; what came of it."""
        s = self.settings
        if s.upload == "off":
            return Outcome("skipped", "uploads are off (RECALLBOT_UPLOAD=off)")
        try:
            public = self.directory.is_public(job.channel)
        except DirectoryError as exc:
            raise _RetryableDirectory(str(exc)) from exc
        if public and not s.links_in_public:
            return Outcome("skipped", "a public channel, where links may not be posted")
        kept = [c for c in job.cameras if c[0] != CameraPosition.DRIVER_FACING.value
                or s.upload_driver_facing]  # fmt: skip
        held = [_words(position) for position, _ in job.cameras if (position, _) not in kept]
        kept.sort(key=lambda c: _order(c[0]))
        if not kept:
            return Outcome("skipped", "no camera may be uploaded: " + ", ".join(held))
        with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-") as scratch:
            return self._share(job, kept, held, Path(scratch))

    def _share(
        self, job: FootageJob, cameras: list[tuple[str, str]], held: list[str], scratch: Path
    ) -> Outcome:
        with ThreadPoolExecutor(len(cameras), thread_name_prefix="recallbot-camera") as pool:
            got = list(pool.map(partial(self._camera, job, scratch), cameras))
        ready = [c for c in got if c is not None]
        too_large = [_words(p) for (p, _), c in zip(cameras, got, strict=True) if c is None]
        comment = _comment(job, held, too_large)
        angles = self.settings.upload == "clips" and media.AVAILABLE and len(ready) >= 2
        with ThreadPoolExecutor(1, thread_name_prefix="recallbot-angles") as pool:
            grid = pool.submit(self._all_angles, job, ready, scratch) if angles else None
            return self._post(job, ready, comment, grid)

    def _post(
        self, job: FootageJob, ready: list[_Camera], comment: str, grid: Future[Upload] | None
    ) -> Outcome:
        """The thread's messages: the stills and clips first, then All angles (``grid``,
        encoding since the clips were checked, so it runs while the first message uploads)."""
        files = list(job.shared)
        if not job.shared:
            first = self._uploads(job, ready)
            if grid is not None and job.first_shared is None:  # one message: All angles in it
                first.append(grid.result())
                grid = None
            if not first:
                self.poster.post(job.channel, blocks.notice(comment), job.thread_ts)
                return Outcome("skipped", comment)
            files += self._send(job, first, comment)
            if grid is not None and job.first_shared is not None:
                checkpoint("after_first_shared")
                job.first_shared(files)
        if grid is not None:
            *others, last = [_words(c.position) for c in ready]
            said = f"All angles, in sync: {', '.join(others)} and {last}."
            files += self._send(job, [grid.result()], said)
        return Outcome("done", comment, tuple(files))

    def _camera(self, job: FootageJob, scratch: Path, camera: tuple[str, str]) -> _Camera | None:
        """One camera's clip fetched and checked, with its still unless the stills are in
        the thread already; None when it is too large to upload (it stays a link). The
        cameras run side by side: downloads wait on the network, checks and stills on the
        media worker processes."""
        position, url = camera
        path = scratch / f"{job.key}-{position}.mp4"
        refresh = partial(job.refresh, position) if job.refresh else None
        downloader = Downloader(self.http, self.settings.upload_max_mb << 20, stop=self.stopping,
                                deadline_s=self.settings.download_deadline_s)  # fmt: skip
        try:
            downloader.fetch(url, path, refresh=refresh)
        except TooLarge:
            return None
        if not media.AVAILABLE:
            return _Camera(position, path, None)
        info = self.processes.probe(path)
        if job.shared:
            return _Camera(position, path, None)
        into = (job.moment - job.start) / (job.end - job.start)  # of the window, 0 to 1
        still = self.processes.still(path, info.seconds * into, path.with_suffix(".jpg"))
        return _Camera(position, path, still)

    def _uploads(self, job: FootageJob, ready: list[_Camera]) -> list[Upload]:
        """The first message's files: each camera's still, and its clip as Motive made it."""
        start, moment = job.start.astimezone(job.zone), job.moment.astimezone(job.zone)
        uploads: list[Upload] = []
        for camera in ready:
            words = _words(camera.position)
            if camera.still is not None:
                said = f"{words} at {clock_text(moment)}"
                uploads.append(Upload(camera.still, camera.still.name, said,
                                      f"{said}, {job.target}"))  # fmt: skip
            if self.settings.upload == "clips":
                title = f"{words} · {job.target} · {local_text(start)}"
                uploads.append(Upload(camera.path, camera.path.name, title))
        return uploads

    def _all_angles(self, job: FootageJob, ready: list[_Camera], scratch: Path) -> Upload:
        out = scratch / f"{job.key}-all-angles.mp4"
        grid = self.processes.all_angles([c.path for c in ready], out)
        shown = ", ".join(_words(c.position) for c in ready)
        start = local_text(job.start.astimezone(job.zone))
        return Upload(grid, grid.name, f"All angles · {job.target} · {start} ({shown})")

    def _send(self, job: FootageJob, uploads: list[Upload], comment: str) -> list[str]:
        """Share ``uploads`` as one message in the thread; their names and Slack ids."""
        media.check_stop(self.stopping)
        ids = share(self.slack, self.http, uploads, job.channel, job.thread_ts, comment)
        return [u.filename for u in uploads] + ids

    def _fresh_link(self, recall: TrackedRecall, position: str) -> str:
        """A new download link for one camera, when the one in hand expired on the way."""
        details = self.motive.get_recall(recall.motive_id or "")
        self.store.recalls.record_refresh(recall.id, details, datetime.now(UTC))
        for camera in details.cameras:
            if str(camera.position) == position and camera.download_url:
                return camera.download_url
        raise DownloadFailed(f"Motive no longer has a link for {position}")

    def close(self) -> None:
        """Release the HTTP pool and the media processes."""
        self.processes.close()
        self.http.close()


def remove_orphans(root: Path | None = None) -> int:
    """Remove the temporary folders of footage attempts whose process is gone (a SIGKILL skips
    every ``finally``); how many were removed. No media worker of that process is left to stop:
    the workers end with it (``bot.media.processes``)."""
    removed = 0
    for folder in Path(root or tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        pid = folder.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or alive(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    if removed:
        _log.info("removed %d temporary footage folder(s) left by a stopped process", removed)
    return removed


class _RetryableDirectory(OSError):
    """Slack could not say whether the channel is public: ask again later."""


class FootageLoop:
    """Finds owed footage every ``every_s`` seconds and hands each recall to the media pool."""

    def __init__(self, store: Store, desk: FootageDesk, workers: int, every_s: float = 1.0) -> None:
        self.store = store
        self.desk = desk
        self.lease = timedelta(seconds=desk.settings.media_lease_s)
        self.pool = Background("media", workers, finish_on_close=False)
        self._workers = workers
        self._every = every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy: set[str] = set()
        self._lock = threading.Lock()
        self.watch = Watch()

    def start(self) -> None:
        """Look for owed footage in the background (``recallbot run`` says at start when the
        video extra is missing: ``bot.plumbing.video_extra``)."""
        remove_orphans()
        self._thread = threading.Thread(target=self._run, name="recallbot-footage", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self.sweep()
            except Exception:  # a locked store, a bug: say it, and look again next time
                _log.exception("footage sweep failed; trying again")

    def sweep(self) -> int:
        """Claim what is owed and queue it; how many were queued."""
        now = datetime.now(UTC)
        queued = 0
        with self._lock:
            room = self._workers - len(self._busy)  # claimed only when a worker is free for it
        if room <= 0:
            return 0
        for recall in self.store.media.owed(now, now - self.lease, limit=room + len(self._busy)):
            if queued >= room:
                break
            with self._lock:
                if recall.id in self._busy:
                    continue
            attempt = secrets.token_hex(6)
            if not self.store.media.claim(recall.id, attempt, now, now - self.lease):
                continue
            with self._lock:
                self._busy.add(recall.id)
            self.pool.run(partial(self._one, recall, attempt))
            queued += 1
        return queued

    def _one(self, recall: TrackedRecall, attempt: str) -> None:
        try:
            with self.watch.working(f"the footage of recall {recall.id}"):
                self.desk.run(recall, attempt)
        finally:
            with self._lock:
                self._busy.discard(recall.id)

    def health(self) -> dict[str, object]:
        """Alive, how much work waits, and which job is stuck (for readiness)."""
        alive = self._thread is not None and self._thread.is_alive()
        return {"ok": alive, "pending": self.pool.pending,
                "stalled": self.watch.stalled(self.desk.settings.stall_after_s),
                "problem": None if alive else "the footage loop is not running"}  # fmt: skip

    def close(self) -> None:
        """Stop looking; a job under way leaves off at its next frame or chunk and gives its
        claim back (taken up again at the next start); one already uploading finishes."""
        self._stop.set()
        self.desk.stop()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.pool.close()
        self.desk.close()
