"""A look's news in Slack: its status message edited in place, and its answer in the thread.

The follower calls ``SlackLookNotifier`` as the tracker calls ``SlackNotifier``: on each change
(the look's one status message shows every camera asked together) and once per capture with
its answer. The answer is the picture itself, shared in the thread with Slack's external
upload, or a link where the upload rules keep it out of Slack (``RECALLBOT_UPLOAD=off``; the
driver-facing camera unless ``RECALLBOT_UPLOAD_DRIVER_FACING``: a still of the driver is as
sensitive as the video, and a file in Slack outlives Motive's link), or why there is none.

The follower delivers each answer once, but a crash between Slack sharing the picture and the
store recording it would share it twice: so ``deliver`` first looks in the thread for an
answer naming its capture. A look whose submitter stopped before posting its status message
gets one here (found by its look id if it was posted after all).
"""

from __future__ import annotations

import logging
from datetime import tzinfo

import httpx

from bot.config import Settings
from bot.look.notifier import LookAnswer, LookNotifier
from bot.plumbing.striped import StripedLocks
from bot.recall import CameraPosition
from bot.slack.blocks import notice
from bot.slack.blocks.look import (
    look_marker,
    look_status,
    marker,
    no_picture,
    picture_comment,
    picture_link,
    what_words,
)
from bot.slack.errors import WorkspaceStanding
from bot.slack.notify import SlackPoster, asked_in, refusals, zone_of
from bot.slack.uploads import Upload, UploadFailed, share
from bot.store import Origin, TrackedCapture
from bot.store.captures import Captures
from bot.store.rows import asker
from bot.tracking.notifier import DeliveryRefused

_log = logging.getLogger("recallbot.slack")


class SlackLookNotifier:
    """Keeps a look's status message current and answers each capture in its thread."""

    def __init__(
        self, poster: SlackPoster, captures: Captures, settings: Settings,
        standing: WorkspaceStanding,
    ) -> None:  # fmt: skip
        """``standing``: the recalls' notifier's, so readiness has one view of Slack."""
        self._poster = poster
        self._captures = captures
        self._settings = settings
        self._standing = standing
        self._http = httpx.Client(timeout=60.0)
        self._locks = StripedLocks()

    def close(self) -> None:
        """Release the upload connections."""
        self._http.close()

    # -- the status message -------------------------------------------------------------------

    def status_changed(self, capture: TrackedCapture) -> None:
        """Edit the look's status message to every capture's state as the store holds it now
        (one edit of a look at a time, each the latest: a slow edit never lands last)."""
        with self._locks.of(capture.look_id):
            together = self._captures.of_look(capture.look_id)
            origin = self._origin(together)
            if origin is None or not origin.channel_id:
                return
            zone = zone_of(origin.zone, self._settings.default_zone)
            with refusals(self._standing):
                if not origin.status_ts:
                    self._announce(together, origin, zone)
                    return
                self._poster.update(origin.channel_id, origin.status_ts,
                                    look_status(together, zone))  # fmt: skip

    def _origin(self, together: list[TrackedCapture]) -> Origin | None:
        return next((c.origin for c in together if c.origin is not None), None)

    def _announce(self, together: list[TrackedCapture], origin: Origin, zone: tzinfo) -> str:
        """The status message its submitter did not record: found by the look's id, or posted
        now; the first one recorded wins, and a second one is deleted."""
        channel, look_id = origin.channel_id or "", together[0].look_id
        oldest = together[0].created_at.timestamp() - 1
        posted = self._poster.find_own(channel, look_marker(look_id), oldest, origin.thread_ts)
        if posted is None:
            posted = self._poster.post(channel, look_status(together, zone), origin.thread_ts)
        self._captures.set_status_message(look_id, posted)
        recorded = self._origin(self._captures.of_look(look_id))
        kept = recorded.status_ts if recorded else None
        if kept and kept != posted:
            self._poster.delete(channel, posted)
            return kept
        return posted

    # -- the answer ---------------------------------------------------------------------------

    def deliver(self, answer: LookAnswer, attempt: str) -> str | None:
        """The picture (or its link, or why there is none) in the look's thread, once: an
        answer already in the thread naming this capture is taken as delivered."""
        capture = self._captures.get(answer.capture.id) or answer.capture
        origin = self._origin([capture]) or self._origin(self._captures.of_look(capture.look_id))
        if origin is None or not origin.channel_id:
            raise DeliveryRefused(f"capture {capture.id} has no Slack channel to answer in",
                                  permanent=True)  # fmt: skip
        channel = origin.channel_id
        zone = zone_of(origin.zone, self._settings.default_zone)
        with refusals(self._standing):
            thread = origin.thread_ts or origin.status_ts
            if thread is None:  # asked at the top of a channel, its status message never posted
                with self._locks.of(capture.look_id):
                    together = self._captures.of_look(capture.look_id)
                    thread = self._announce(together, origin, zone)
            oldest = capture.created_at.timestamp() - 1
            found = self._poster.find_own(channel, marker(capture), oldest, thread)
            if found is not None:
                _log.info("the answer of capture %s is in the thread already (%s)", capture.id,
                          attempt)  # fmt: skip
                return found
            return self._answer(answer, capture, channel, thread, zone)

    def _answer(
        self, answer: LookAnswer, capture: TrackedCapture, channel: str, thread: str,
        zone: tzinfo,
    ) -> str | None:  # fmt: skip
        """Post the answer; the message's ts where Slack gives one (an upload's is not)."""
        held = self.held(capture)
        if answer.image is not None and held is None:
            self._share(answer, capture, channel, thread, zone)
            return None
        if answer.image is not None and capture.image_url:
            return self._poster.post(channel, picture_link(capture, zone, held or ""), thread)
        return self._poster.post(channel, no_picture(capture, answer.problem), thread)

    def held(self, capture: TrackedCapture) -> str | None:
        """Why this capture's picture stays a link (the footage's upload rules), or None."""
        if self._settings.upload == "off":
            return "uploads are off: RECALLBOT_UPLOAD=off"
        if capture.position is CameraPosition.DRIVER_FACING and \
                not self._settings.upload_driver_facing:  # fmt: skip
            return "the driver-facing camera: RECALLBOT_UPLOAD_DRIVER_FACING"
        return None

    def _share(
        self, answer: LookAnswer, capture: TrackedCapture, channel: str, thread: str,
        zone: tzinfo,
    ) -> None:  # fmt: skip
        image = answer.image
        assert image is not None  # noqa: S101 - _answer checked it
        comment = picture_comment(capture, zone)
        what = what_words(capture)
        upload = Upload(image, f"{capture.target}-{capture.position.value}-{capture.id}.jpg",
                        what, f"{what}, live")  # fmt: skip
        try:
            share(self._poster.client, self._http, [upload], channel, thread, comment)
        except (UploadFailed, httpx.HTTPError) as exc:
            raise DeliveryRefused(f"the picture's upload failed: {exc}") from None

    def undeliverable(self, capture: TrackedCapture, reason: str) -> None:
        """A direct message to the requester: what happened and how to ask again, never the
        picture or its link (they go only to the thread that asked)."""
        origin = capture.origin
        user, where = asker(origin, capture.requested_by), asked_in(origin)
        what = what_words(capture)
        text = (f":warning: I couldn't post the answer to your look `{capture.look_id}` ({what}) "
                f"in {where}, and have stopped trying: {reason}. It ended {capture.state}; an "
                f"operator's `recallbot status {capture.id}` shows it. To ask again, use "
                "`/recall look` in a channel I'm a member of.")  # fmt: skip
        with refusals(self._standing):
            self._poster.post(user, notice(text))


class SurfaceLookNotifier:
    """Sends each capture's news to the surface it was asked on (Slack, or the log's)."""

    def __init__(self, slack: LookNotifier, other: LookNotifier) -> None:
        self._slack = slack
        self._other = other

    def _for(self, capture: TrackedCapture) -> LookNotifier:
        if capture.origin is not None and capture.origin.surface == "slack":
            return self._slack
        return self._other

    def status_changed(self, capture: TrackedCapture) -> None:
        """Route a status change."""
        self._for(capture).status_changed(capture)

    def deliver(self, answer: LookAnswer, attempt: str) -> str | None:
        """Route an answer."""
        return self._for(answer.capture).deliver(answer, attempt)

    def undeliverable(self, capture: TrackedCapture, reason: str) -> None:
        """Route the word that an answer was given up."""
        self._for(capture).undeliverable(capture, reason)
