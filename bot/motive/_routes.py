"""Motive's endpoints as route templates: what each request's path is made from, and the one
label its ``recallbot_motive_calls`` series carries.

A call is labelled with its route's template (``/vehicles/{id}``), never with the path it sent:
ids come from outside (a safety event's vehicle id, a recall id in Motive's answer) and may be
any text, so a label read off the path made one series per id. Labelled by template, the
series are bounded by this table, whatever the ids look like.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from urllib.parse import quote

from bot.motive._config import MotiveShapes
from bot.motive._errors import MotiveNotFound

_ID = "{id}"
# Ids that, even encoded, would make the path name another resource: "" the collection
# (/vehicles/ lists the fleet), "." and ".." the route's parents.
_NOT_IDS = ("", ".", "..")


@dataclass(frozen=True)
class Route:
    """One endpoint. ``from_root``: it lives at the API's root, beside ``/v1`` (the events list
    is ``/v2/...``), not under the base URL."""

    template: str
    from_root: bool = False

    def path(self, id: str | None = None, **named: str) -> str:
        """The path to request: the template, with ``id`` (any text) as one encoded segment,
        and each ``{name}`` of ``named`` likewise (a capture's ``{camera_type}``).
        ``MotiveNotFound`` for an id no path segment can hold, as Motive would answer."""
        path = self.template
        segments = ({"id": id} if id is not None else {}) | named
        for name, value in segments.items():
            if value in _NOT_IDS:
                raise MotiveNotFound(
                    f"{value!r} is not an id Motive gives ({self.template} would name another "
                    "resource)"
                )
            path = path.replace(f"{{{name}}}", quote(value, safe=""))
        return path


@dataclass(frozen=True)
class Routes:
    """Every endpoint the client calls (the guessed paths as ``MotiveShapes`` says)."""

    recalls: Route
    recall: Route
    captures: Route
    capture: Route
    locations: Route
    geofences: Route
    geofence_events: Route
    quota: Route
    vehicle_timelines: Route
    asset_timelines: Route
    vehicle_lookup: Route
    vehicle: Route
    vehicles: Route
    assets: Route
    events: Route
    webhooks: Route

    @classmethod
    def of(cls, shapes: MotiveShapes) -> Routes:
        """The routes of an API shaped like ``shapes``."""
        return cls(
            recalls=Route("/video_recall_requests"),
            recall=Route(f"/video_recall_requests/{_ID}"),
            captures=Route(shapes.captures_path),
            capture=Route(shapes.capture_path),
            locations=Route(shapes.locations_path, from_root=True),
            geofences=Route(shapes.geofences_path),
            geofence_events=Route(shapes.geofence_events_path),
            quota=Route("/video_recall_requests/quota"),
            vehicle_timelines=Route(shapes.vehicle_timelines_path),
            asset_timelines=Route(shapes.asset_timelines_path),
            vehicle_lookup=Route("/vehicles/lookup"),
            vehicle=Route(f"/vehicles/{_ID}"),
            vehicles=Route("/vehicles"),
            assets=Route("/assets"),
            events=Route(shapes.events.list_path, from_root=True),
            webhooks=Route("/company_webhooks"),
        )

    def templates(self) -> frozenset[str]:
        """Every label value ``recallbot_motive_calls`` can carry for an endpoint."""
        return frozenset(getattr(self, field.name).template for field in fields(self))
