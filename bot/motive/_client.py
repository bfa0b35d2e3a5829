"""``MotiveClient``: every endpoint of motive-api.md on httpx, typed, paced and retried safely.

Reads are retried with jittered exponential back-off on 429, 5xx, transport errors and answers
that are not JSON, honouring ``Retry-After`` when Motive sends one. A create is different: it
spends quota, so it is only retried when it provably never reached Motive (the connection was
never made, or Motive answered 429). When its answer is lost after it was sent, the client asks
Motive by sending the same create again: a duplicate answer means the first one arrived.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime
from http import HTTPStatus
from typing import Any, NoReturn, TypeVar

import httpx

from bot.alerts.events import NotAnEvent, SafetyEvent, read_event
from bot.motive._captures import ImageCapture
from bot.motive._config import MotiveConfig
from bot.motive._errors import (
    MotiveAuthError,
    MotiveBadRequest,
    MotiveCreateOutcomeUnknown,
    MotiveDuplicate,
    MotiveError,
    MotiveNotFound,
    MotivePermissionError,
    MotiveQuotaExhausted,
    MotiveRateLimited,
    MotiveUnavailable,
)
from bot.motive._models import (
    Asset,
    Pagination,
    Quota,
    RecallDetails,
    Timelines,
    Vehicle,
    WebhookSubscription,
)
from bot.motive._places import Geofence, GeofenceEvent, LocationPoint, renamed
from bot.motive._routes import Route, Routes
from bot.plumbing.closing import ClosedOnExit
from bot.plumbing.http_transport import KeptAliveTransport
from bot.plumbing.metrics import MOTIVE_CALLS, bounded
from bot.plumbing.pacing import RateLimiter, Shared, Slots, backoff_delay, retry_after_seconds
from bot.plumbing.timefmt import iso_utc
from bot.recall import RecallRequest

_log = logging.getLogger("recallbot.motive")

# The connection was never made: the request cannot have reached Motive.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_MESSAGE_KEYS = ("error_message", "message", "error", "errors", "detail")
_ID_KEYS = ("existing_id", "video_recall_request_id", "id")
# The statuses a call's series may carry: a proxy's odd status must not add series of its own.
_STATUSES = frozenset(str(status.value) for status in HTTPStatus)
_MAX_HISTORY_DAYS = 92  # Motive: at most three months of location history a call
_Made = TypeVar("_Made")


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "; ".join(_text_of(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text_of(v)}" for k, v in value.items())
    return str(value)


def _existing_id(payload: Any) -> str | None:
    """The id of the recall a duplicate answer points at, wherever Motive put it."""
    if not isinstance(payload, dict):
        return None
    nested = payload.get("video_recall_request")
    if isinstance(nested, dict) and nested.get("id") is not None:
        return str(nested["id"])
    for key in _ID_KEYS:
        if payload.get(key) is not None and not isinstance(payload[key], dict | list):
            return str(payload[key])
    return None


class MotiveClient(ClosedOnExit):
    """A thread-safe client of Motive's fleet API for video recalls.

    ``transport``, ``sleep``, ``clock`` and ``rng`` are injectable so tests can drive retries
    and pacing without waiting; in production they are ``KeptAliveTransport`` (httpx's client
    over ``http.client``: ~15% less CPU a call), ``time``'s and ``random``'s. The transport
    reads the environment's proxy settings itself: the client's own (``trust_env``) would send
    around it.
    """

    def __init__(
        self,
        config: MotiveConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        shared: Shared | None = None,
    ) -> None:
        """``shared``: the rate limit and concurrent-call slots of every process calling this
        account (``Shared.make``), else this client's own."""
        self._config = config
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._limiter = RateLimiter(config.rate_per_s, config.burst, clock, sleep,
                                    shared.bucket if shared else None)  # fmt: skip
        self._context = {"statuses": config.shapes.status_words}
        self._routes = Routes.of(config.shapes)
        self._location_calls: AbstractContextManager[Any] = (
            Slots(shared.slots) if shared else threading.BoundedSemaphore(config.location_calls)
        )
        self._root = config.base_url.rstrip("/").removesuffix("/v1")
        self._http = httpx.Client(
            base_url=config.base_url.rstrip("/"),
            headers={
                **config.auth_headers(),
                "Accept": "application/json",
                "User-Agent": "recallbot",
            },
            timeout=httpx.Timeout(config.timeout_s, connect=config.connect_timeout_s),
            transport=transport or KeptAliveTransport(config.max_connections),
            trust_env=False,
        )

    def __repr__(self) -> str:
        return f"MotiveClient(base_url={self._config.base_url!r})"

    @property
    def config(self) -> MotiveConfig:
        """How this client reaches Motive (secrets stay in their SecretStr)."""
        return self._config

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # -- endpoints --------------------------------------------------------------------------

    def create_recall(self, request: RecallRequest) -> RecallDetails:
        """Create a video recall request (spends quota). Never creates it twice."""
        body = request.model_dump(mode="json", exclude_none=True)
        return self._post_once(
            self._routes.recalls, body, self._created, lambda lost: self._reconcile(body, lost)
        )

    def get_recall(self, recall_id: str) -> RecallDetails:
        """A recall's status and per-camera results (with freshly minted download links)."""
        data = self._get_json(self._routes.recall, recall_id)
        return self._details(data)

    def quota(self) -> Quota:
        """Minutes used, left and in all this month, per recall type."""
        return Quota.model_validate(self._get_json(self._routes.quota))

    def vehicle_timelines(self, number: str, start: datetime, end: datetime) -> Timelines:
        """Where a vehicle's cameras hold footage between ``start`` and ``end``."""
        route, param = self._routes.vehicle_timelines, self._config.shapes.timeline_vehicle_param
        return self._timelines(route, param, number, start, end)

    def asset_timelines(self, name: str, start: datetime, end: datetime) -> Timelines:
        """Where an asset's cameras hold footage between ``start`` and ``end``."""
        route, param = self._routes.asset_timelines, self._config.shapes.timeline_asset_param
        return self._timelines(route, param, name, start, end)

    def lookup_vehicle(self, number: str) -> Vehicle:
        """One vehicle by its fleet number (``MotiveNotFound`` when there is none)."""
        data = self._get_json(self._routes.vehicle_lookup, params={"number": number})
        return Vehicle.model_validate(data.get("vehicle", data) if isinstance(data, dict) else data)

    def vehicle(self, vehicle_id: str) -> Vehicle:
        """One vehicle by Motive's id (``MotiveNotFound`` when there is none)."""
        data = self._get_json(self._routes.vehicle, vehicle_id)
        return Vehicle.model_validate(data.get("vehicle", data) if isinstance(data, dict) else data)

    def safety_events(self, since: datetime) -> list[SafetyEvent]:
        """Safety events updated since ``since``, all pages (an item recallbot cannot read is
        logged and left out)."""
        shapes = self._config.shapes.events
        events = []
        for item in self._pages(self._routes.events, shapes.list_key,
                                {shapes.since_param: iso_utc(since)}):  # fmt: skip
            try:
                events.append(read_event(item, shapes))
            except NotAnEvent as exc:
                _log.warning("left out a safety event Motive listed: %s", exc)
        return events

    def vehicles(self) -> list[Vehicle]:
        """Every vehicle of the fleet, all pages."""
        pages = self._pages(self._routes.vehicles, self._config.shapes.vehicles_key,
                            wrapper="vehicle")
        return [Vehicle.model_validate(item) for item in pages]

    def webhook_subscriptions(self) -> list[WebhookSubscription]:
        """The company's webhook subscriptions (read only: recallbot never changes them)."""
        pages = self._pages(self._routes.webhooks, "company_webhooks")
        return [WebhookSubscription.model_validate(item) for item in pages]

    def assets(self) -> list[Asset]:
        """Every asset of the fleet, all pages."""
        return [Asset.model_validate(item) for item in self._pages(self._routes.assets, "assets")]

    # -- look now and places ----------------------------------------------------------------

    def create_image_capture(
        self, position: str, *, vehicle_number: str | None = None, asset_name: str | None = None
    ) -> ImageCapture:
        """Ask for one still from one camera position, now. Sent at most once: no answer
        tells a capture apart from a repeat, so an answer lost after sending raises
        ``MotiveCreateOutcomeUnknown`` instead of asking again (only a call that never reached
        Motive, or a 429, is retried)."""
        shapes = self._config.shapes
        body: dict[str, Any] = {shapes.capture_position_field: position}
        if vehicle_number is not None:
            body[shapes.capture_vehicle_field] = vehicle_number
        if asset_name is not None:
            body[shapes.capture_asset_field] = asset_name
        sent = self._post_once(self._routes.captures, body, lambda data: data, self._never_again)
        return self._capture(sent)

    def image_capture(self, camera_type: str, request_id: str) -> ImageCapture:
        """A capture's status and, once done, its image link (freshly minted)."""
        route = self._routes.capture
        return self._capture(self._get_json(route, request_id, named={"camera_type": camera_type}))

    def vehicle_locations(self, vehicle_id: str, first: date, last: date) -> list[LocationPoint]:
        """A vehicle's breadcrumbs for the whole days ``first`` to ``last`` (in the company's
        zone, a guess), oldest first. Motive allows at most three months a call and ten
        calls at once: more wait here for a place."""
        if (last - first).days > _MAX_HISTORY_DAYS or last < first:
            raise ValueError(f"location history spans 1 to {_MAX_HISTORY_DAYS} days a call")
        shapes = self._config.shapes
        params = {shapes.locations_start_param: first.isoformat(),
                  shapes.locations_end_param: last.isoformat()}  # fmt: skip
        context = {"engine_on": shapes.engine_on_words, "engine_off": shapes.engine_off_words}
        with self._location_calls:  # one answer holds the whole span (no pages documented)
            data = self._get_json(self._routes.locations, vehicle_id, params)
        key = shapes.locations_key
        items = (data.get(key) or []) if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise MotiveUnavailable(f"Motive's location history has no list under {key!r}")
        singular = key.removesuffix("s")
        points = [
            LocationPoint.model_validate(
                renamed(item.get(singular, item), shapes.location_fields), context=context
            )
            for item in items
            if isinstance(item, dict)
        ]
        return sorted(points, key=lambda point: point.located_at)

    def geofences(self) -> list[Geofence]:
        """Every geofence of the company, all pages."""
        shapes = self._config.shapes
        pages = self._pages(self._routes.geofences, shapes.geofences_key)
        return [Geofence.model_validate(renamed(item, shapes.geofence_fields)) for item in pages]

    def geofence_events(self, geofence_id: str, first: date, last: date) -> list[GeofenceEvent]:
        """The visits to one geofence on the days ``first`` to ``last``, all pages."""
        shapes = self._config.shapes
        params = {shapes.geofence_ids_param: geofence_id,
                  shapes.geofence_events_start_param: first.isoformat(),
                  shapes.geofence_events_end_param: last.isoformat()}  # fmt: skip
        pages = self._pages(self._routes.geofence_events, shapes.geofence_events_key, params)
        fields = shapes.geofence_event_fields
        return [GeofenceEvent.model_validate(renamed(item, fields)) for item in pages]

    def _capture(self, data: Any) -> ImageCapture:
        if isinstance(data, dict) and isinstance(data.get("image_capture"), dict):
            data = data["image_capture"]
        return ImageCapture.model_validate(data, context=self._context)

    # -- reads ------------------------------------------------------------------------------

    def _timelines(
        self, route: Route, param: str, value: str, start: datetime, end: datetime
    ) -> Timelines:
        shapes = self._config.shapes
        params = {
            param: value,
            shapes.timeline_start_param: iso_utc(start),
            shapes.timeline_end_param: iso_utc(end),
        }
        return Timelines.model_validate(self._get_json(route, params=params))

    def _pages(
        self,
        route: Route,
        key: str,
        params: dict[str, Any] | None = None,
        wrapper: str | None = None,
    ) -> Iterator[Any]:
        """Every item of a paginated list under ``key``, unwrapped from ``{wrapper: {...}}``
        (by default ``key``'s singular) when Motive wraps them."""
        singular = wrapper or key.removesuffix("s")
        page = 1
        while True:
            data = self._get_json(route, params={**(params or {}), "per_page": 100,
                                                 "page_no": page})  # fmt: skip
            if not isinstance(data, dict):
                raise MotiveUnavailable(f"Motive's answer to GET {route.path()} is not a list page")
            items = data.get(key) or []
            for item in items:
                wrapped = isinstance(item, dict) and isinstance(item.get(singular), dict)
                yield item[singular] if wrapped else item
            pagination = Pagination.model_validate(data.get("pagination") or {})
            if not items or page * pagination.per_page >= pagination.total or page >= 1000:
                return
            page += 1

    def _get_json(
        self,
        route: Route,
        id: str | None = None,
        params: dict[str, Any] | None = None,
        named: dict[str, str] | None = None,
    ) -> Any:
        """GET ``route`` (about ``id``, and ``named`` segments) with retries for everything
        that may pass: 429, 5xx, transport, not-JSON."""
        path = route.path(id, **(named or {}))
        failure: MotiveError | None = None
        for attempt in range(self._config.max_attempts):
            if failure is not None:
                self._pause(attempt - 1, failure)
            try:
                response = self._send("GET", route, id, named, params=params)
            except httpx.TransportError as exc:
                failure = self._unreachable("GET", path, exc)
                continue
            if response.status_code == 429 or response.status_code >= 500:
                failure = self._passing(response)
                continue
            if response.is_error:
                raise self._error(response)
            try:
                return response.json()
            except ValueError:
                failure = MotiveUnavailable(
                    f"Motive's answer to GET {path} was not JSON", status=response.status_code
                )
        assert failure is not None  # noqa: S101 - the loop ran at least once
        raise failure

    # -- create -----------------------------------------------------------------------------

    def _post_once(
        self,
        route: Route,
        body: dict[str, Any],
        read: Callable[[Any], _Made],
        lost: Callable[[MotiveError], _Made],
    ) -> _Made:
        """POST a create that spends or makes something: retried only when it provably never
        reached Motive (no connection, or a 429); ``read`` takes the answer's JSON, and when
        the create was sent but its answer lost (a transport error after sending, a 5xx, an
        answer that does not read) ``lost`` decides: ask Motive again (a recall, whose
        duplicate check tells), or give up without sending (a capture)."""
        failure: MotiveError | None = None
        for attempt in range(self._config.max_attempts):
            if failure is not None:
                self._pause(attempt - 1, failure)
            try:
                response = self._send("POST", route, json=body)
            except _NOT_SENT as exc:
                failure = self._unreachable("POST", route.template, exc)
                continue
            except httpx.TransportError as exc:
                return lost(self._unreachable("POST", route.template, exc))
            if response.status_code == 429:
                failure = self._passing(response)  # refused: nothing made, safe to retry
                continue
            if response.status_code >= 500:
                return lost(self._error(response))
            if response.is_error:
                raise self._error(response)
            try:
                return read(response.json())
            except ValueError:
                return lost(MotiveUnavailable("the answer was not JSON"))
        assert failure is not None  # noqa: S101 - the loop ran at least once
        raise failure

    def _reconcile(self, body: dict[str, Any], lost: MotiveError) -> RecallDetails:
        """The create was sent but its answer lost: ask Motive by sending it again."""
        _log.warning("create answer lost (%s); asking Motive whether it arrived", lost)
        recalls = self._routes.recalls
        failure: MotiveError = lost
        for attempt in range(self._config.max_attempts):
            self._pause(attempt, failure)
            try:
                response = self._send("POST", recalls, json=body)
            except httpx.TransportError as exc:
                failure = self._unreachable("POST", recalls.template, exc)
                continue
            if response.status_code == 429 or response.status_code >= 500:
                failure = self._error(response)
                if isinstance(failure, MotiveQuotaExhausted):
                    break
                continue
            if not response.is_error:
                try:
                    return self._created(response.json())
                except ValueError:
                    failure = MotiveUnavailable("the create answer was not JSON")
                    continue
            error = self._error(response)
            if not isinstance(error, MotiveDuplicate):
                raise error
            if error.existing_id is not None:
                _log.info("the lost create had arrived: recall %s", error.existing_id)
                return self.get_recall(error.existing_id)
            raise MotiveCreateOutcomeUnknown(
                "Motive received the recall request (it now reports a duplicate) but its answer "
                "was lost and Motive did not say the recall's id; check Motive's dashboard",
                status=error.status,
                motive_message=error.motive_message,
            )
        raise MotiveCreateOutcomeUnknown(
            f"the create's answer was lost ({lost}) and Motive could not be asked whether it "
            f"arrived ({failure}); nothing was retried, to avoid spending quota twice",
            status=failure.status,
            motive_message=failure.motive_message,
        )

    def _created(self, data: Any) -> RecallDetails:
        """The recall a create answer describes (fetching details if it only names the id)."""
        if isinstance(data, dict) and isinstance(data.get("video_recall_request"), dict):
            data = data["video_recall_request"]
        if isinstance(data, dict) and "status" not in data and data.get("id") is not None:
            return self.get_recall(str(data["id"]))
        return self._details(data)

    def _details(self, data: Any) -> RecallDetails:
        return RecallDetails.model_validate(data, context=self._context)

    @staticmethod
    def _never_again(lost: MotiveError) -> NoReturn:
        """A capture sent whose answer was lost: Motive cannot tell a repeat, so none."""
        raise MotiveCreateOutcomeUnknown(
            f"the request may have reached Motive, but its answer was lost ({lost}); it was "
            "not sent again, so as not to make it twice",
            status=lost.status,
            motive_message=lost.motive_message,
        )

    # -- one call ---------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        route: Route,
        id: str | None = None,
        named: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request to ``route`` (about ``id``), counted under the route's template."""
        self._limiter.acquire()
        started = time.perf_counter()
        path = route.path(id, **(named or {}))
        target = self._root + path if route.from_root else path
        try:
            response = self._http.request(method, target, **kwargs)
        except httpx.TransportError:
            MOTIVE_CALLS.labels(method, route.template, "unreachable").inc()
            raise
        status = bounded(str(response.status_code), _STATUSES)
        MOTIVE_CALLS.labels(method, route.template, status).inc()
        _log.debug(
            "%s %s -> %s in %.0f ms",
            method,
            path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    def _pause(self, attempt: int, failure: MotiveError) -> None:
        """Wait before the next attempt: as long as Retry-After asks, else a jittered back-off."""
        config = self._config
        delay = backoff_delay(attempt, config.backoff_base_s, config.backoff_cap_s, self._rng)
        if isinstance(failure, MotiveRateLimited) and failure.retry_after is not None:
            if failure.retry_after > config.max_retry_after_s:
                raise failure
            delay = failure.retry_after + self._rng.uniform(0, config.backoff_base_s / 4)
        _log.warning("Motive call failed (%s); trying again in %.2f s", failure, delay)
        self._sleep(delay)

    def _passing(self, response: httpx.Response) -> MotiveError:
        """The error of a 429 or 5xx answer, which a later attempt may not meet. A spent quota
        is raised at once: waiting will not refill it."""
        failure = self._error(response)
        if isinstance(failure, MotiveQuotaExhausted):
            raise failure
        return failure

    def _redact(self, text: str) -> str:
        for secret in self._config.secrets():
            text = text.replace(secret, "[redacted]")
        return text

    def _unreachable(self, method: str, path: str, exc: httpx.TransportError) -> MotiveUnavailable:
        reason = self._redact(str(exc) or type(exc).__name__)
        return MotiveUnavailable(f"{method} {path}: Motive did not answer ({reason})")

    def _motive_message(self, response: httpx.Response) -> tuple[str, Any]:
        """Motive's own words from an error answer (any JSON shape, or plain text)."""
        try:
            payload = response.json()
        except ValueError:
            return self._redact(response.text.strip()[:300]), None
        if isinstance(payload, dict):
            for key in _MESSAGE_KEYS:
                if payload.get(key):
                    return self._redact(_text_of(payload[key])[:300]), payload
        return self._redact(_text_of(payload)[:300]), payload

    def _error(self, response: httpx.Response) -> MotiveError:
        """The typed error for an answer that is not a success."""
        status = response.status_code
        message, payload = self._motive_message(response)
        request = response.request
        text = f"Motive answered {status} to {request.method} {request.url.path}: {message}"
        lowered = message.lower()
        shapes = self._config.shapes
        if status in (400, 403, 409, 422, 429) and any(w in lowered for w in shapes.quota_words):
            return MotiveQuotaExhausted(text, status=status, motive_message=message)
        if status in shapes.duplicate_statuses and (
            status == 409 or any(w in lowered for w in shapes.duplicate_words)
        ):
            return MotiveDuplicate(
                text, status=status, motive_message=message, existing_id=_existing_id(payload)
            )
        kinds: dict[int, type[MotiveError]] = {
            401: MotiveAuthError,
            403: MotivePermissionError,
            404: MotiveNotFound,
        }
        if status in (400, 422):
            return MotiveBadRequest(text, status=status, motive_message=message, rule=message)
        if status in kinds:
            return kinds[status](text, status=status, motive_message=message)
        if status == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            return MotiveRateLimited(text, status=status, motive_message=message, retry_after=wait)
        if status >= 500:
            return MotiveUnavailable(text, status=status, motive_message=message)
        return MotiveError(text, status=status, motive_message=message)
