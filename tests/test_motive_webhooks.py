"""Motive's completion webhook: the documented signature, and the sandbox's deliveries."""

import json
import threading
import time
from collections.abc import Iterator

import pytest

from bot.motive import webhook_signature, webhook_signature_valid
from bot.sandbox.http import HttpReply, HttpRequest, LoopbackServer
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from tests.conftest import arm, client_for, eventually, recall_of

VECTOR_SECRET = "d9d36bea41c44ae49d1bfc4a48ba2abe"
VECTOR_BODY = b'["fault_code_closed"]'
VECTOR_SIGNATURE = "f04a8386a21a6cba0447024e83b3f0983352bb72"


def test_the_signature_matches_the_documented_test_vector() -> None:
    assert webhook_signature(VECTOR_SECRET, VECTOR_BODY) == VECTOR_SIGNATURE
    assert webhook_signature_valid(VECTOR_SECRET, VECTOR_BODY, VECTOR_SIGNATURE)
    assert webhook_signature_valid(VECTOR_SECRET, VECTOR_BODY, VECTOR_SIGNATURE.upper())
    assert not webhook_signature_valid(VECTOR_SECRET, VECTOR_BODY + b" ", VECTOR_SIGNATURE)
    assert not webhook_signature_valid("other-secret", VECTOR_BODY, VECTOR_SIGNATURE)
    assert not webhook_signature_valid(VECTOR_SECRET, VECTOR_BODY, None)


class Receiver:
    """A webhook endpoint on loopback that records what arrives; it answers the ``script``
    statuses in turn, then 200."""

    def __init__(self) -> None:
        self.received: list[HttpRequest] = []
        self.script: list[int] = []
        self._lock = threading.Lock()
        self.server = LoopbackServer(self._receive).start()

    def _receive(self, request: HttpRequest) -> HttpReply:
        with self._lock:
            self.received.append(request)
            return HttpReply(self.script.pop(0) if self.script else 200)

    def wait(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.received) >= count


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.server.stop()


@pytest.fixture
def hooked(receiver: Receiver) -> Iterator[MotiveSandbox]:
    settings = SandboxSettings(webhook_url=f"{receiver.server.url}/motive/webhook")
    with MotiveSandbox(settings) as sandbox:
        yield sandbox


def test_a_finished_recall_sends_one_signed_webhook(
    hooked: MotiveSandbox, receiver: Receiver
) -> None:
    with client_for(hooked) as client:
        created = client.create_recall(recall_of(hooked))
    hooked.clock.advance(20 * 60)
    receiver.wait(1)
    time.sleep(0.1)
    assert len(receiver.received) == 1
    delivery = receiver.received[0]
    signature = delivery.headers["X-KT-Webhook-Signature"]
    assert webhook_signature_valid("sandbox-webhook-secret", delivery.body, signature)
    payload = json.loads(delivery.body)
    assert payload["action"] == "video_recall_request_completed"
    assert payload["id"] == created.id
    assert payload["status"] == "success"
    assert all(camera["download_url"] for camera in payload["cameras"])


def test_a_refused_webhook_is_retried_a_minute_later(
    hooked: MotiveSandbox, receiver: Receiver
) -> None:
    receiver.script = [500]
    with client_for(hooked) as client:
        client.create_recall(recall_of(hooked))
    hooked.clock.advance(20 * 60)
    receiver.wait(1)
    time.sleep(0.1)
    assert len(receiver.received) == 1, "no retry before the minute is up"
    hooked.clock.advance(61)
    receiver.wait(2)
    deliveries = hooked.webhooks.deliveries
    eventually(lambda: any(d.delivered for d in deliveries.values()))


def test_a_lost_webhook_never_arrives(hooked: MotiveSandbox, receiver: Receiver) -> None:
    arm(hooked, kind="lose_webhook")
    with client_for(hooked) as client:
        client.create_recall(recall_of(hooked))
    hooked.clock.advance(8 * 3600)
    deliveries = hooked.webhooks.deliveries
    eventually(lambda: any(d.lost for d in deliveries.values()))
    assert receiver.received == []
