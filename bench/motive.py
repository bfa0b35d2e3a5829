"""Benchmark of the Motive client against the sandbox: throughput, and overhead per call.

Run with ``make bench`` (or ``.venv/bin/python bench/motive.py``). Figures are medians of
several rounds on loopback; the sandbox (a threaded stdlib server) bounds the throughput.

The sandbox runs as its own process (``recallbot sandbox motive``), so client and server do
not share a GIL.

- throughput: ``get_recall`` from several threads through one client, calls per second;
- overhead: the same GET sequentially through the client (rate limiter, logging, error
  mapping, JSON and pydantic parsing) and through a bare ``httpx.Client`` reading the JSON over
  the client's transport (``KeptAliveTransport``), median latency of each and the difference;
- the transport: the same bare GET over httpx's own pool (httpcore), and what the client's
  transport saves a call.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.motive import MotiveClient, MotiveConfig, MotiveError  # noqa: E402
from bot.plumbing.http_transport import KeptAliveTransport  # noqa: E402
from bot.recall import RecallRequest  # noqa: E402


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _sandbox_process() -> Iterator[str]:
    """``recallbot sandbox motive`` in its own process; yields its API URL once it answers."""
    port = _free_port()
    command = [sys.executable, "-m", "bot.cli", "sandbox", "motive", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/_sandbox/state", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        httpx.post(f"{url}/_sandbox/settings", json={"rate_limit_per_minute": 10**9})
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _a_recall(client: MotiveClient) -> str:
    """Create one recall to read back (vehicle 7 records around the clock)."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=3)
    for minutes_back in range(0, 600, 5):
        request = RecallRequest(
            vehicle_number="7", start_time=start - timedelta(minutes=minutes_back), duration=1
        )
        try:
            return client.create_recall(request).id
        except MotiveError:
            continue
    raise SystemExit("the sandbox accepted no recall to benchmark with")


def _throughput(client: MotiveClient, recall_id: str, threads: int, calls: int) -> float:
    def work() -> None:
        for _ in range(calls):
            client.get_recall(recall_id)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return threads * calls / (time.perf_counter() - started)


def _latencies(call: Callable[[], object], calls: int) -> list[float]:
    out = []
    for _ in range(calls):
        started = time.perf_counter_ns()
        call()
        out.append((time.perf_counter_ns() - started) / 1e6)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--calls", type=int, default=300)
    options = parser.parse_args()

    with _sandbox_process() as api_url:
        config = MotiveConfig(
            base_url=api_url, api_key=SecretStr("sandbox"), rate_per_s=1e9, burst=10**9
        )
        headers = {"X-Api-Key": "sandbox"}
        with (
            MotiveClient(config) as client,
            httpx.Client(headers=headers) as pooled,
            httpx.Client(headers=headers, transport=KeptAliveTransport(20), trust_env=False) as raw,
        ):
            recall_id = _a_recall(client)
            url = f"{api_url}/video_recall_requests/{recall_id}"
            rates, client_ms, raw_ms, pooled_ms = [], [], [], []
            for _ in range(options.rounds):
                rates.append(_throughput(client, recall_id, options.threads, options.calls))
                client_ms.append(
                    statistics.median(_latencies(lambda: client.get_recall(recall_id), 300))
                )
                raw_ms.append(statistics.median(_latencies(lambda: raw.get(url).json(), 300)))
                pooled_ms.append(
                    statistics.median(_latencies(lambda: pooled.get(url).json(), 300))
                )

    rate, ours, bare, httpcore = (
        statistics.median(x) for x in (rates, client_ms, raw_ms, pooled_ms)
    )
    print(f"Motive client against the sandbox (medians of {options.rounds} rounds)")
    print(f"  throughput, {options.threads} threads, one client: {rate:8,.0f} calls/s "
          f"(spread {min(rates):,.0f}-{max(rates):,.0f})")  # fmt: skip
    print(f"  GET latency through MotiveClient:       {ours:8.3f} ms")
    print(f"  GET latency, bare httpx + json:         {bare:8.3f} ms (the client's transport)")
    print(f"  client overhead per call:               {(ours - bare) * 1000:8.0f} µs")
    print(f"  GET latency, bare httpx + json:         {httpcore:8.3f} ms (httpx's own pool)")
    print(f"  the transport's saving per call:        {(httpcore - bare) * 1000:8.0f} µs")


if __name__ == "__main__":
    main()
