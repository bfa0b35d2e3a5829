"""Our own Slack: the Web API methods recallbot calls, response URLs, Socket Mode, and a driver.

A real HTTP server on 127.0.0.1. The Web API lives under ``/api/`` (point ``SLACK_API_URL``
there), answers like Slack (``{"ok": false, "error": ...}`` with HTTP 200, 429 with
Retry-After), checks tokens, scopes and channel membership, and records every call with its full
body. Failures can be injected per method (``fail``); channels archived, left by the bot or
deleted (``archive``, ``remove_bot``, ``delete_channel``) answer as Slack does, and such a
change can happen at an exact step (``before_next``); a message to a user id lands in their
direct messages with the bot; every answer to the bot token carries
Slack's ``x-oauth-scopes`` header (the scopes granted). ``response_url``s it hands out are served
at ``/response/<id>``; ``apps.connections.open`` returns a loopback WebSocket for Socket Mode.
The workspace it plays is ``slack_workspace``; the driver sending what Slack sends to an app is
``slack_driver``.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Self
from urllib.parse import parse_qsl

from bot.sandbox.http import HttpReply, HttpRequest, LoopbackServer
from bot.sandbox.slack_driver import SlackDriver
from bot.sandbox.slack_files import FileStore, SharedFile
from bot.sandbox.slack_workspace import (
    CHANNEL_SCOPES,
    KNOWN_SCOPES,
    METHOD_SCOPES,
    Call,
    Failure,
    MissingScope,
    Posted,
    SlackSettings,
    signature_headers,
)
from bot.sandbox.websocket import Connection, WebSocketServer

__all__ = ["MissingScope", "Posted", "SlackSandbox", "SlackSettings", "signature_headers"]

TRIGGER_LIFETIME_S = 3.0  # a trigger_id opens a view only this soon after Slack sent it


def _dm(user: str) -> str:
    """The id of the bot's direct-message conversation with ``user`` (``D`` for ``U``)."""
    return "D" + user[1:]


class SlackSandbox(SlackDriver):
    """The emulated Slack workspace and its Web API server."""

    def __init__(self, settings: SlackSettings | None = None, port: int = 0) -> None:
        self.settings = settings or SlackSettings()
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], Posted] = {}
        self.ephemerals: list[Call] = []
        self.responses: dict[str, list[dict[str, Any]]] = {}
        self.envelope_acks: dict[str, dict[str, Any]] = {}
        self._failures: dict[str, list[Failure]] = {}
        self._before: dict[str, list[Callable[[], None]]] = {}  # method: what happens first
        self._lock = threading.Lock()
        self._ts_lock = threading.Lock()
        self._last_ts = 0.0
        self._server = LoopbackServer(self.handle, port)
        self.files = FileStore(base_url=self._server.url)
        self._sockets = WebSocketServer(self._socket_opened, self._socket_text)
        self._acked = threading.Condition()
        self.scopes_used: set[str] = set()
        self.triggers: dict[str, float] = {}  # trigger_id: when it was handed to the app
        self.views: dict[str, list[dict[str, Any]]] = {}  # view id: its versions
        self.homes: dict[str, list[dict[str, Any]]] = {}  # user: the Home tabs published

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return self._server.url

    @property
    def api_url(self) -> str:
        """The Web API base URL (``SLACK_API_URL``)."""
        return f"{self.url}/api/"

    def start(self) -> Self:
        """Serve in the background."""
        self._server.start()
        self._sockets.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._sockets.stop()
        self._server.stop()
        self.files.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fail(
        self,
        method: str,
        error: str,
        status: int = 200,
        retry_after: int | None = None,
        count: int = 1,
        after_processing: bool = False,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail like Slack would (``after_processing``:
        the call takes effect first, as when Slack's answer is lost on the way back)."""
        with self._lock:
            self._failures.setdefault(method, []).append(
                Failure(error, status, retry_after, count, after_processing)
            )

    def before_next(self, method: str, happening: Callable[[], None]) -> None:
        """Let ``happening`` (a channel archived, ...) take place just before the next call of
        ``method`` is answered: a change in the workspace at an exact step of the app's work."""
        with self._lock:
            self._before.setdefault(method, []).append(happening)

    def archive(self, channel: str) -> None:
        """Someone archives ``channel``: posting in it answers ``is_archived``."""
        with self._lock:
            self.settings.channels[channel]["archived"] = True

    def remove_bot(self, channel: str) -> None:
        """Someone removes the bot from ``channel``: posting answers ``not_in_channel``."""
        with self._lock:
            members = self.settings.channels[channel]["members"]
            members[:] = [m for m in members if m != self.settings.bot_user_id]

    def invite_bot(self, channel: str) -> None:
        """Someone invites the bot into ``channel`` (again): posting there works."""
        with self._lock:
            members = self.settings.channels[channel]["members"]
            if self.settings.bot_user_id not in members:
                members.append(self.settings.bot_user_id)

    def delete_channel(self, channel: str) -> None:
        """An admin deletes ``channel``: every call about it answers ``channel_not_found``
        (``invalid_channel`` for a file shared there)."""
        with self._lock:
            del self.settings.channels[channel]

    def direct_messages(self, user: str) -> list[Posted]:
        """What the bot said to ``user`` in their direct messages with it, oldest first."""
        return self.posted(_dm(user))

    def _next_ts(self) -> str:
        """Like Slack's: the time of posting, in microseconds, unique within the workspace."""
        with self._ts_lock:
            self._last_ts = max(time.time(), self._last_ts + 1e-6)
            return f"{self._last_ts:.6f}"

    # -- the Web API ----------------------------------------------------------------------------

    def handle(self, request: HttpRequest) -> HttpReply:
        """Answer one HTTP request."""
        if request.path.startswith("/response/"):
            return self._response_url(request)
        if request.path.startswith("/upload/"):
            return self.files.upload(request)
        if not request.path.startswith("/api/"):
            return HttpReply(404, b"not found")
        method = request.path.removeprefix("/api/")
        args = self._args(request)
        call = Call(method, args, time.monotonic())
        with self._lock:
            happenings, self._before[method] = self._before.get(method, []), []
        for happening in happenings:
            happening()
        with self._lock:
            self.calls.append(call)
            failures = self._failures.get(method, [])
            failure = failures[0] if failures else None
            if failure is not None:
                failure.count -= 1
                if failure.count <= 0:
                    failures.pop(0)
        if failure is not None:
            if failure.after_processing:
                self._method(method, args, request)
            call.error = failure.error
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            return HttpReply.json({"ok": False, "error": failure.error}, failure.status, **headers)
        answer = self._method(method, args, request)
        if not answer.get("ok"):
            call.error = answer.get("error")
        if args.get("token") != self.settings.bot_token:
            return HttpReply.json(answer)
        # Like Slack, every answer to the bot token says the scopes it holds.
        granted = ",".join(sorted(self.settings.scopes or KNOWN_SCOPES))
        return HttpReply.json(answer, 200, **{"x-oauth-scopes": granted})

    @staticmethod
    def _args(request: HttpRequest) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        kind = request.headers.get("Content-Type", "")
        if request.body and "json" in kind:
            args.update(request.json())
        elif request.body:
            args.update(parse_qsl(request.body.decode()))
        for key in ("blocks", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        auth = request.headers.get("Authorization", "")
        args.setdefault("token", auth.removeprefix("Bearer ").strip())
        return args

    def _method(self, method: str, args: dict[str, Any], request: HttpRequest) -> dict[str, Any]:
        settings = self.settings
        token = args.get("token")
        if method == "apps.connections.open":
            if token != settings.app_token:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": f"{self._sockets.url}/link/?ticket={uuid.uuid4()}"}
        if token != settings.bot_token:
            return {"ok": False, "error": "invalid_auth"}
        needed = self._needed_scope(method, args)
        if needed is not None and not self._granted(needed):
            provided = ",".join(sorted(settings.scopes or ()))
            return {"ok": False, "error": "missing_scope", "needed": needed, "provided": provided}
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        answer: dict[str, Any] = handler(args)
        return answer

    def _needed_scope(self, method: str, args: dict[str, Any]) -> str | None:
        if method in CHANNEL_SCOPES:
            channel = self.settings.channels.get(str(args.get("channel")), {})
            public, private = CHANNEL_SCOPES[method]
            return private if channel.get("private") else public
        return METHOD_SCOPES.get(method)

    def _granted(self, scope: str) -> bool:
        """Whether the app holds ``scope``; every use is remembered for ``scopes_used``."""
        with self._lock:
            self.scopes_used.add(scope)
        return self.settings.scopes is None or scope in self.settings.scopes

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        s = self.settings
        return {
            "ok": True,
            "url": "https://sandbox.slack.com/",
            "team": "Sandbox",
            "user": "recallbot",
            "team_id": s.team_id,
            "user_id": s.bot_user_id,
            "bot_id": s.bot_id,
            "is_enterprise_install": False,
        }

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.settings.users.get(str(args.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        tz = user.get("tz") or None
        return {
            "ok": True,
            "user": {"id": args["user"], "name": user["name"], "tz": tz, "is_bot": False},
        }

    def _membership(self, channel: str, user: str | None = None) -> str | None:
        found = self.settings.channels.get(channel)
        if found is None:
            return "channel_not_found"
        if found.get("archived"):
            return "is_archived"
        if self.settings.bot_user_id not in found["members"]:
            return "not_in_channel"
        if user is not None and user not in found["members"]:
            return "user_not_in_channel"
        return None

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel"))
        if channel in self.settings.users:  # a user id: their direct messages with the bot
            channel = _dm(channel)
        elif error := self._membership(channel):
            return {"ok": False, "error": error}
        thread_ts = args.get("thread_ts") or None
        posted = Posted(
            channel,
            self._next_ts(),
            str(args.get("text", "")),
            list(args.get("blocks") or []),
            thread_ts,
            time.monotonic(),
        )
        with self._lock:
            self.messages[(channel, posted.ts)] = posted
        message = {
            "ts": posted.ts,
            "text": posted.text,
            "blocks": posted.blocks,
            "user": self.settings.bot_user_id,
            "bot_id": self.settings.bot_id,
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
        return {"ok": True, "channel": channel, "ts": posted.ts, "message": message}

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.files.get_upload_url(args)

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.files.complete(args, self._share)

    def _files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.files.info(args)

    def _share(
        self, channel: str, text: str, thread_ts: str | None, files: list[SharedFile]
    ) -> str | dict[str, Any]:
        """The message that shares uploaded files (its ts), or why it cannot be posted."""
        error = self._membership(channel)
        if error:
            return {"ok": False, "error": "invalid_channel" if error == "channel_not_found"
                    else error}  # fmt: skip
        posted = Posted(channel, self._next_ts(), text, [], thread_ts, time.monotonic(),
                        files=[f.id for f in files])  # fmt: skip
        with self._lock:
            self.messages[(channel, posted.ts)] = posted
        return posted.ts

    def shared_files(self, channel: str, thread_ts: str | None = None) -> list[SharedFile]:
        """The files shared in a channel (in one thread, when given), oldest first."""
        found = [f for f in self.files.files.values() if f.channel == channel
                 and (thread_ts is None or f.thread_ts == thread_ts)]  # fmt: skip
        return sorted(found, key=lambda f: f.shared_at or 0.0)

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args.get("channel")), str(args.get("ts")))
        found = self.settings.channels.get(key[0])
        if found is None or found.get("archived"):
            return {"ok": False, "error": "channel_not_found" if found is None else "is_archived"}
        posted = self.messages.get(key)
        if posted is None:
            return {"ok": False, "error": "message_not_found"}
        text, new_blocks = str(args.get("text", "")), list(args.get("blocks") or [])
        with self._lock:
            posted.edits.append((time.monotonic(), text, new_blocks))
            posted.text, posted.blocks = text, new_blocks
        return {"ok": True, "channel": key[0], "ts": key[1], "text": text}

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args.get("channel")), str(args.get("ts")))
        with self._lock:
            posted = self.messages.get(key)
            if posted is None or posted.user is not None:  # a bot deletes only its own
                return {"ok": False, "error": "message_not_found" if posted is None
                        else "cant_delete_message"}  # fmt: skip
            del self.messages[key]
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        error = self._membership(str(args.get("channel")), str(args.get("user")))
        if error:
            return {"ok": False, "error": error}
        with self._lock:
            self.ephemerals.append(Call("chat.postEphemeral", args, time.monotonic()))
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel")), str(args.get("message_ts"))
        if (channel, ts) not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"https://sandbox.slack.com/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        members = self.settings.usergroups.get(str(args.get("usergroup")))
        if members is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(members)}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel"))
        found = self.settings.channels.get(channel)
        if found is None:
            return {"ok": False, "error": "channel_not_found"}
        private = bool(found.get("private"))
        member = self.settings.bot_user_id in found["members"]
        return {"ok": True, "channel": {"id": channel, "name": found["name"], "is_channel": True,
                                        "is_private": private, "is_member": member}}  # fmt: skip

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel")), str(args.get("ts"))
        error = self._membership(channel)
        if error:
            return {"ok": False, "error": error}
        with self._lock:
            thread = [m for m in self.messages.values() if m.channel == channel
                      and (m.ts == ts or m.thread_ts == ts)]  # fmt: skip
        if not any(m.ts == ts for m in thread):
            return {"ok": False, "error": "thread_not_found"}
        limit = int(args.get("limit") or 1000)
        shown = sorted(thread, key=lambda m: float(m.ts))[:limit]
        s = self.settings
        return {"ok": True, "messages": [m.as_slack(s.bot_user_id, s.bot_id) for m in shown],
                "has_more": len(thread) > limit}  # fmt: skip

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel"))
        error = self._membership(channel)
        if error:
            return {"ok": False, "error": error}
        oldest = float(args.get("oldest") or 0)
        with self._lock:
            top = [m for m in self.messages.values() if m.channel == channel
                   and m.thread_ts in (None, m.ts) and float(m.ts) >= oldest]  # fmt: skip
        limit = int(args.get("limit") or 100)
        shown = sorted(top, key=lambda m: float(m.ts), reverse=True)[:limit]
        s = self.settings
        return {"ok": True, "messages": [m.as_slack(s.bot_user_id, s.bot_id) for m in shown],
                "has_more": len(top) > limit}  # fmt: skip

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        issued = self.triggers.get(str(args.get("trigger_id")))
        if issued is None:
            return {"ok": False, "error": "invalid_trigger_id"}
        if time.monotonic() - issued > TRIGGER_LIFETIME_S:
            return {"ok": False, "error": "expired_trigger_id"}
        return {"ok": True, "view": self._store_view(f"V{uuid.uuid4().hex[:8].upper()}", args)}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = str(args.get("view_id"))
        versions = self.views.get(view_id)
        if not versions:
            return {"ok": False, "error": "not_found"}
        if args.get("hash") and args["hash"] != versions[-1]["hash"]:
            return {"ok": False, "error": "hash_conflict"}
        return {"ok": True, "view": self._store_view(view_id, args)}

    def _store_view(self, view_id: str, args: dict[str, Any]) -> dict[str, Any]:
        view = {**args["view"], "id": view_id, "hash": uuid.uuid4().hex[:12]}
        with self._lock:
            self.views.setdefault(view_id, []).append(view)
        return view

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user_id"))
        if user not in self.settings.users:
            return {"ok": False, "error": "user_not_found"}
        view = {**args["view"], "id": f"V{uuid.uuid4().hex[:8].upper()}"}
        with self._lock:
            self.homes.setdefault(user, []).append(view)
        return {"ok": True, "view": view}

    # -- response_url -----------------------------------------------------------------------------

    def response_url(self) -> str:
        """A new response_url (as Slack attaches to commands and interactions)."""
        key = uuid.uuid4().hex
        with self._lock:
            self.responses[key] = []
        return f"{self.url}/response/{key}"

    def _response_url(self, request: HttpRequest) -> HttpReply:
        key = request.path.removeprefix("/response/")
        if key not in self.responses:
            return HttpReply(404, b"no such response_url")
        payload = request.json() | {"_at": time.monotonic()}
        with self._lock:
            self.responses[key].append(payload)
        return HttpReply(200, b"ok", {"Content-Type": "text/plain"})

    def responses_to(self, response_url: str) -> list[dict[str, Any]]:
        """What the app sent to a response_url, in order."""
        return self.responses.get(response_url.rsplit("/", 1)[-1], [])

    # -- Socket Mode ------------------------------------------------------------------------------

    def _socket_opened(self, connection: Connection) -> None:
        hello = {
            "type": "hello",
            "num_connections": len(self._sockets.connections),
            "connection_info": {"app_id": "A0SANDBOX"},
            "debug_info": {"host": "sandbox"},
        }
        connection.send_text(json.dumps(hello))

    def _socket_text(self, connection: Connection, text: str) -> None:
        message = json.loads(text)
        if "envelope_id" in message:
            with self._acked:
                self.envelope_acks[message["envelope_id"]] = message.get("payload") or {}
                self._acked.notify_all()

    def socket_connected(self) -> bool:
        """Whether an app is connected over Socket Mode."""
        return bool(self._sockets.connections)

    def send_envelope(
        self, kind: str, payload: dict[str, Any], timeout: float = 10.0
    ) -> dict[str, Any]:
        """Deliver a payload over Socket Mode and wait for the app's ack (its payload)."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        self._sockets.connections[-1].send_text(json.dumps(envelope))
        with self._acked:
            if not self._acked.wait_for(lambda: envelope_id in self.envelope_acks, timeout):
                raise TimeoutError("the app did not ack the envelope")
            return self.envelope_acks[envelope_id]

    # -- looking at the workspace -----------------------------------------------------------------

    def posted(self, channel: str | None = None) -> list[Posted]:
        """Messages the bot posted (optionally in one channel), oldest first."""
        with self._lock:
            found = [m for m in self.messages.values()
                     if m.user is None and (channel is None or m.channel == channel)]  # fmt: skip
        return sorted(found, key=lambda m: float(m.ts))

    def say(self, channel: str, user: str, text: str, thread_ts: str | None = None) -> Posted:
        """A person (or another bot's user) posts a message, e.g. an alert to start a thread."""
        said = Posted(channel, self._next_ts(), text, [], thread_ts, time.monotonic(), user=user)
        with self._lock:
            self.messages[(channel, said.ts)] = said
        return said

    def view(self, view_id: str) -> dict[str, Any]:
        """The latest version of a view the app opened."""
        with self._lock:
            return self.views[view_id][-1]

    def opened_views(self) -> list[str]:
        """The ids of every view the app opened, oldest first."""
        with self._lock:
            return list(self.views)

    def thread(self, channel: str, ts: str) -> list[Posted]:
        """Replies in a thread."""
        return [m for m in self.posted(channel) if m.thread_ts == ts]

    def calls_of(self, method: str) -> list[Call]:
        """Every call of one method."""
        with self._lock:
            return [c for c in self.calls if c.method == method]
