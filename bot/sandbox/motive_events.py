"""The sandbox's safety events: raised on demand, listed, and delivered signed like Motive's.

``POST /_sandbox/safety_events`` with ``{"vehicle_number": "42", "type": "hard_brake",
"start_time": "…Z", "end_time": "…Z"}`` (optional ``location``, ``lat``, ``lon``,
``start_speed``/``end_speed`` in km/h, ``vehicle_id`` instead of a number for a vehicle the
fleet does not list) answers the event as Motive shows it, with its ``id``. The event is listed
at ``GET /v2/driver_performance_events`` (filtered by ``updated_after``, or by ``start_time``
with ``events_since_param``; paginated) and delivered to the webhook URL: first without
Motive's own clip (``camera_media`` is announced, its URLs null while "transcoding"), then,
``event_media_after_s`` sandbox seconds later, the same event id again with the clip's URLs, as
the field does. Deliveries are retried like the recalls' and a ``lose_webhook`` fault loses one
for good.

As Motive's do, each version of an event carries its ``updated_at``, and its clip links are
pre-signed afresh for every delivery and every list read (only the query string differs). A
delivery carries the event as it was when first sent, so its retries do too: a retried
``…_created`` arriving after the ``…_updated`` is the older version. ``POST
/_sandbox/safety_events/{id}/redeliver`` with ``{"version": "first"}`` (or ``"latest"``) sends a
version again at once, for tests of out-of-order and re-signed deliveries.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.motive import webhook_signature
from bot.plumbing.timefmt import iso_utc
from bot.sandbox.faults import FaultPlan
from bot.sandbox.motive_rules import MotiveRules, Refusal, _parse_time

_log = logging.getLogger("recallbot.sandbox.events")

TYPES = ("hard_accel", "hard_brake", "hard_corner", "crash", "seat_belt_violation", "tailgating",
         "cell_phone", "stop_sign_violation", "distraction", "unsafe_lane_change", "drowsiness",
         "road_facing_cam_obstruction", "driver_facing_cam_obstruction",
         "forward_collision_warning", "manual_event")  # fmt: skip
"""Motive's documented event types."""

MEDIA_LEAD_S = 7
"""Motive's own clip starts about this long before the event and lasts ``MEDIA_LENGTH_S``."""
MEDIA_LENGTH_S = 15


@dataclass
class _Delivery:
    event_id: int
    due: datetime
    attempts: int = 0
    done: bool = False
    status: int = 0  # the webhook endpoint's last answer (0: unreachable)
    body: dict[str, Any] | None = None  # the event as first sent (retries send it again)


class SafetyEvents:
    """Events raised in the sandbox, with their webhook deliveries."""

    ACTIONS = ("driver_performance_event_created", "driver_performance_event_updated")
    """The actions its deliveries carry (a first delivery, then every later version)."""

    def __init__(
        self, rules: MotiveRules, faults: FaultPlan, media_base: Callable[[], str]
    ) -> None:
        """``media_base``: where the sandbox serves media (known once it listens)."""
        self._rules = rules
        self._faults = faults
        self._media_base = media_base
        self._rng = random.Random(42)  # noqa: S311 - demo events, not security
        self._next_random: datetime | None = None
        self.events: dict[int, dict[str, Any]] = {}
        self.versions: dict[int, list[dict[str, Any]]] = {}  # each version as first sent
        self.updated: dict[int, datetime] = {}
        self.deliveries: list[_Delivery] = []
        self._next_id = 1_359_698_678
        self._lock = threading.RLock()
        self._http = httpx.Client(timeout=3.0)

    def raise_event(self, body: dict[str, Any]) -> dict[str, Any]:
        """Record an event and queue its deliveries; the event as Motive shows it."""
        settings = self._rules.settings
        kind = str(body.get("type") or "")
        if not kind:
            raise Refusal(400, "type is required (e.g. hard_brake)")
        try:
            start = _parse_time(str(body["start_time"]))
            end = _parse_time(str(body.get("end_time") or body["start_time"]))
        except (KeyError, ValueError):
            raise Refusal(400, "start_time (and end_time) must be ISO 8601 timestamps") from None
        vehicle: dict[str, Any] | None = None
        if body.get("vehicle_number") is not None:
            found = self._rules.vehicle_by(str(body["vehicle_number"]), None)
            vehicle = {"id": found.id, "number": found.number}
        elif body.get("vehicle_id") is None:
            raise Refusal(400, "vehicle_number (or vehicle_id) is required")
        now = self._rules.clock.now()
        vehicle_id = vehicle["id"] if vehicle else int(body["vehicle_id"])
        self._rules.drove(vehicle_id, start, end)
        with self._lock:
            event_id = self._next_id
            self._next_id += 1
            event: dict[str, Any] = {
                "id": event_id, "type": kind, "driver_id": 4033173,
                "vehicle_id": vehicle_id,
                "start_time": iso_utc(start), "end_time": iso_utc(end),
                "start_speed": body.get("start_speed"), "end_speed": body.get("end_speed"),
                "lat": body.get("lat"), "lon": body.get("lon"), "location": body.get("location"),
                "metadata": {"severity": body.get("severity", "medium")},
                "coaching_status": "pending_review",
                "current_driver": {"id": 4033173, "first_name": "Dana", "last_name": "Reyes"},
                "camera_media": self._media(event_id, start, settings.event_media_after_s == 0),
                "updated_at": iso_utc(now),
            }  # fmt: skip
            if vehicle and settings.event_vehicle_number:
                event[settings.event_vehicle_key] = vehicle
            self.events[event_id] = event
            self.versions[event_id] = [dict(event)]
            self.updated[event_id] = now
            self.deliveries.append(_Delivery(event_id, now))
            if settings.event_media_after_s > 0:
                later = now + timedelta(seconds=settings.event_media_after_s)
                self.deliveries.append(_Delivery(event_id, later))
        return event

    def random_event(self) -> dict[str, Any]:
        """A plausible event a minute ago on a vehicle of the fleet (``--events-every``)."""
        rng = self._rng
        now = self._rules.clock.now().replace(microsecond=0)
        vehicle = rng.choice(sorted(v.number for v in self._rules.vehicles.values()))
        kind = rng.choice(("hard_brake", "forward_collision_warning", "crash", "hard_corner"))
        speed = round(rng.uniform(40, 110), 1)
        return self.raise_event({
            "vehicle_number": vehicle, "type": kind, "start_time": iso_utc(now - timedelta(
                seconds=60)), "end_time": iso_utc(now - timedelta(seconds=55)),
            "start_speed": speed, "end_speed": round(speed * 0.6, 1),
            "location": rng.choice(("Joliet, IL", "Gary, IN", "Rockford, IL")),
        })  # fmt: skip

    def _media(self, event_id: int, start: datetime, ready: bool) -> dict[str, Any]:
        base = f"{self._media_base()}/events/{event_id}"
        urls = {
            "front_facing_plain_url": f"{base}/front_facing.mp4",
            "driver_facing_plain_url": f"{base}/driver_facing.mp4",
        }
        return {
            "id": event_id + 7, "available": True, "cam_positions": ["front", "driver"],
            "start_time": iso_utc(start - timedelta(seconds=MEDIA_LEAD_S)),
            "duration": MEDIA_LENGTH_S,
            "auto_transcode_status": "completed" if ready else "in_progress",
            "downloadable_videos": urls if ready else dict.fromkeys(urls),
            "downloadable_images": {"front_facing_jpg_url": None, "driver_facing_jpg_url": None},
        }  # fmt: skip

    def clip_window(self, event_id: int) -> tuple[str, datetime] | None:
        """The vehicle and start of an event's own clip, once it is transcoded."""
        event = self.events.get(event_id)
        if event is None or event["camera_media"]["auto_transcode_status"] != "completed":
            return None
        vehicle = event.get(self._rules.settings.event_vehicle_key) or {}
        number = vehicle.get("number") or str(event["vehicle_id"])
        return number, _parse_time(event["camera_media"]["start_time"])

    def page(self, query: dict[str, str]) -> list[dict[str, Any]]:
        """Events updated after ``updated_after`` (all of them without it), oldest first; with
        ``events_since_param="start_time"``, the events that started at or after ``start_time``
        instead (and ``updated_after`` is ignored)."""
        param = self._rules.settings.events_since_param
        since = query.get(param)
        after = _parse_time(since) if since else None
        with self._lock:
            return [_signed(self.events[i]) for i in sorted(self.events)
                    if after is None or self._since(i, param, after)]  # fmt: skip

    def _since(self, event_id: int, param: str, after: datetime) -> bool:
        if param == "start_time":
            return _parse_time(self.events[event_id]["start_time"]) >= after
        return self.updated[event_id] > after

    def redeliver(self, event_id: int, version: str) -> dict[str, Any]:
        """Send one version of an event again at once ("first" or "latest"), links re-signed;
        the body queued."""
        with self._lock:
            versions = self.versions.get(event_id)
            if not versions:
                raise Refusal(404, f"no safety event {event_id}")
            if version not in ("first", "latest"):
                raise Refusal(400, 'version is "first" or "latest"')
            chosen = versions[0] if version == "first" else self.events[event_id]
            action = self.ACTIONS[0] if version == "first" else self.ACTIONS[1]
            body = {"action": action, **_signed(chosen)}
            delivery = _Delivery(event_id, self._rules.clock.now(), body=body)
            self.deliveries.append(delivery)
        return body

    def tick(self) -> None:
        """Raise the demo's random event when due, transcode what is due, send what is due."""
        settings = self._rules.settings
        now = self._rules.clock.now()
        if settings.events_every_s > 0:
            if self._next_random is None:
                self._next_random = now + timedelta(seconds=settings.events_every_s)
            elif now >= self._next_random:
                self._next_random = now + timedelta(seconds=settings.events_every_s)
                self.random_event()
        url, secret = settings.webhook_url, settings.webhook_secret
        retries = settings.webhook_retry_seconds
        with self._lock:
            due = [d for d in self.deliveries if not d.done and d.due <= now]
        for delivery in due:
            event = self.events[delivery.event_id]
            if delivery.attempts == 0 and self._transcoded(event, now):
                self.updated[delivery.event_id] = now
            if url is None:
                continue
            self._deliver(delivery, event, url, secret, retries, now)

    def _transcoded(self, event: dict[str, Any], now: datetime) -> bool:
        media = event["camera_media"]
        wait = self._rules.settings.event_media_after_s
        if media["auto_transcode_status"] == "completed" or wait <= 0:
            return False
        if now < self.updated[event["id"]] + timedelta(seconds=wait):
            return False
        start = _parse_time(event["start_time"])
        event["camera_media"] = self._media(event["id"], start, ready=True)
        event["updated_at"] = iso_utc(now)
        self.versions[event["id"]].append(dict(event))
        return True

    def _deliver(self, delivery: _Delivery, event: dict[str, Any], url: str, secret: str,
                 retries: list[float], now: datetime) -> None:  # fmt: skip
        delivery.attempts += 1
        if self._faults.take_webhook_loss():
            delivery.done = True
            _log.info("webhook for safety event %s lost (fault)", delivery.event_id)
            return
        if delivery.body is None:
            updated = delivery is not self._first(delivery.event_id)
            action = self.ACTIONS[1] if updated else self.ACTIONS[0]
            delivery.body = {"action": action, **_signed(event)}
        body = json.dumps(delivery.body, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json",
                   "X-KT-Webhook-Signature": webhook_signature(secret, body)}  # fmt: skip
        try:
            status = self._http.post(url, content=body, headers=headers).status_code
        except httpx.HTTPError as exc:
            _log.info("webhook for safety event %s failed: %s", delivery.event_id, exc)
            status = 0
        delivery.status = status
        if 200 <= status < 300 or delivery.attempts > len(retries):
            delivery.done = True
            return
        delivery.due = now + timedelta(seconds=retries[delivery.attempts - 1])

    def _first(self, event_id: int) -> _Delivery:
        return next(d for d in self.deliveries if d.event_id == event_id)

    def close(self) -> None:
        """Release the HTTP pool."""
        self._http.close()


def _signed(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its clip links pre-signed afresh (a new query string each time)."""
    media = dict(event["camera_media"])
    media["downloadable_videos"] = {
        key: f"{url}?sig={secrets.token_hex(8)}" if url else url
        for key, url in media["downloadable_videos"].items()
    }
    return {**event, "camera_media": media}
