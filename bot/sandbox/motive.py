"""Our own Motive: a real HTTP server on 127.0.0.1 speaking motive-api.md.

Started by ``recallbot sandbox motive`` or in-process (``MotiveSandbox(...).start()``, port 0 by
default). It serves every endpoint of the spec under ``/v1`` (and at the root), the media
links it mints, and an admin API for tests and demos:

- ``POST /_sandbox/faults``   arm a fault (``Fault`` as JSON)
- ``POST /_sandbox/clock``    ``{"advance_seconds": 600}`` or ``{"speed": 60}``
- ``POST /_sandbox/settings`` change ``SandboxSettings`` fields
- ``POST /_sandbox/reset``    forget recalls, spent quota, faults and the request log
- ``GET  /_sandbox/state``    recalls, webhook deliveries and the request log
- ``POST /_sandbox/safety_events`` raise a safety event (see ``bot.sandbox.motive_events``)
- ``POST /_sandbox/safety_events/{id}/redeliver`` send a version of it again (out of order)

Image captures, location history, geofences and their visits are served by ``LookSide``
(``motive_look.py``) over the vehicles' rounds (``motive_world.py``).

``GET /v1/company_webhooks`` lists the one subscription its webhooks go out by (the URL, the
secret unless ``webhook_secret_shown`` is off, and the actions it sends); ``shapes="other"``
serves other plausible answers for the guessed fields (``OTHER_SHAPES``).
"""

from __future__ import annotations

import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from bot.plumbing.timefmt import iso_utc
from bot.recall import RecallType
from bot.sandbox.clock import SandboxClock
from bot.sandbox.faults import Fault, FaultKind, FaultPlan
from bot.sandbox.footage import ClipSpec, FootageShelf, window_start
from bot.sandbox.http import HttpReply, HttpRequest, LoopbackServer
from bot.sandbox.motive_events import MEDIA_LENGTH_S, SafetyEvents
from bot.sandbox.motive_look import LookSide
from bot.sandbox.motive_rules import MotiveRules, Refusal, SandboxRecall, SandboxSettings
from bot.sandbox.motive_webhooks import WebhookSender

_RECALLS = "/video_recall_requests"


class _Bucket:
    """The sandbox's own rate limit: ``per_minute`` calls, refilled continuously."""

    def __init__(self, per_minute: int) -> None:
        self._per_minute = per_minute
        self._tokens = float(per_minute)
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def take(self, per_minute: int) -> bool:
        with self._lock:
            now = time.monotonic()
            self._per_minute = per_minute
            refill = (now - self._stamp) * per_minute / 60
            self._tokens = min(float(per_minute), self._tokens + refill)
            self._stamp = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True

    @property
    def remaining(self) -> int:
        return int(self._tokens)


class MotiveSandbox:
    """The sandbox Motive: rules, clock, faults, webhooks and the server that serves them."""

    def __init__(
        self,
        settings: SandboxSettings | None = None,
        *,
        speed: float = 1.0,
        port: int = 0,
        clock: SandboxClock | None = None,
        faults: list[Fault] | None = None,
        auto_webhooks: bool = True,
    ) -> None:
        self.settings = settings or SandboxSettings()
        self.clock = clock or SandboxClock(speed)
        self.rules = MotiveRules(self.settings, self.clock)
        self.faults = FaultPlan(faults)
        self.requests: list[tuple[str, str, int]] = []
        self._bucket = _Bucket(self.settings.rate_limit_per_minute)
        self._server = LoopbackServer(self.handle, port)
        self.events = SafetyEvents(self.rules, self.faults, lambda: f"{self.url}/media")
        self.webhooks = WebhookSender(self.rules, self.faults, self._webhook_details,
                                      also=self.events.tick)  # fmt: skip
        self._auto_webhooks = auto_webhooks  # False: the caller sends them with webhooks.tick()
        self._scratch = tempfile.TemporaryDirectory(prefix="recallbot-sandbox-media-")
        self.footage = FootageShelf(Path(self._scratch.name))
        self.look = LookSide(self.rules, self._page)

    @property
    def url(self) -> str:
        """Where the sandbox listens (``http://127.0.0.1:<port>``)."""
        return self._server.url

    @property
    def api_url(self) -> str:
        """The base URL a Motive client uses (``.../v1``, like Motive's)."""
        return f"{self.url}/v1"

    def start(self) -> Self:
        """Serve in the background and deliver webhooks."""
        self._server.start()
        if self._auto_webhooks:
            self.webhooks.start()
        return self

    def stop(self) -> None:
        """Stop serving (and remove the clips it made)."""
        self.webhooks.stop()
        self.events.close()
        self._server.stop()
        self._scratch.cleanup()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Serve in the calling thread (``recallbot sandbox motive``)."""
        self.webhooks.start()
        try:
            self._server.serve_forever()
        finally:
            self.webhooks.stop()

    def creates(self) -> int:
        """How many create calls Motive accepted (for tests that count them)."""
        return len(self.rules.recalls)

    # -- dispatch ---------------------------------------------------------------------------

    def handle(self, request: HttpRequest) -> HttpReply:
        """Answer one request (called by the server's threads)."""
        path = request.path.removeprefix("/v1")
        if path.startswith("/_sandbox/"):
            return self._admin(request, path)
        if path.startswith("/media/"):
            return self._media_reply(request, path)
        reply = self._api(request, path)
        self.requests.append((request.method, path, reply.status))
        return reply

    def _authorized(self, request: HttpRequest) -> bool:
        key = self.settings.api_key
        bearer = request.headers.get("Authorization", "")
        return request.headers.get("X-Api-Key") == key or bearer == f"Bearer {key}"

    def _api(self, request: HttpRequest, path: str) -> HttpReply:
        if not self._authorized(request):
            return self._error(401, "Invalid or missing API key")
        fault = self.faults.take(request.method, path)
        if fault is not None and not fault.after_processing:
            early = self._early_fault(fault)
            if early is not None:
                return early
        reply = self._route(request, path)
        if fault is not None:
            reply = self._late_fault(fault, reply)
        return reply

    def _early_fault(self, fault: Fault) -> HttpReply | None:
        if fault.kind is FaultKind.RATE_LIMIT:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
            return self._error(429, "Rate limit exceeded", **headers)
        if fault.kind is FaultKind.ERROR:
            if fault.status in (502, 504):  # gateways answer HTML, not JSON
                body = f"<html><body><h1>{fault.status} {fault.message}</h1></body></html>"
                return HttpReply(fault.status, body.encode(), {"Content-Type": "text/html"})
            return self._error(fault.status, fault.message)
        if fault.kind is FaultKind.DROP:
            return HttpReply(drop=True)
        return None

    def _late_fault(self, fault: Fault, reply: HttpReply) -> HttpReply:
        if fault.kind is FaultKind.SLOW:
            reply.delay = fault.delay
        elif fault.kind is FaultKind.MALFORMED:
            reply.body = reply.body[: max(1, len(reply.body) // 2)]
        elif fault.kind is FaultKind.DROP:
            reply.drop = True
        return reply

    def _error(self, status: int, message: str, **headers: str) -> HttpReply:
        return HttpReply.json({self.settings.error_key: message}, status, **headers)

    def _route(self, request: HttpRequest, path: str) -> HttpReply:
        try:
            if request.method == "POST" and path.rstrip("/") == _RECALLS:
                return self._create(request)
            if request.method == "POST" and (made := self.look.create(request, path, self.url)):
                return made
            if request.method != "GET":
                return self._error(405, f"{request.method} is not allowed here")
            return self._read(request, path.rstrip("/"))
        except Refusal as refusal:
            body = {self.settings.error_key: refusal.message, **refusal.extra}
            return HttpReply.json(body, refusal.status)

    def _read(self, request: HttpRequest, path: str) -> HttpReply:
        if not self._bucket.take(self.settings.rate_limit_per_minute):
            return self._rate_limited()
        query = request.query
        if (looked := self.look.read(request, path, self.url)) is not None:
            return looked
        # Literal paths first: "quota" and "vehicles/..." are not recall ids.
        if path == f"{_RECALLS}/quota":
            return HttpReply.json(self._quota())
        if path == self.settings.vehicle_timelines_path.rstrip("/"):
            return HttpReply.json(self._vehicle_timelines(query))
        if path == self.settings.asset_timelines_path.rstrip("/"):
            return HttpReply.json(self._asset_timelines(query))
        if path.startswith(f"{_RECALLS}/"):
            recall = self.rules.recall(path.removeprefix(f"{_RECALLS}/"))
            details = self.rules.details(recall, self.url, self.settings.details_id_as_str)
            return HttpReply.json(details)
        if path == "/vehicles/lookup":
            vehicle = self.rules.vehicle_by(query.get("number"), query.get("vehicle_id"))
            return HttpReply.json({"vehicle": vehicle.as_json()})
        if path == "/vehicles":
            items = [v.as_json() for v in self.rules.vehicles.values()]
            return HttpReply.json(self._page(self.settings.vehicles_key, "vehicle", items, query))
        if path == "/company_webhooks":
            return HttpReply.json(
                self._page("company_webhooks", "company_webhook", self._subscriptions(), query)
            )
        if path == self.settings.events_list_path:
            items = self.events.page(query)
            return HttpReply.json(
                self._page("driver_performance_events", "driver_performance_event", items, query)
            )
        if path == "/assets":
            items = [a.as_json() for a in self.rules.assets.values()]
            return HttpReply.json(self._page("assets", "asset", items, query))
        raise Refusal(404, f"No route for GET {path}")

    def _rate_limited(self) -> HttpReply:
        headers = {"Retry-After": "1"} if self.settings.send_retry_after else {}
        return self._error(429, "Rate limit exceeded", **headers)

    def _create(self, request: HttpRequest) -> HttpReply:
        try:
            body = request.json()
        except ValueError:
            raise Refusal(self.settings.bad_request_status, "Body must be valid JSON") from None
        recall = self.rules.create(body)  # validation and quota first, then the rate limit
        if not self._bucket.take(self.settings.rate_limit_per_minute):
            self.rules.recalls.pop(recall.id)
            self.rules.used[recall.recall_type] -= recall.minutes
            return self._rate_limited()
        details = self.rules.details(recall, self.url, not self.settings.create_id_as_int)
        return HttpReply.json(details, self.settings.create_status)

    # -- answers ----------------------------------------------------------------------------

    def _quota(self) -> dict[str, Any]:
        return {
            "quota_info": self.rules.quota_info(),
            "rate_limit": {
                "requests_per_minute": self.settings.rate_limit_per_minute,
                "remaining": self._bucket.remaining,
            },
        }

    def _span(self, query: dict[str, str]) -> tuple[datetime | None, datetime | None]:
        try:
            return tuple(  # type: ignore[return-value]
                datetime.fromisoformat(query[k].replace("Z", "+00:00")) if query.get(k) else None
                for k in ("start_time", "end_time")
            )
        except ValueError:
            raise Refusal(400, "start_time and end_time must be ISO 8601 timestamps") from None

    def _windows(self, entity: Any, query: dict[str, str]) -> list[dict[str, str]]:
        start, end = self._span(query)
        return [
            {"start_time": iso_utc(lo), "end_time": iso_utc(hi)}
            for lo, hi in self.rules.windows(entity, start, end)
        ]

    def _vehicle_timelines(self, query: dict[str, str]) -> dict[str, Any]:
        number = query.get(self.settings.timeline_vehicle_param)
        vehicle = self.rules.vehicle_by(number, query.get("vehicle_id"))
        return {
            "vehicle": {"id": vehicle.id, "number": vehicle.number},
            "primary_entity": "vehicle",
            "eld_device": {"id": vehicle.eld_id, "identifier": f"ELD-{vehicle.eld_id}"},
            "available_timelines": self._windows(vehicle, query),
            "quota_info": self.rules.quota_info(),
        }

    def _asset_timelines(self, query: dict[str, str]) -> dict[str, Any]:
        name = query.get(self.settings.timeline_asset_param)
        asset = self.rules.asset_by(name, query.get("asset_id"))
        return {
            "asset": {"id": asset.id, "name": asset.name},
            "primary_entity": "asset",
            "vehicle": None,
            "available_timelines": self._windows(asset, query),
            "quota_info": self.rules.quota_info(),
        }

    def _page(
        self, key: str, item_key: str, items: list[dict[str, Any]], query: dict[str, str]
    ) -> dict[str, Any]:
        try:
            per_page = min(self.settings.max_per_page, max(1, int(query.get("per_page", 25))))
            page_no = max(1, int(query.get("page_no", 1)))
        except ValueError:
            raise Refusal(400, "per_page and page_no must be numbers") from None
        chosen = items[(page_no - 1) * per_page : page_no * per_page]
        if self.settings.wrap_list_items:
            chosen = [{item_key: item} for item in chosen]
        pagination = {"per_page": per_page, "page_no": page_no, "total": len(items)}
        return {key: chosen, "pagination": pagination}

    def _subscriptions(self) -> list[dict[str, Any]]:
        """The one webhook subscription the sandbox delivers to (none without a URL)."""
        s = self.settings
        if s.webhook_url is None:
            return []
        actions = [s.webhook_action, *self.events.ACTIONS]
        shown = {"secret": s.webhook_secret} if s.webhook_secret_shown else {}
        return [{"id": 1, "url": s.webhook_url, "format": "json", "actions": actions,
                 "enabled": True} | shown]  # fmt: skip

    def _webhook_details(self, recall_id: int) -> dict[str, Any]:
        recall = self.rules.recall(str(recall_id))
        return self.rules.details(recall, self.url, self.settings.details_id_as_str)

    # -- media and admin ----------------------------------------------------------------------

    def _media_reply(self, request: HttpRequest, path: str) -> HttpReply:
        """A clip, unless a fault armed for ``/media…`` answers instead (an error, a dropped
        connection) or slows it to a trickle."""
        fault = self.faults.take(request.method, path)
        early = self._early_fault(fault) if fault is not None else None
        if early is not None:
            return early
        if path.startswith("/media/captures/"):
            return self.look.image(request, path)
        events = path.startswith("/media/events/")
        reply = self._event_media(path) if events else self._media(request, path)
        if reply.file is not None:
            reply.trickle_s = self.faults.take_trickle(path)
        return reply

    def _media(self, request: HttpRequest, path: str) -> HttpReply:
        parts = path.removeprefix("/media/").split("/")
        if len(parts) != 2 or not parts[0].isdigit() or not parts[1].endswith(".mp4"):
            return HttpReply(404, b"not found")
        recall_id, position = int(parts[0]), parts[1].removesuffix(".mp4")
        if recall_id not in self.rules.recalls:
            return HttpReply(404, b"not found")
        try:
            expires = int(request.query.get("expires", "0"))
        except ValueError:
            return HttpReply(403, b"bad link")
        why = self.rules.media_allowed(recall_id, position, expires, request.query.get("sig", ""))
        if why:
            return HttpReply(403, why.encode(), {"Content-Type": "text/plain"})
        clip = self.footage.clip(self._clip_spec(self.rules.recalls[recall_id], position))
        reply = HttpReply(200, headers={"Content-Type": "video/mp4"}, file=clip)
        if self.faults.take_expiry(path):
            self.rules.expire_links(recall_id, expires)
            reply.cut_after = clip.stat().st_size // 2
        return reply

    def _event_media(self, path: str) -> HttpReply:
        parts = path.removeprefix("/media/events/").split("/")
        if len(parts) != 2 or not parts[0].isdigit() or not parts[1].endswith(".mp4"):
            return HttpReply(404, b"not found")
        found = self.events.clip_window(int(parts[0]))
        if found is None:
            return HttpReply(404, b"not transcoded yet")
        vehicle, start = found
        s = self.settings
        clip = self.footage.clip(ClipSpec(
            vehicle=vehicle, position=parts[1].removesuffix(".mp4"), start=window_start(start),
            window_s=MEDIA_LENGTH_S, width=s.media_width, height=s.media_height, fps=s.media_fps,
            busy=s.media_busy,
        ))  # fmt: skip
        return HttpReply(200, headers={"Content-Type": "video/mp4"}, file=clip)

    def _clip_spec(self, recall: SandboxRecall, position: str) -> ClipSpec:
        """What a recall's camera recorded: its window, real time or sped up."""
        s = self.settings
        target = recall.vehicle.number if recall.vehicle else recall.asset.name  # type: ignore[union-attr]
        speedup = s.timelapse_speedup if recall.recall_type is RecallType.TIMELAPSE else 1
        return ClipSpec(
            vehicle=target, position=position, start=window_start(recall.start),
            window_s=recall.minutes * 60, speedup=speedup, width=s.media_width,
            height=s.media_height, fps=s.media_fps, pad_bytes=s.media_pad_mb << 20,
            busy=s.media_busy,
        )  # fmt: skip

    def _admin(self, request: HttpRequest, path: str) -> HttpReply:
        action = path.removeprefix("/_sandbox/")
        data = request.json() if request.body else {}
        if action == "faults" and request.method == "POST":
            self.faults.arm(Fault.model_validate(data))
        elif action == "clock" and request.method == "POST":
            if "speed" in data:
                self.clock.set_speed(float(data["speed"]))
            self.clock.advance(float(data.get("advance_seconds", 0)))
        elif action == "settings" and request.method == "POST":
            for name, value in data.items():
                setattr(self.settings, name, value)
        elif action == "safety_events" and request.method == "POST":
            try:
                return HttpReply.json(self.events.raise_event(data))
            except Refusal as refusal:
                return HttpReply.json({self.settings.error_key: refusal.message}, refusal.status)
        elif action.startswith("safety_events/") and action.endswith("/redeliver"):
            event_id = action.removeprefix("safety_events/").removesuffix("/redeliver")
            try:
                version = str(data.get("version", "latest"))
                return HttpReply.json(self.events.redeliver(int(event_id), version))
            except ValueError:
                return HttpReply.json({self.settings.error_key: "the event id is a number"}, 400)
            except Refusal as refusal:
                return HttpReply.json({self.settings.error_key: refusal.message}, refusal.status)
        elif action == "reset" and request.method == "POST":
            self.reset()
        elif action != "state":
            return HttpReply.json({"error_message": f"unknown admin action {action}"}, 404)
        return HttpReply.json(self.state())

    def reset(self) -> None:
        """Forget recalls, spent quota, faults, webhooks and the request log."""
        self.rules.recalls.clear()
        self.rules.used = dict.fromkeys(self.rules.used, 0)
        self.look.reset()
        self.faults.clear()
        self.webhooks.deliveries.clear()
        self.requests.clear()

    def state(self) -> dict[str, Any]:
        """What the sandbox holds, for tests and people looking in."""
        now = self.clock.now()
        return {
            "now": iso_utc(now),
            "speed": self.clock.speed,
            "recalls": [
                {"id": r.id, "stage": r.stage(now), "target": (r.vehicle or r.asset).id}  # type: ignore[union-attr]
                for r in self.rules.recalls.values()
            ],
            "quota_info": self.rules.quota_info(),
            "webhooks": [
                vars(d) | {"due": iso_utc(d.due)} for d in self.webhooks.deliveries.values()
            ],
            "requests": [list(r) for r in self.requests[-200:]],
        }
