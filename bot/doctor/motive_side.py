"""Doctor's Motive side: the credentials, quota, fleet, footage timelines, safety events and
webhook subscription, read with recallbot's own client through a GET-only transport.

Every shape motive-api.md marks as a guess that an answer shows is confirmed or reported. When
the client cannot read an answer and another plausible shape reads it, the check says so with
the ``MOTIVE_SHAPES`` part that reads it, and the later checks go on with it applied (the
vehicle found under another key is the one whose footage is then looked up). Nothing here
spends quota: no recall is created, and timelines, lookups and lists are reads.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from bot.alerts.events import EventShapes
from bot.config import Settings
from bot.doctor.check import Check, Outcome, merged
from bot.doctor.reading import Answer, ReadOnlyTransport
from bot.motive import (
    MotiveAuthError,
    MotiveClient,
    MotiveConfig,
    MotiveError,
    MotiveNotFound,
    MotivePermissionError,
    MotiveShapes,
    Vehicle,
    WebhookSubscription,
)

TIMELINE_PARAMS = ("vehicle_number", "number", "vehicle", "fleet_number")
"""Query names a vehicle's fleet number plausibly goes by in the timelines request."""
LOOK_BACK = timedelta(days=1)
"""How far back the timelines and the safety events are read."""
WEBHOOK_PATH = "/motive/webhook"


def _keys(body: Any) -> str:
    return ", ".join(sorted(body)) if isinstance(body, dict) else type(body).__name__


def _other_list_key(body: Any, expected: str) -> str | None:
    """The key of a list page's non-empty list, when it is not ``expected``."""
    if not isinstance(body, dict):
        return None
    return next(
        (
            key
            for key, value in body.items()
            if key != expected and isinstance(value, list) and value
        ),
        None,
    )


def _unwrapped(item: Any, singular: str) -> Any:
    return (
        item[singular] if isinstance(item, dict) and isinstance(item.get(singular), dict) else item
    )


class MotiveDoctor:
    """One run of the Motive checks (``checks()``), with the shape fixes found so far."""

    def __init__(self, settings: Settings, transport: ReadOnlyTransport) -> None:
        self._settings = settings
        self._transport = transport
        self._fixes: dict[str, Any] = {}
        self._now = datetime.now(UTC).replace(microsecond=0)

    @property
    def fixes(self) -> dict[str, Any]:
        """The ``MOTIVE_SHAPES`` parts every difference found asks for."""
        return self._fixes

    def _client(self, trying: dict[str, Any] | None = None) -> MotiveClient:
        """recallbot's client with the fixes so far (and ``trying``), retrying little."""
        shapes = merged(merged(self._settings.motive_shapes, self._fixes), trying or {})
        config = MotiveConfig.from_settings(self._settings).model_copy(
            update={
                "shapes": MotiveShapes.model_validate(shapes),
                "max_attempts": 2,
                "backoff_cap_s": 2.0,
            }
        )
        return MotiveClient(config, transport=self._transport)

    def _fix(self, part: dict[str, Any]) -> dict[str, Any]:
        self._fixes = merged(self._fixes, part)
        return part

    def checks(self) -> list[Check]:
        """Every Motive check, in order; a check that stops the rest ends the list."""
        try:
            MotiveConfig.from_settings(self._settings)
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
            return [
                Check(
                    name="motive.credentials",
                    outcome=Outcome.FAILED,
                    summary=f"recallbot cannot call Motive: {problem}",
                    fix="set MOTIVE_API_KEY (Motive: Admin → API keys) or "
                    "MOTIVE_BEARER_TOKEN, and check MOTIVE_SHAPES is a JSON object "
                    "of MotiveShapes' fields",
                )
            ]
        found = self._quota()
        if found[-1].outcome is Outcome.FAILED and found[-1].name == "motive.auth":
            return found
        vehicle_checks, vehicle = self._vehicles()
        found += vehicle_checks
        if vehicle is not None:
            found += [self._lookup(vehicle), self._timelines(vehicle)]
        found += self._events()
        found += self._webhooks()
        return found

    # -- credentials and quota ---------------------------------------------------------------

    def _quota(self) -> list[Check]:
        where = self._settings.motive_base_url
        key = "MOTIVE_BEARER_TOKEN" if self._settings.motive_bearer_token else "MOTIVE_API_KEY"
        try:
            quota = self._client().quota()
        except MotiveAuthError as exc:
            return [
                Check(
                    name="motive.auth",
                    outcome=Outcome.FAILED,
                    summary=f"Motive refuses {key} at {where} ({exc.motive_message})",
                    fix=f"set {key} to a valid one (Motive: Admin → API keys, or your "
                    "OAuth app's access token)",
                )
            ]
        except MotivePermissionError as exc:
            return [
                Check(
                    name="motive.auth",
                    outcome=Outcome.FAILED,
                    summary=f"Motive knows {key} but refuses video recalls to it "
                    f"({exc.motive_message})",
                    fix="give the key access to vehicles and video recalls (or ask "
                    "Motive to turn video recall on for the company)",
                )
            ]
        except MotiveError as exc:
            return [
                Check(
                    name="motive.auth",
                    outcome=Outcome.FAILED,
                    summary=f"Motive did not answer the quota read: {exc}",
                    fix="check MOTIVE_BASE_URL, the network and any proxy",
                )
            ]
        except ValidationError:
            body = self._body("/video_recall_requests/quota")
            auth = Check(
                name="motive.auth", outcome=Outcome.OK, summary=f"Motive accepts {key} at {where}"
            )
            return [
                auth,
                Check(
                    name="motive.quota",
                    outcome=Outcome.FAILED,
                    summary="the quota answer does not read",
                    expected="quota_info {regular, timelapse}",
                    seen=_keys(body),
                    fix="send the bundle (recallbot doctor --bundle) to the maintainers",
                ),
            ]
        auth = Check(
            name="motive.auth", outcome=Outcome.OK, summary=f"Motive accepts {key} at {where}"
        )
        regular, timelapse = quota.quota_info.regular, quota.quota_info.timelapse
        if regular.total_minutes <= 0:
            body = self._body("/video_recall_requests/quota")
            seen = body.get("quota_info") if isinstance(body, dict) else None
            return [
                auth,
                Check(
                    name="motive.quota",
                    outcome=Outcome.DIFFERS,
                    blocking=True,
                    summary="the quota reads as 0 minutes in all",
                    expected="quota_info.regular {used_minutes, remaining_minutes, total_minutes}",
                    seen=f"quota_info: {_keys(seen)}",
                    fix="if the company has recall minutes, send the bundle "
                    "(recallbot doctor --bundle) to the maintainers",
                ),
            ]
        return [
            auth,
            Check(
                name="motive.quota",
                outcome=Outcome.OK,
                summary=f"{regular.remaining_minutes:g} of {regular.total_minutes:g} "
                f"regular minutes left this month, "
                f"{timelapse.remaining_minutes:g} of "
                f"{timelapse.total_minutes:g} time-lapse",
            ),
        ]

    def _body(self, path_end: str) -> Any:
        answer: Answer | None = self._transport.last(path_end)
        return answer.body if answer else None

    # -- the fleet -----------------------------------------------------------------------------

    def _vehicles(self) -> tuple[list[Check], Vehicle | None]:
        expected = merged(self._settings.motive_shapes, self._fixes).get("vehicles_key", "vehicles")
        try:
            vehicles = self._client().vehicles()
        except MotiveError as exc:
            return [self._failed("motive.vehicles", f"the vehicle list: {exc}")], None
        except ValidationError:
            body = self._body("/vehicles")
            items = (body.get(expected) if isinstance(body, dict) else None) or [None]
            return [
                Check(
                    name="motive.vehicles",
                    outcome=Outcome.FAILED,
                    summary="a listed vehicle does not read",
                    expected="id and number",
                    seen=_keys(_unwrapped(items[0], "vehicle")),
                    fix="send the bundle (recallbot doctor --bundle) to the maintainers",
                )
            ], None
        if vehicles:
            return [
                Check(
                    name="motive.vehicles",
                    outcome=Outcome.OK,
                    summary=f"{len(vehicles)} vehicles listed under {expected!r}",
                )
            ], vehicles[0]
        body = self._body("/vehicles")
        other = _other_list_key(body, expected)
        if other is None:
            return [
                Check(
                    name="motive.vehicles",
                    outcome=Outcome.FAILED,
                    summary="Motive lists no vehicles",
                    expected=f"a list under {expected!r}",
                    seen=_keys(body),
                    fix="give the key access to the fleet's vehicles",
                )
            ], None
        part = self._fix({"vehicles_key": other})
        try:
            vehicles = self._client().vehicles()
        except (MotiveError, ValidationError):
            vehicles = []
        check = Check(
            name="motive.vehicles",
            outcome=Outcome.DIFFERS,
            blocking=True,
            summary=f"GET /vehicles lists {len(vehicles)} vehicles under another key",
            expected=f"the list under {expected!r}",
            seen=f"the list under {other!r}",
            fix="set MOTIVE_SHAPES (below)",
            shapes=part,
        )
        return [check], (vehicles[0] if vehicles else None)

    def _lookup(self, vehicle: Vehicle) -> Check:
        try:
            found = self._client().lookup_vehicle(vehicle.number)
        except (MotiveError, ValidationError) as exc:
            return self._failed(
                "motive.lookup", f"GET /vehicles/lookup?number={vehicle.number}: {_why(exc)}"
            )
        if found.id != vehicle.id:
            return Check(
                name="motive.lookup",
                outcome=Outcome.DIFFERS,
                blocking=True,
                summary=f"looking up vehicle {vehicle.number} finds another vehicle",
                expected=f"id {vehicle.id}",
                seen=f"id {found.id}",
                fix="send the bundle (recallbot doctor --bundle) to the maintainers",
            )
        return Check(
            name="motive.lookup",
            outcome=Outcome.OK,
            summary=f"vehicle {vehicle.number} is found by its number (id {found.id})",
        )

    # -- footage timelines ---------------------------------------------------------------------

    def _timelines(self, vehicle: Vehicle) -> Check:
        shapes = MotiveShapes.model_validate(merged(self._settings.motive_shapes, self._fixes))
        path, param = shapes.vehicle_timelines_path, shapes.timeline_vehicle_param
        start, end = self._now - LOOK_BACK, self._now
        first: Exception | None = None
        for name in (param, *(p for p in TIMELINE_PARAMS if p != param)):
            trying = {} if name == param else {"timeline_vehicle_param": name}
            try:
                timelines = self._client(trying).vehicle_timelines(vehicle.number, start, end)
            except (MotiveError, ValidationError) as exc:
                first = first or exc
                if not isinstance(exc, MotiveNotFound | ValidationError) and getattr(
                    exc, "status", None
                ) not in (400, 422):
                    break  # not a question of the query's name
                continue
            body = self._body(path)
            if not isinstance(body, dict) or "available_timelines" not in body:
                return Check(
                    name="motive.timelines",
                    outcome=Outcome.DIFFERS,
                    blocking=True,
                    summary=f"the timelines of vehicle {vehicle.number} carry no list of footage",
                    expected="available_timelines [{start_time, end_time}]",
                    seen=_keys(body),
                    fix="send the bundle (recallbot doctor --bundle) to the maintainers",
                )
            said = (
                f"{len(timelines.available_timelines)} stretches of footage in the last "
                f"24 h for vehicle {vehicle.number}"
            )
            if not trying:
                return Check(
                    name="motive.timelines",
                    outcome=Outcome.OK,
                    summary=f"{said} (GET {path}?{param}=…)",
                )
            return Check(
                name="motive.timelines",
                outcome=Outcome.DIFFERS,
                blocking=True,
                summary=f"{said}, asked by another query name",
                expected=f"GET {path}?{param}={vehicle.number}",
                seen=f"Motive answers {param}= with {_why(first)}; {name}= reads",
                fix="set MOTIVE_SHAPES (below)",
                shapes=self._fix(trying),
            )
        return Check(
            name="motive.timelines",
            outcome=Outcome.FAILED,
            summary=f"the footage timelines of vehicle {vehicle.number} do not read: {_why(first)}",
            fix="find the path and query name in Motive's API docs and set "
            "MOTIVE_SHAPES vehicle_timelines_path and timeline_vehicle_param",
        )

    # -- safety events -------------------------------------------------------------------------

    def _events(self) -> list[Check]:
        if self._settings.alerts_channel is None:
            return [
                Check(
                    name="motive.events",
                    outcome=Outcome.SKIPPED,
                    summary="alerts are off (RECALLBOT_ALERTS_CHANNEL unset)",
                )
            ]
        shapes = MotiveShapes.model_validate(merged(self._settings.motive_shapes, self._fixes))
        events_shapes = shapes.events
        since = self._now - LOOK_BACK
        try:
            events = self._client().safety_events(since)
        except MotiveError as exc:
            return [
                self._failed(
                    "motive.events",
                    f"GET {events_shapes.list_path}: {exc}",
                    "check the key may read safety events; if the path differs, "
                    "set MOTIVE_SHAPES events.list_path",
                )
            ]
        body = self._body(events_shapes.list_path)
        found: list[Check] = []
        items = body.get(events_shapes.list_key) if isinstance(body, dict) else None
        if not events and not items:
            other = _other_list_key(body, events_shapes.list_key)
            if other is not None:
                part = self._fix({"events": {"list_key": other}})
                found.append(
                    Check(
                        name="motive.events",
                        outcome=Outcome.DIFFERS,
                        blocking=True,
                        summary="the safety events are listed under another key",
                        expected=f"the list under {events_shapes.list_key!r}",
                        seen=f"the list under {other!r}",
                        fix="set MOTIVE_SHAPES (below)",
                        shapes=part,
                    )
                )
                items = body[other]
        raw = [_unwrapped(i, "driver_performance_event") for i in items or []]
        if not found and len(events) < len(raw):  # the client leaves out what it cannot read
            found.append(
                Check(
                    name="motive.events",
                    outcome=Outcome.DIFFERS,
                    blocking=True,
                    summary=f"{len(raw) - len(events)} of {len(raw)} listed safety events do "
                    "not read (recallbot leaves them out)",
                    expected="id, type and start_time (ISO 8601 with an offset)",
                    seen=f"keys {_keys(raw[0])}",
                    fix="send the bundle (recallbot doctor --bundle) to the maintainers",
                )
            )
        if not found:
            found.append(
                Check(
                    name="motive.events",
                    outcome=Outcome.OK,
                    summary=f"{len(events)} safety events since "
                    f"{since:%Y-%m-%d %H:%M} UTC read from "
                    f"{events_shapes.list_path}",
                )
            )
        found.append(self._since_filter(events_shapes, raw, since))
        found += self._event_fields(events_shapes, raw)
        return found

    def _since_filter(self, shapes: EventShapes, raw: list[Any], since: datetime) -> Check:
        older = [
            i.get("id")
            for i in raw
            if isinstance(i, dict) and _before(i.get(shapes.updated_key), since)
        ]
        if older:
            return Check(
                name="motive.events.since",
                outcome=Outcome.DIFFERS,
                summary=f"Motive ignores the time filter {shapes.since_param}=",
                expected=f"only events updated after {since:%Y-%m-%d %H:%M} UTC",
                seen=f"{len(older)} updated before it (e.g. event {older[0]})",
                fix="set MOTIVE_SHAPES events.since_param to the filter Motive's "
                "API docs name (the safety net then reads less)",
            )
        return Check(
            name="motive.events.since",
            outcome=Outcome.OK,
            summary=f"the time filter {shapes.since_param}= is accepted"
            + (" and kept" if raw else " (no event to compare)"),
        )

    def _event_fields(self, shapes: EventShapes, raw: list[Any]) -> list[Check]:
        """Each guessed field of a safety event: seen, seen under another key, or not seen."""
        if not raw:
            return [
                Check(
                    name="motive.events.fields",
                    outcome=Outcome.SKIPPED,
                    summary="no safety event in the last 24 h to read the guessed "
                    "fields of (run doctor again after one)",
                )
            ]
        items = [i for i in raw if isinstance(i, dict)]
        looks: dict[str, Callable[[Any], bool]] = {
            "vehicle_key": lambda v: isinstance(v, dict) and "number" in v,
            "driver_key": lambda v: (
                isinstance(v, dict) and bool({"first_name", "last_name"} & set(v))
            ),
            "media_key": lambda v: isinstance(v, dict) and shapes.videos_key in v,
        }
        fields = {
            "vehicle_key": shapes.vehicle_key,
            "driver_key": shapes.driver_key,
            "media_key": shapes.media_key,
            "coaching_key": shapes.coaching_key,
            "updated_key": shapes.updated_key,
        }
        seen, found = [], []
        for field, key in fields.items():
            if any(key in item for item in items):
                seen.append(key)
                continue
            look = looks.get(field)
            other = next((k for item in items for k, v in item.items() if look and look(v)), None)
            if other is not None:
                found.append(
                    Check(
                        name=f"motive.events.{field}",
                        outcome=Outcome.DIFFERS,
                        summary=f"safety events carry {field.removesuffix('_key')} "
                        "under another key",
                        expected=repr(key),
                        seen=repr(other),
                        fix="set MOTIVE_SHAPES (below)",
                        shapes=self._fix({"events": {field: other}}),
                    )
                )
            else:
                found.append(
                    Check(
                        name=f"motive.events.{field}",
                        outcome=Outcome.DIFFERS,
                        summary=f"no safety event carries {key!r}; recallbot reads it as unknown",
                        expected=repr(key),
                        seen=f"keys {_keys(items[0])}",
                        fix=f"if another key holds it, set MOTIVE_SHAPES events.{field} to it",
                    )
                )
        severity = ".".join(shapes.severity_path)
        if any(_dig(item, shapes.severity_path) is not None for item in items):
            seen.append(severity)
        else:
            found.append(
                Check(
                    name="motive.events.severity_path",
                    outcome=Outcome.DIFFERS,
                    summary=f"no safety event carries {severity}",
                    expected=severity,
                    seen=f"keys {_keys(items[0])}",
                    fix="if another path holds it, set MOTIVE_SHAPES events.severity_path to it",
                )
            )
        ok = Check(
            name="motive.events.fields",
            outcome=Outcome.OK,
            summary=f"guessed event fields seen in {len(items)} events: "
            + (", ".join(seen) or "none"),
        )
        return [ok, *found]

    # -- the webhook subscription --------------------------------------------------------------

    def _webhooks(self) -> list[Check]:
        settings = self._settings
        if settings.motive_webhook_secret is None:
            return [
                Check(
                    name="motive.webhook",
                    outcome=Outcome.SKIPPED,
                    summary="MOTIVE_WEBHOOK_SECRET is unset: recallbot refuses webhooks "
                    "and polls Motive instead",
                )
            ]
        shapes = MotiveShapes.model_validate(merged(settings.motive_shapes, self._fixes))
        needed = [
            *shapes.recall_actions,
            *(shapes.events.actions if settings.alerts_channel else ()),
        ]
        url = f"{settings.public_url.rstrip('/')}{WEBHOOK_PATH}" if settings.public_url else None
        try:
            subscriptions = self._client().webhook_subscriptions()
        except (MotiveError, ValidationError) as exc:
            return [
                self._failed(
                    "motive.webhook",
                    f"GET /company_webhooks: {_why(exc)}",
                    "give the key access to the company's webhooks",
                )
            ]
        chosen = _subscription(subscriptions, url, needed)
        if chosen is None:
            where = url or f"https://<RECALLBOT_PUBLIC_URL>{WEBHOOK_PATH}"
            return [
                Check(
                    name="motive.webhook",
                    outcome=Outcome.FAILED,
                    summary=f"no webhook subscription sends {', '.join(needed)}",
                    expected=f"one pointing at {where}",
                    seen=f"{len(subscriptions)} subscriptions",
                    fix="create it (POST /v1/company_webhooks or Motive's dashboard; "
                    "README, Deploy)",
                )
            ]
        return [self._actions(chosen, needed), self._url(chosen, url), self._secret(chosen)]

    def _actions(self, subscription: WebhookSubscription, needed: list[str]) -> Check:
        missing = [a for a in needed if a not in subscription.actions]
        if subscription.enabled is False:
            return Check(
                name="motive.webhook",
                outcome=Outcome.FAILED,
                summary=f"webhook subscription {subscription.id} is turned off",
                fix=f"turn it on (PUT /v1/company_webhooks/{subscription.id} "
                '{"enabled": true}, or the dashboard)',
            )
        if missing:
            return Check(
                name="motive.webhook",
                outcome=Outcome.DIFFERS,
                summary=f"webhook subscription {subscription.id} leaves out what "
                "recallbot listens for (it polls for those instead)",
                expected=", ".join(needed),
                seen=", ".join(subscription.actions) or "none",
                fix=f"add {', '.join(missing)} to subscription {subscription.id}",
            )
        return Check(
            name="motive.webhook",
            outcome=Outcome.OK,
            summary=f"webhook subscription {subscription.id} sends {', '.join(needed)}",
        )

    def _url(self, subscription: WebhookSubscription, url: str | None) -> Check:
        if url is None:
            return Check(
                name="motive.webhook.url",
                outcome=Outcome.SKIPPED,
                summary=f"subscription {subscription.id} points at {subscription.url}; "
                "RECALLBOT_PUBLIC_URL is unset, so it cannot be compared",
                fix="set RECALLBOT_PUBLIC_URL to where Motive reaches recallbot",
            )
        if subscription.url != url:
            return Check(
                name="motive.webhook.url",
                outcome=Outcome.FAILED,
                summary=f"subscription {subscription.id} sends elsewhere",
                expected=url,
                seen=str(subscription.url),
                fix=f"point subscription {subscription.id} at {url} (or correct "
                "RECALLBOT_PUBLIC_URL)",
            )
        return Check(
            name="motive.webhook.url",
            outcome=Outcome.OK,
            summary=f"subscription {subscription.id} points at {url}",
        )

    def _secret(self, subscription: WebhookSubscription) -> Check:
        secret = self._settings.motive_webhook_secret
        assert secret is not None  # noqa: S101 - _webhooks returns early without one
        if subscription.secret is None:
            return Check(
                name="motive.webhook.secret",
                outcome=Outcome.SKIPPED,
                summary="Motive does not show the subscription's secret: it cannot be "
                "compared with MOTIVE_WEBHOOK_SECRET",
                fix="if webhooks are refused (403 in the log, "
                "recallbot_webhook_verifications_total), set the secret again at "
                "both ends",
            )
        if not hmac.compare_digest(
            subscription.secret.encode(), secret.get_secret_value().encode()
        ):
            return Check(
                name="motive.webhook.secret",
                outcome=Outcome.FAILED,
                summary=f"subscription {subscription.id} signs with another secret "
                "than MOTIVE_WEBHOOK_SECRET: every webhook would be refused",
                fix="set MOTIVE_WEBHOOK_SECRET to the subscription's secret",
            )
        return Check(
            name="motive.webhook.secret",
            outcome=Outcome.OK,
            summary="the subscription signs with MOTIVE_WEBHOOK_SECRET",
        )

    @staticmethod
    def _failed(name: str, summary: str, fix: str | None = None) -> Check:
        return Check(
            name=name,
            outcome=Outcome.FAILED,
            summary=summary,
            fix=fix
            or "run again later; if it persists, send the bundle "
            "(recallbot doctor --bundle) to the maintainers",
        )


def _subscription(
    subscriptions: list[WebhookSubscription], url: str | None, needed: list[str]
) -> WebhookSubscription | None:
    """The subscription meant for recallbot: the one at its URL, else the one sending most of
    what it needs."""
    if url is not None:
        at = [s for s in subscriptions if s.url == url]
        if at:
            return at[0]
    scored = [(len(set(needed) & set(s.actions)), s) for s in subscriptions]
    best = max(scored, key=lambda pair: pair[0], default=(0, None))
    return best[1] if best[0] else None


def _why(exc: BaseException | None) -> str:
    if isinstance(exc, MotiveError):
        return f"{exc.status} {exc.motive_message}" if exc.status else str(exc)
    if isinstance(exc, ValidationError):
        return f"an answer that does not read ({exc.error_count()} problems)"
    return str(exc)


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _before(value: Any, since: datetime) -> bool:
    if not isinstance(value, str):
        return False
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return moment.tzinfo is not None and moment < since
