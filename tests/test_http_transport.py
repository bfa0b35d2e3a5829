"""httpx's client over kept-alive ``http.client`` connections (``bot.plumbing.http_transport``):
the request as httpx built it, the answer as httpx reads it, and httpx's errors where a
create's safety depends on them (nothing sent, or maybe sent)."""

from __future__ import annotations

import base64
import gzip
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import httpx
import pytest

from bot.plumbing.http_transport import KeptAliveTransport
from bot.sandbox.motive import MotiveSandbox
from tests.conftest import client_for
from tests.loopback_http import Proxy, raw_serving, read_request, serving


class _Server(BaseHTTPRequestHandler):
    """Answers ``/echo`` with what it was sent (gzipped when the path says so), hangs up on
    ``/hangup`` after reading the request, and answers ``/slow`` after a second."""

    protocol_version = "HTTP/1.1"
    connections: ClassVar[list[int]] = []
    arrived: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self._answer(b"")

    def do_POST(self) -> None:
        self._answer(self.rfile.read(int(self.headers["Content-Length"])))

    def _answer(self, body: bytes) -> None:
        type(self).connections.append(id(self.connection))
        type(self).arrived.append(self.path)
        if self.path.startswith("/hangup"):
            self.close_connection = True
            return
        if self.path.startswith("/slow"):
            time.sleep(1.0)
        seen = {"method": self.command, "path": self.path, "body": body.decode(),
                "headers": {k.lower(): v for k, v in self.headers.items()}}  # fmt: skip
        content = json.dumps(seen).encode()
        self.send_response(201, "Made")
        if self.path.startswith("/echo/gzip"):
            content = gzip.compress(content)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Server]]]:
    handler = type("Server", (_Server,), {"connections": [], "arrived": []})
    with serving(handler) as port:
        yield f"http://127.0.0.1:{port}", handler


def _client(base: str, transport: KeptAliveTransport, **timeouts: float) -> httpx.Client:
    timeout = httpx.Timeout(timeouts.get("read", 5.0), pool=timeouts.get("pool", 5.0))
    return httpx.Client(base_url=base, transport=transport, timeout=timeout, trust_env=False)


def test_the_request_goes_as_httpx_built_it_and_the_answer_reads_as_httpx_reads_it(
    server: tuple[str, type[_Server]],
) -> None:
    base, handler = server
    with _client(base, KeptAliveTransport(max_connections=2)) as client:
        posted = client.post("/echo?a=1&b=%C3%A9", json={"vehicle": "42"},
                             headers={"Authorization": "Bearer k"})  # fmt: skip
        zipped = client.get("/echo/gzip", params={"number": "TX 4471"})
    answer = (posted.status_code, posted.reason_phrase, posted.http_version)
    assert answer == (201, "Made", "HTTP/1.1")
    seen = posted.json()
    assert (seen["method"], seen["path"]) == ("POST", "/echo?a=1&b=%C3%A9")
    assert json.loads(seen["body"]) == {"vehicle": "42"}
    assert seen["headers"]["host"] == base.removeprefix("http://")
    assert seen["headers"]["authorization"] == "Bearer k"
    assert seen["headers"]["content-type"] == "application/json"
    assert zipped.json()["path"] == "/echo/gzip?number=TX+4471"  # decoded by httpx as ever
    assert handler.connections[0] == handler.connections[1]  # one kept-alive connection


def test_a_connection_the_server_closed_is_not_used(server: tuple[str, type[_Server]]) -> None:
    """The server hangs up once; the next request goes on a new connection, never failing
    (and never sent twice)."""
    base, handler = server
    with _client(base, KeptAliveTransport(max_connections=2)) as client:
        client.get("/echo")
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/hangup")
        time.sleep(0.1)
        assert client.get("/echo").status_code == 201
    assert handler.arrived == ["/echo", "/hangup", "/echo"]


def test_nothing_listening_is_a_connect_error_nothing_was_sent() -> None:
    with serving(_Server) as port:
        pass  # the port is free again: nothing listens there
    with (
        _client(f"http://127.0.0.1:{port}", KeptAliveTransport(max_connections=1)) as client,
        pytest.raises(httpx.ConnectError),
    ):
        client.get("/echo")


def test_an_answer_that_never_comes_is_a_read_timeout(server: tuple[str, type[_Server]]) -> None:
    base, handler = server
    with (
        _client(base, KeptAliveTransport(max_connections=1), read=0.2) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.get("/slow")
    assert handler.arrived == ["/slow"]  # it was sent: a create here may have arrived


def test_no_more_than_max_connections_at_once_then_a_pool_timeout(
    server: tuple[str, type[_Server]],
) -> None:
    """A request waits for a slot as long as the pool timeout, and says so if none comes."""
    base, handler = server
    transport = KeptAliveTransport(max_connections=1)
    with _client(base, transport, pool=0.2) as client:
        slow = threading.Thread(target=client.get, args=("/slow",))
        slow.start()
        time.sleep(0.2)
        with pytest.raises(httpx.PoolTimeout):
            client.get("/echo")
        slow.join()
        assert client.get("/echo").status_code == 201  # the slot came back
    assert handler.arrived == ["/slow", "/echo"]


@pytest.mark.usefixtures("no_proxy_settings")
def test_motives_calls_take_the_environments_proxy_with_its_credentials(
    sandbox: MotiveSandbox, proxy: tuple[str, type[Proxy]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deployment whose only way out is a proxy reaches Motive through it (the client's
    own environment reading is off: it would send around this transport)."""
    address, seen_by_proxy = proxy
    monkeypatch.setenv("HTTP_PROXY", f"http://recallbot:s%3Acret@{address}")
    with client_for(sandbox) as client:
        assert client.quota().quota_info
    credentials = "Basic " + base64.b64encode(b"recallbot:s:cret").decode()
    assert seen_by_proxy.seen == [("GET", f"{sandbox.api_url}/video_recall_requests/quota",
                                   credentials)]  # fmt: skip


@pytest.mark.usefixtures("no_proxy_settings")
def test_no_proxy_names_motive_reached_directly(
    sandbox: MotiveSandbox, proxy: tuple[str, type[Proxy]], monkeypatch: pytest.MonkeyPatch
) -> None:
    address, seen_by_proxy = proxy
    monkeypatch.setenv("ALL_PROXY", f"http://{address}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with client_for(sandbox) as client:
        assert client.quota().quota_info
    assert seen_by_proxy.seen == []


def _answering(*answers: bytes) -> Callable[[socket.socket], None]:
    """A raw server's way with a connection: each request in turn gets the next of
    ``answers`` (sent as they are), until the client closes; what arrived is kept in
    ``arrived`` of the returned function."""
    arrived: list[bytes] = []

    def answer(connection: socket.socket) -> None:
        while request := read_request(connection):
            arrived.append(request)
            connection.sendall(answers[min(len(arrived), len(answers)) - 1])

    answer.arrived = arrived  # type: ignore[attr-defined]
    return answer


def _raw_client(port: int) -> httpx.Client:
    return _client(f"http://127.0.0.1:{port}", KeptAliveTransport(max_connections=1), read=2.0)


def test_an_interim_answer_is_never_taken_for_the_answer_nor_left_for_the_next_request() -> None:
    """103 Early Hints then the create's 201: http.client cannot read past it, so the request
    reads as sent with its answer lost (a create is then reconciled), and the connection, with
    the 201 still on it, is closed rather than handed to the next request."""
    created = b'{"id":"recall-1"}'
    answer = _answering(
        b"HTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\n\r\n"
        b"HTTP/1.1 201 Created\r\nContent-Length: 17\r\n\r\n" + created,
        b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n" + b'{"mine":true}',
    )
    with raw_serving(answer) as port, _raw_client(port) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="103"):
            client.post("/v1/video_recall_requests", json={"vehicle_number": "42"})
        assert client.get("/v1/video_recall_requests/other").json() == {"mine": True}


def test_the_answer_reads_as_it_came_header_bytes_and_version() -> None:
    answer = _answering(b"HTTP/1.0 200 OK\r\nX-Depot: Caf\xe9 Nord\r\nContent-Length: 2\r\n\r\nok")
    with raw_serving(answer) as port, _raw_client(port) as client:
        got = client.get("/")
    assert got.headers.raw[0] == (b"X-Depot", b"Caf\xe9 Nord")
    assert (got.http_version, got.text) == ("HTTP/1.0", "ok")


def test_a_streamed_body_goes_in_chunks() -> None:
    answer = _answering(b"HTTP/1.1 204 No Content\r\n\r\n")
    with raw_serving(answer) as port, _raw_client(port) as client:
        assert client.post("/", content=iter([b"hello ", b"world"])).status_code == 204
    (sent,) = answer.arrived  # type: ignore[attr-defined]
    assert sent.lower().endswith(b"\r\n\r\nb\r\nhello world\r\n0\r\n\r\n")  # 11 bytes, then none


def test_a_header_that_cannot_be_sent_is_refused_without_quoting_it(
    server: tuple[str, type[_Server]],
) -> None:
    """An API key read from a file with its line end: a protocol error the client's rules
    read as such, whose text (and chain) does not carry the key."""
    base, handler = server
    with (
        _client(base, KeptAliveTransport(max_connections=1)) as client,
        pytest.raises(httpx.LocalProtocolError) as refused,
    ):
        client.get("/echo", headers={"X-Api-Key": "k-secret\n"})
    assert "k-secret" not in str(refused.value)
    assert refused.value.__cause__ is None
    assert refused.value.__suppress_context__  # the ValueError quoting it is not shown
    assert handler.arrived == []


@pytest.mark.usefixtures("no_proxy_settings")
@pytest.mark.parametrize(
    ("setting", "said"),
    [("socks5://127.0.0.1:1080", "socksio"), ("https://127.0.0.1:1", None)],
)
def test_a_proxy_http_client_cannot_speak_to_is_httpxs_and_never_sent_around(
    server: tuple[str, type[_Server]],
    setting: str,
    said: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """TLS to the proxy, or socks5: httpx's own transport takes them, as before this one
    (socks5 needs httpx's extra, and says so); the request never goes around the proxy."""
    base, handler = server
    monkeypatch.setenv("ALL_PROXY", setting)
    with (
        _client(base, KeptAliveTransport(max_connections=1)) as client,
        pytest.raises(httpx.ConnectError, match=said),
    ):
        client.get("/echo")
    assert handler.arrived == []
