"""Where a point lies: inside a geofence (polygon or circle), how far from another, and a
map link for people (OpenStreetMap, built from the coordinates alone)."""

from __future__ import annotations

import math

from bot.motive import Geofence

_EARTH_M = 6_371_000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    a1, o1, a2, o2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((a2 - a1) / 2) ** 2 + math.cos(a1) * math.cos(a2) * math.sin((o2 - o1) / 2) ** 2
    return 2 * _EARTH_M * math.asin(math.sqrt(h))


def contains(place: Geofence, lat: float, lon: float) -> bool:
    """Whether the point lies inside the geofence: within a circle's radius, or inside a
    polygon (ray casting; a geofence is small enough for the map to be flat)."""
    centre, radius = place.center, place.radius_m
    if place.circle and centre is not None and radius is not None:
        return distance_m(centre.lat, centre.lon, lat, lon) <= radius
    points = place.points
    inside = False
    for index, a in enumerate(points):
        b = points[index - 1]
        if (a.lat > lat) != (b.lat > lat):
            crossing = (b.lon - a.lon) * (lat - a.lat) / (b.lat - a.lat) + a.lon
            if lon < crossing:
                inside = not inside
    return inside


def map_link(lat: float, lon: float, zoom: int = 17) -> str:
    """An OpenStreetMap link with a marker at the point."""
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}"
        f"#map={zoom}/{lat:.6f}/{lon:.6f}"
    )
