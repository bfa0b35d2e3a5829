"""Issue 9, observations 6 and 7: what anyone who can reach the endpoints can do, bounded.

Against a real ``recallbot run --http``: forged webhooks are refused and counted without
growing the audit log per request; a body larger than any Slack or Motive payload is refused
from its Content-Length without being read; idle connections never keep /healthz waiting.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.sandbox.trickle import connect_from
from bot.store import Store
from bot.tracking.refusals import OTHERS, RefusalLog
from tests.app_world import AppWorld, app_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppWorld]:
    with app_world(tmp_path_factory.mktemp("limits")) as running:
        yield running


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_forged_webhooks_are_audited_once_per_source_per_minute(world: AppWorld) -> None:
    with httpx.Client(base_url=world.app.url) as client:
        answers = {client.post("/motive/webhook", content=b'{"id": 1, "status": "success"}',
                               headers={"X-KT-Webhook-Signature": "00" * 20}).status_code
                   for _ in range(500)}  # fmt: skip
    assert answers == {403}
    store = Store(world.db, read_only=True)
    rows = [e for e in store.audit.entries() if e.action == "webhook_refused"]
    store.close()
    assert 1 <= len(rows) <= 2, "500 forged requests, at most a row a minute"
    assert rows[0].detail["source"] == "127.0.0.1"


def test_a_huge_body_is_refused_unread(world: AppWorld) -> None:
    pid = world.app.pid
    assert pid is not None
    before = rss_kib(pid)
    with socket.create_connection(("127.0.0.1", world.app.port), timeout=5) as raw:
        raw.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                    b"\r\nContent-Length: 104857600\r\n\r\n" + b"x" * 65536)  # fmt: skip
        answer = raw.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    assert rss_kib(pid) - before < 20 * 1024


def test_health_answers_within_a_second_beside_150_idle_connections(world: AppWorld) -> None:
    # from three addresses: one may hold only RECALLBOT_HTTP_MAX_PER_CLIENT (100)
    idle = [connect_from(f"127.0.0.{2 + n % 3}", world.app.port) for n in range(150)]
    try:
        for half_open in idle[::2]:
            half_open.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")  # never finished
        started = time.monotonic()
        health = httpx.get(f"{world.app.url}/healthz", timeout=1.0)
        assert health.status_code == 200
        assert time.monotonic() - started < 1.0
    finally:
        for connection in idle:
            connection.close()


def test_the_refusal_log_bounds_rows_by_source_and_window() -> None:
    rows: list[dict[str, object]] = []
    now = [0.0]
    log = RefusalLog(lambda actor, action, **d: rows.append(d), window_s=60, max_sources=2,
                     clock=lambda: now[0])  # fmt: skip
    for source in ["a", "a", "b", "c", "d", "a"]:
        log.refused(source, "webhook_refused")
    assert [r["source"] for r in rows] == ["a", "b", OTHERS]
    now[0] = 61.0
    log.refused("a", "webhook_refused")
    assert rows[-1] == {"source": "a", "refused_last_minute": 3}
    assert log.total == 7
