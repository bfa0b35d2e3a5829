"""The HTTP side of the tracker: Motive's completion webhook, health and metrics, as WSGI.

``/motive/webhook`` verifies ``X-KT-Webhook-Signature`` (HMAC-SHA1 of the raw body with the
shared secret; 403 on mismatch: logged, counted, and audited at a bounded rate, see
``bot.tracking.refusals``), reads the body as a recall's details, and hands it to the tracker,
which records it once per recall and status (a retried or replayed webhook changes nothing).
Safety events arrive at the same endpoint, signed the same way: they are recorded by the
``AlertInbox`` (once per event id and content) and posted after; with alerts off they are
answered "ignored" so Motive does not retry them. It answers at once: Motive waits only ~3
seconds. ``/healthz`` (liveness) and ``/readyz``
(readiness) report ``bot.tracking.health``, 503 with what is wrong; ``/metrics`` serves
Prometheus's text format. The Slack app mounts this beside its own endpoint.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from pydantic import ValidationError

from bot.alerts import NotAnEvent, is_event
from bot.alerts.inbox import AlertInbox
from bot.motive import EventShapes, RecallDetails, RecallStatus, webhook_signature_valid
from bot.plumbing import metrics
from bot.plumbing.metrics import WEBHOOKS
from bot.tracking.health import Health
from bot.tracking.refusals import RefusalLog
from bot.tracking.tracker import Tracker

_log = logging.getLogger("recallbot.webhook")
_MAX_BODY = 1 << 20
_STATUS_TEXT = {200: "200 OK", 400: "400 Bad Request", 403: "403 Forbidden", 404: "404 Not Found",
                405: "405 Method Not Allowed", 413: "413 Payload Too Large",
                503: "503 Service Unavailable"}  # fmt: skip


def _answer(start_response: StartResponse, status: int, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response(_STATUS_TEXT[status], headers)
    return [body]


def _body(environ: WSGIEnvironment) -> bytes | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > _MAX_BODY:
        return None
    stream = environ["wsgi.input"]
    return bytes(stream.read(length)) if length else b""


def webhook_app(
    tracker: Tracker,
    secret: str | None,
    statuses: dict[str, RecallStatus],
    health: Health | None = None,
    queues: Mapping[str, Callable[[], int]] | None = None,
    inbox: AlertInbox | None = None,
    event_shapes: EventShapes | None = None,
) -> WSGIApplication:
    """A WSGI app serving ``/motive/webhook``, ``/healthz``, ``/readyz`` and ``/metrics`` for
    one tracker (``health``: what the checks report, by default the tracker and its store;
    ``queues``: the depth of each background queue, for ``/metrics``; ``inbox``: where safety
    events go, None when alerts are off)."""
    shapes = event_shapes or (inbox.shapes if inbox else EventShapes())
    checks = health or Health(tracker.store, tracker)
    refusals = RefusalLog(tracker.store.audit.add)
    gauges = metrics.state_registry(
        metrics.StateCollector(tracker.store.recalls.count_by_state, tracker.lag_s, queues or {})
    )

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path in ("/healthz", "/readyz"):
            return _health(start_response, checks.live if path == "/healthz" else checks.ready)
        if path == "/metrics":
            body = metrics.render(gauges)
            start_response("200 OK", [("Content-Type", metrics.CONTENT_TYPE),
                                      ("Content-Length", str(len(body)))])  # fmt: skip
            return [body]
        if path != "/motive/webhook":
            return _answer(start_response, 404, {"error": "not found"})
        if method != "POST":
            return _answer(start_response, 405, {"error": "POST only"})
        return _webhook(environ, start_response)

    def _webhook(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        body = _body(environ)
        if body is None:
            WEBHOOKS.labels("too_large").inc()
            return _answer(start_response, 413, {"error": "body too large"})
        signature = environ.get("HTTP_X_KT_WEBHOOK_SIGNATURE")
        if secret is None or not webhook_signature_valid(secret, body, signature):
            WEBHOOKS.labels("bad_signature").inc()
            source = str(environ.get("REMOTE_ADDR") or "unknown")
            refusals.refused(source, "webhook_refused", reason="bad signature", size=len(body))
            return _answer(start_response, 403, {"error": "signature mismatch"})
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if is_event(data, shapes):
            return _event(data, start_response)
        try:
            details = RecallDetails.model_validate(data, context={"statuses": statuses})
        except (ValueError, ValidationError) as exc:
            WEBHOOKS.labels("not_a_recall").inc()
            _log.warning("webhook body is not a recall: %s", exc)
            return _answer(start_response, 400, {"error": "not a video recall request"})
        try:
            outcome = tracker.accept_webhook(details)
        except sqlite3.Error:  # locked past the busy timeout, or a full disk: Motive retries
            WEBHOOKS.labels("store_busy").inc()
            _log.exception("webhook for recall %s not recorded; asking Motive to retry", details.id)
            return _answer(start_response, 503, {"error": "busy, retry later"})
        WEBHOOKS.labels(outcome).inc()
        return _answer(start_response, 200, {"ok": True, "outcome": outcome})

    def _event(data: Any, start_response: StartResponse) -> list[bytes]:
        if inbox is None:
            WEBHOOKS.labels("event_ignored").inc()
            return _answer(start_response, 200, {"ok": True, "outcome": "ignored"})
        try:
            outcome = inbox.accept_payload(data)
        except NotAnEvent as exc:
            WEBHOOKS.labels("not_an_event").inc()
            _log.warning("webhook body is not a readable safety event: %s", exc)
            return _answer(start_response, 400, {"error": str(exc)})
        except sqlite3.Error:  # as for recalls: Motive retries
            WEBHOOKS.labels("store_busy").inc()
            _log.exception("safety event not recorded; asking Motive to retry")
            return _answer(start_response, 503, {"error": "busy, retry later"})
        WEBHOOKS.labels(f"event_{outcome}").inc()
        return _answer(start_response, 200, {"ok": True, "outcome": outcome})

    def _health(start_response: StartResponse, check: Callable[[], dict[str, Any]]) -> list[bytes]:
        try:
            report = check()
        except Exception as exc:  # the health check reports, it does not crash
            _log.exception("health check failed")
            report = {"ok": False, "error": type(exc).__name__}
        return _answer(start_response, 200 if report["ok"] else 503, report)

    return app
