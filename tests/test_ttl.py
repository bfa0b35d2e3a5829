"""The TTL cache the fleet, the Slack directory and people's zones share."""

import pytest

from bot.plumbing.ttl import TtlCache


def test_a_value_is_fresh_for_its_ttl_then_fetched_again() -> None:
    now = [0.0]
    fetched: list[str] = []
    cache: TtlCache[str, str] = TtlCache(60, clock=lambda: now[0])

    def fetch() -> str:
        fetched.append("x")
        return f"v{len(fetched)}"

    assert cache.get("k", fetch) == "v1"
    now[0] = 59.9
    assert cache.get("k", fetch) == "v1"
    assert cache.peek("k") == "v1"
    now[0] = 60.0
    assert cache.peek("k") is None
    assert cache.get("k", fetch) == "v2"
    assert fetched == ["x", "x"]


def test_a_failed_fetch_keeps_nothing_and_clear_forgets() -> None:
    cache: TtlCache[str, int] = TtlCache(60)

    def broken() -> int:
        raise OSError("down")

    with pytest.raises(OSError, match="down"):
        cache.get("k", broken)
    assert cache.peek("k") is None
    cache.put("k", 1)
    assert cache.get("k", broken) == 1
    cache.clear()
    assert cache.peek("k") is None
