"""Issue 20, item 7: the HTTP front survives a trickle.

Against a real ``recallbot run --http`` with a 2 s request deadline and 20 connections per
address: connections that send a header line every quarter second and never finish are
answered 408 and closed after the deadline, an address's connections beyond the cap are closed
at once, a kept-alive client that is merely idle is not cut, and ``/healthz`` answers 200 from
another address throughout. And the serving stack alone: when every connection is taken, a new
one takes the place of the one that has been receiving longest.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from wsgiref.types import StartResponse, WSGIEnvironment

import httpx
import pytest

from bot.plumbing.front_limits import FrontLimits
from bot.plumbing.serving import serve_in_background
from bot.sandbox.trickle import Trickle, connect_from
from tests.app_world import AppWorld, app_world
from tests.slack_world import wait_for

DEADLINE_S = 2.0
CAP = 20


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppWorld]:
    env = {"RECALLBOT_HTTP_REQUEST_DEADLINE": str(DEADLINE_S),
           "RECALLBOT_HTTP_MAX_PER_CLIENT": str(CAP)}  # fmt: skip
    with app_world(tmp_path_factory.mktemp("front"), env) as running:
        yield running


def health_from(url: str, source: str) -> int:
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(transport=transport, timeout=2.0) as client:
        return client.get(f"{url}/healthz").status_code


def refused(url: str) -> dict[str, float]:
    """``recallbot_http_refused_total`` by reason, from ``/metrics``."""
    counts = {}
    for line in httpx.get(f"{url}/metrics", timeout=5).text.splitlines():
        if line.startswith("recallbot_http_refused_total{"):
            labels, value = line.rsplit(" ", 1)
            counts[labels.split('"')[1]] = float(value)
    return counts


def test_a_trickle_is_cut_at_the_deadline_and_the_cap_while_health_answers(
    world: AppWorld,
) -> None:
    before = refused(world.app.url)
    health: list[int] = []
    with Trickle(world.app.port, ["127.0.0.1"], CAP + 10, every_s=0.25).start() as trickle:
        while trickle.open() and len(health) < 100:
            health.append(health_from(world.app.url, "127.0.0.2"))
            time.sleep(0.1)
        tricklers = trickle.tricklers
    assert all(t.ended is not None for t in tricklers), "every trickling connection was closed"
    cut_late = [t for t in tricklers if t.answer.startswith(b"HTTP/1.1 408 ")]
    refused_at_once = [t for t in tricklers if not t.answer]
    assert len(cut_late) == CAP
    assert len(refused_at_once) == 10
    assert all(t.lasted is not None and t.lasted >= DEADLINE_S for t in cut_late)
    assert all(t.lasted is not None and t.lasted < DEADLINE_S for t in refused_at_once)
    assert len(health) >= 10, "health was asked throughout"
    assert set(health) == {200}
    after = refused(world.app.url)
    assert after["deadline"] - before.get("deadline", 0) == CAP
    assert after["per_client"] - before.get("per_client", 0) == 10
    assert health_from(world.app.url, "127.0.0.1") == 200, "the address's places are free again"


def test_blank_lines_do_not_restart_the_clock(world: AppWorld) -> None:
    with connect_from("127.0.0.3", world.app.port) as raw:
        started = time.monotonic()
        answer = b""
        while not answer and time.monotonic() - started < DEADLINE_S + 5:
            raw.sendall(b"\r\n\r\n")  # an empty request each time: nothing to answer
            raw.settimeout(0.25)
            try:
                answer = raw.recv(4096)
            except TimeoutError:
                continue
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert time.monotonic() - started >= DEADLINE_S


def test_a_kept_alive_connection_idle_past_the_deadline_still_serves(world: AppWorld) -> None:
    transport = httpx.HTTPTransport(local_address="127.0.0.4")
    with httpx.Client(transport=transport, timeout=5.0) as client:
        first = client.get(f"{world.app.url}/healthz")
        time.sleep(DEADLINE_S + 1.5)  # idle, not receiving: waitress's idle timeout applies
        second = client.get(f"{world.app.url}/healthz")
        assert (first.status_code, second.status_code) == (200, 200)
        assert client.get(f"{world.app.url}/healthz").status_code == 200


def hello(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello\n"]


def test_a_full_front_makes_room_by_closing_the_longest_receiving() -> None:
    limits = FrontLimits(request_deadline_s=60, max_per_client=0, max_connections=10)
    served = serve_in_background(hello, limits=limits)
    try:
        with Trickle(served.port, ["127.0.0.1"], 10, every_s=0.25).start() as trickle:
            wait_for(lambda: len(served.server.guarded()) == 10)
            for _ in range(3):  # the first takes a place; the next ones reuse it
                assert httpx.get(served.url, timeout=2.0).text == "hello\n"
            wait_for(lambda: len(trickle.open()) == 9, timeout=5)
            evicted = [t for t in trickle.tricklers if t.ended is not None]
            assert evicted == trickle.tricklers[:1], "the one that had waited longest"
            assert evicted[0].answer.startswith(b"HTTP/1.1 408 ")
    finally:
        served.close()
