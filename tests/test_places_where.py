"""The breadcrumb arithmetic of ``bot.places.where`` (bisection over breadcrumbs oldest first)
against its definition read as a scan of every breadcrumb: random histories with breadcrumbs
at the same instant, moments exactly on a breadcrumb and ties between the two sides."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.motive import Geofence, LocationPoint
from bot.places.where import nearest, parked_engine_off, stay

BASE = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HALF_HOUR = timedelta(minutes=30)


def history(rng: random.Random) -> list[LocationPoint]:
    """Up to 40 breadcrumbs a few minutes apart (some at one instant), oldest first."""
    minutes = sorted(
        rng.choice(range(0, 240, rng.choice((1, 5, 20)))) for _ in range(rng.randint(0, 40))
    )
    return [
        LocationPoint(located_at=BASE + timedelta(minutes=m), lat=41.0 + rng.random() / 100,
                      lon=-87.0, kph=rng.choice((None, 0.0, 2.0, 40.0)),
                      engine_on=rng.choice((None, False, False, True)), description=str(n))
        for n, m in enumerate(minutes)
    ]  # fmt: skip


def scanned_nearest(points: list[LocationPoint], at: datetime) -> LocationPoint | None:
    close = [p for p in points if abs(p.located_at - at) <= HALF_HOUR]
    return min(close, key=lambda p: (abs(p.located_at - at), p.located_at), default=None)


def scanned_parked(points: list[LocationPoint], start: datetime, end: datetime) -> bool:
    before = [p for p in points if p.located_at <= start and start - p.located_at <= HALF_HOUR]
    inside = [p for p in points if start < p.located_at < end]
    after = [p for p in points if p.located_at >= end][:1]
    return bool(before) and all(p.engine_on is False and (p.kph or 0.0) < 3.0
                                for p in (before[-1], *inside, *after))  # fmt: skip


@pytest.mark.parametrize("seed", range(40))
def test_bisection_answers_what_a_scan_of_every_breadcrumb_answers(seed: int) -> None:
    rng = random.Random(seed)
    points = history(rng)
    moments = [BASE + timedelta(minutes=rng.randint(-40, 280)) for _ in range(30)]
    moments += [p.located_at for p in points]  # exactly on a breadcrumb
    for at in moments:
        assert nearest(points, at) is scanned_nearest(points, at)
        for length in (1, 2, 10):
            end = at + timedelta(minutes=length)
            assert parked_engine_off(points, at, end) == scanned_parked(points, at, end)


def test_a_tie_goes_to_the_earlier_breadcrumb_and_one_instant_to_the_first() -> None:
    def crumb(minute: int, name: str) -> LocationPoint:
        return LocationPoint(located_at=BASE + timedelta(minutes=minute), lat=41.0, lon=-87.0,
                             description=name)  # fmt: skip

    points = [crumb(0, "a"), crumb(10, "b"), crumb(10, "c"), crumb(20, "d"), crumb(20, "e")]
    assert nearest(points, BASE + timedelta(minutes=15)) is points[1]
    assert nearest(points, BASE + timedelta(minutes=19)) is points[3]
    assert nearest(points, BASE + timedelta(minutes=51)) is None
    yard = Geofence(id="1", name="yard", lat=41.0, lon=-87.0, radius_m=100.0)
    assert stay(points, yard, BASE + timedelta(minutes=12)) == (BASE, None)
