"""Motive's webhook endpoint over real HTTP (waitress): verified, idempotent, audited."""

import json
from pathlib import Path
from typing import Any

import httpx

from bot.motive import webhook_signature
from bot.store import RecallState
from tests.conftest import eventually, recall_of
from tests.tracker_world import WEBHOOK_SECRET, World, world


def post(w: World, payload: Any, secret: str = WEBHOOK_SECRET, **headers: str) -> httpx.Response:
    body = json.dumps(payload).encode()
    signed = {"X-KT-Webhook-Signature": webhook_signature(secret, body), **headers}
    assert w.webhook_url is not None
    return httpx.post(w.webhook_url, content=body, headers=signed)


def finished(w: World, motive_id: str) -> dict[str, Any]:
    w.advance(20 * 60)
    recall = w.sandbox.rules.recall(motive_id)
    return {"action": "video_recall_request_completed", **w.sandbox.rules.details(
        recall, w.sandbox.url, id_as_str=True)}  # fmt: skip


def test_a_forged_webhook_is_refused_audited_and_changes_nothing(tmp_path: Path) -> None:
    with world(tmp_path, webhooks=True) as w:
        w.sandbox.settings.webhook_url = None  # only the test talks to the endpoint
        recall = w.ask(recall_of(w.sandbox))
        answer = post(w, finished(w, recall.motive_id or ""), secret="guessed-secret")
        assert answer.status_code == 403
        unsigned = httpx.post(w.webhook_url or "", content=b'{"id": "1"}')
        assert unsigned.status_code == 403
        assert w.store.recalls.get(recall.id).state is RecallState.PENDING  # type: ignore[union-attr]
        refusals = [e for e in w.store.audit.entries() if e.action == "webhook_refused"]
        assert len(refusals) == 1, "one row per source per minute"
        assert refusals[0].detail["source"] == "127.0.0.1"


def test_a_replayed_webhook_is_acknowledged_and_delivers_nothing_new(tmp_path: Path) -> None:
    with world(tmp_path, webhooks=True) as w:
        w.sandbox.settings.webhook_url = None
        recall = w.ask(recall_of(w.sandbox))
        payload = finished(w, recall.motive_id or "")
        first = post(w, payload)
        w.tracker.poll_due()
        replay = post(w, payload)
        w.tracker.poll_due()
        assert first.json() == {"ok": True, "outcome": "accepted"}
        assert replay.status_code == 200
        assert replay.json()["outcome"] == "duplicate"
        assert len(w.notifier.deliveries) == 1


def test_a_webhook_for_someone_elses_recall_is_acknowledged_and_ignored(tmp_path: Path) -> None:
    with world(tmp_path, webhooks=True) as w:
        answer = post(
            w, {"action": "video_recall_request_completed", "id": 77, "status": "success"}
        )
        assert answer.json()["outcome"] == "unknown"


def test_a_signed_body_that_is_not_a_recall_is_a_bad_request(tmp_path: Path) -> None:
    with world(tmp_path, webhooks=True) as w:
        assert post(w, ["fault_code_closed"]).status_code == 400
        assert post(w, {"id": 1}).status_code == 400


def test_other_paths_and_methods_and_the_health_check(tmp_path: Path) -> None:
    with world(tmp_path, webhooks=True) as w:
        base = (w.webhook_url or "").removesuffix("/motive/webhook")
        assert httpx.get(f"{base}/motive/webhook").status_code == 405
        assert httpx.get(f"{base}/nowhere").status_code == 404
        health = httpx.get(f"{base}/healthz")
        assert health.status_code == 503, "the tracker loop is not running in this world"
        assert health.json()["tracker"]["problem"] == "the tracker loop is not running"
        ready = httpx.get(f"{base}/readyz")
        assert ready.status_code == 503
        assert ready.json()["store"] == {"ok": True, "problem": None}
        w.tracker.start()
        eventually(lambda: httpx.get(f"{base}/healthz").status_code == 200)
        assert httpx.get(f"{base}/healthz").json()["tracker"]["ok"] is True
        eventually(lambda: httpx.get(f"{base}/readyz").status_code == 200)
