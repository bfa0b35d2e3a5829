"""Fixtures that start the project's own servers on 127.0.0.1 (no network, no mocks)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from bot.motive import MotiveClient, MotiveConfig
from bot.recall import RecallRequest
from bot.sandbox.faults import Fault
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from bot.store import Store
from tests import leaks
from tests.loopback_http import Proxy, serving
from tests.processes import ROOT, SPEED

FLEET_TZ = ZoneInfo("America/Chicago")


@pytest.fixture(autouse=True)
def no_process_left_behind() -> Iterator[None]:
    """A test whose processes (or theirs, or those of a process it killed) still run after it
    fails, naming them (they are killed: the next test starts clean)."""
    before = leaks.strays(ROOT)
    yield
    left = leaks.strays(ROOT) - before
    if left and (killed := leaks.stopped(left)):
        pytest.fail(f"the test left processes running:\n{leaks.described(killed)}")


@pytest.fixture(autouse=True, scope="session")
def no_orphan_left_behind() -> Iterator[None]:
    """A process of this checkout adopted by PID 1 during the session, between tests (a
    fixture's teardown), fails the session."""
    before = leaks.orphans_of(ROOT)
    yield
    if killed := leaks.stopped(leaks.orphans_of(ROOT) - before):
        pytest.fail(f"processes outlived their parent:\n{leaks.described(killed)}")


@pytest.fixture
def sandbox() -> Iterator[MotiveSandbox]:
    """A fresh Motive sandbox per test (starting one takes milliseconds)."""
    with MotiveSandbox(SandboxSettings()) as running:
        yield running


@pytest.fixture
def fast_sandbox() -> Iterator[MotiveSandbox]:
    """A sandbox whose time runs 600x, for commands run as processes (``tests.processes``)."""
    with MotiveSandbox(speed=float(SPEED)) as running:
        yield running


def client_for(
    sandbox: MotiveSandbox, sleep: Callable[[float], None] | None = None, **overrides: Any
) -> MotiveClient:
    """A client of the sandbox that backs off in milliseconds, so retry tests stay fast.

    ``sleep`` replaces the client's waiting (to record how long it would wait)."""
    settings: dict[str, Any] = {
        "base_url": sandbox.api_url,
        "api_key": SecretStr(sandbox.settings.api_key),
        "backoff_base_s": 0.01,
        "backoff_cap_s": 0.05,
        "timeout_s": 2.0,
        "connect_timeout_s": 1.0,
        "rate_per_s": 1000.0,
        "burst": 1000,
    }
    config = MotiveConfig(**(settings | overrides))
    return MotiveClient(config) if sleep is None else MotiveClient(config, sleep=sleep)


@pytest.fixture
def client(sandbox: MotiveSandbox) -> Iterator[MotiveClient]:
    with client_for(sandbox) as motive:
        yield motive


def arm(sandbox: MotiveSandbox, **fault: Any) -> None:
    """Arm a sandbox fault for the next matching request(s)."""
    sandbox.faults.arm(Fault.model_validate(fault))


def fleet_time(sandbox: MotiveSandbox, days_ago: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the fleet's local time, counted from the sandbox's today, in UTC."""
    today = sandbox.clock.now().astimezone(FLEET_TZ).date()
    local = datetime.combine(today - timedelta(days=days_ago), time(hour, minute), FLEET_TZ)
    return local.astimezone(UTC)


def recall_of(sandbox: MotiveSandbox, number: str = "42", **fields: Any) -> RecallRequest:
    """A valid request: yesterday 3pm fleet time, when every demo vehicle is recording."""
    values: dict[str, Any] = {
        "vehicle_number": number,
        "start_time": fleet_time(sandbox, 1, 15),
        "duration": 1,
    }
    return RecallRequest(**(values | fields))


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``check()`` holds (background threads take their time under load)."""
    import time as _time

    deadline = _time.monotonic() + timeout
    while not check():
        assert _time.monotonic() < deadline, "condition never held"
        _time.sleep(0.01)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store in a fresh file."""
    opened = Store(tmp_path / "recallbot.db")
    yield opened
    opened.close()


@pytest.fixture
def proxy() -> Iterator[tuple[str, type[Proxy]]]:
    """A forward proxy on loopback: its address, and its handler class (what it saw)."""
    handler = type("Proxy", (Proxy,), {"seen": []})
    with serving(handler) as port:
        yield f"127.0.0.1:{port}", handler


@pytest.fixture
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy setting from the environment the tests run in."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
