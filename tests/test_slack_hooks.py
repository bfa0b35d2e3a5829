"""Answers to response_urls over kept-alive connections (``bot.slack.hooks``)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import pytest

from bot.slack.hooks import ResponseUrls
from tests.loopback_http import Proxy, serving


class _Slack(BaseHTTPRequestHandler):
    """A response_url endpoint: records each body and the connection it came on."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[tuple[int, bytes, str]]] = []
    close_after_answer: ClassVar[bool] = False

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append((id(self.connection), body, self.headers["Content-Type"]))
        status = 404 if self.path.endswith("/expired") else 200
        answer = b"expired_url" if status == 404 else b"ok"
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
        if type(self).close_after_answer:
            self.close_connection = True  # closed without saying so: a kept-alive timeout

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def slack() -> Iterator[tuple[str, type[_Slack]]]:
    handler = type("Slack", (_Slack,), {"seen": [], "close_after_answer": False})
    with serving(handler) as port:
        yield f"http://127.0.0.1:{port}/response/T1/abc", handler


def test_posts_the_json_httpx_sent_and_keeps_the_connection(
    slack: tuple[str, type[_Slack]],
) -> None:
    url, handler = slack
    payload = {"text": "Recall “truck 42”", "response_type": "ephemeral", "blocks": []}
    with ResponseUrls(timeout_s=5) as hooks:
        first = hooks.post(url, payload)
        second = hooks.post(url, payload)
    assert (first.status, first.is_error, second.status) == (200, False, 200)
    (one, body, kind), (two, _, _) = handler.seen
    assert body == json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    assert kind == "application/json"
    assert one == two  # one kept-alive connection


def test_a_connection_the_server_closed_is_not_used(slack: tuple[str, type[_Slack]]) -> None:
    url, handler = slack
    handler.close_after_answer = True
    answers = []
    with ResponseUrls(timeout_s=5) as hooks:
        for n in range(3):
            answers.append(hooks.post(url, {"text": str(n)}))
            time.sleep(0.1)  # the server's close reaches the idle connection
    assert [a.status for a in answers] == [200, 200, 200]
    assert [json.loads(body)["text"] for _, body, _ in handler.seen] == ["0", "1", "2"]


def test_a_refusal_is_answered_not_raised(slack: tuple[str, type[_Slack]]) -> None:
    url, _ = slack
    with ResponseUrls(timeout_s=5) as hooks:
        refused = hooks.post(url.replace("/abc", "/expired"), {"text": "late"})
    assert refused.is_error
    assert refused.body == b"expired_url"


@pytest.mark.usefixtures("no_proxy_settings")
def test_the_environments_proxy_carries_the_answer_with_its_credentials(
    slack: tuple[str, type[_Slack]], proxy: tuple[str, type[Proxy]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A deployment whose only way out is a proxy (as slack_sdk's calls take) gets its
    previews: http answers are asked of the proxy as whole URLs, with its credentials."""
    (url, handler), (address, seen_by_proxy) = slack, proxy
    monkeypatch.setenv("HTTP_PROXY", f"http://recallbot:s%3Acret@{address}")
    with ResponseUrls(timeout_s=5) as hooks:
        answer = hooks.post(url, {"text": "through the proxy"})
    assert answer.status == 200
    assert [json.loads(body)["text"] for _, body, _ in handler.seen] == ["through the proxy"]
    credentials = "Basic " + base64.b64encode(b"recallbot:s:cret").decode()
    assert seen_by_proxy.seen == [("POST", url, credentials)]


@pytest.mark.usefixtures("no_proxy_settings")
def test_no_proxy_names_the_hosts_reached_directly(
    slack: tuple[str, type[_Slack]], proxy: tuple[str, type[Proxy]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    (url, handler), (address, seen_by_proxy) = slack, proxy
    monkeypatch.setenv("HTTP_PROXY", f"http://{address}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with ResponseUrls(timeout_s=5) as hooks:
        assert hooks.post(url, {"text": "direct"}).status == 200
    assert len(handler.seen) == 1
    assert seen_by_proxy.seen == []


@pytest.mark.usefixtures("no_proxy_settings")
def test_https_answers_tunnel_through_the_proxy(
    proxy: tuple[str, type[Proxy]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """TLS runs to Slack itself through a CONNECT tunnel; a proxy that refuses the tunnel is
    an error the caller sees (and logs), never a request sent around the proxy."""
    address, seen_by_proxy = proxy
    monkeypatch.setenv("HTTPS_PROXY", f"http://{address}")
    with ResponseUrls(timeout_s=5) as hooks, pytest.raises(OSError, match="403"):
        hooks.post("https://hooks.slack.test/actions/T1/1/abc", {"text": "tunnelled"})
    assert seen_by_proxy.seen == [("CONNECT", "hooks.slack.test:443", None)] * 2  # tried twice
