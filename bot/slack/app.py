"""The Slack app: a synchronous Bolt ``App`` wired to the core, served with its tracker.

HTTP mode serves one WSGI app on waitress (``/slack/events`` for Slack, ``/motive/webhook`` and
``/healthz`` for the tracker); Socket Mode (the default for internal tools, when an app token is
set) needs no public URL, and can still serve the webhook and health check on a port.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings
from bot.plumbing.background import Background
from bot.policy import Gate
from bot.runtime import Runtime
from bot.slack.desk import SlackDesk, UserZones
from bot.slack.directory import SlackDirectory
from bot.slack.forms import FormDesk
from bot.slack.home import HomeDesk
from bot.slack.notify import SlackNotifier, SlackPoster, SurfaceNotifier
from bot.tracking.health import Health
from bot.tracking.notifier import ConsoleNotifier
from bot.tracking.tracker import Tracker
from bot.tracking.webhook import webhook_app
from handlers import Deps, register

_log = logging.getLogger("recallbot.app")


def slack_client(settings: Settings) -> WebClient:
    """A WebClient that retries 429s (honouring Retry-After) and Slack's server errors."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def _modal_key(settings: Settings) -> bytes:
    """The key that seals modal contexts: derived from the signing secret, so a modal opened
    before a restart still submits; random per process where there is no such secret."""
    secret = settings.slack_signing_secret
    if secret is None:
        return secrets.token_bytes(32)
    seed = b"recallbot modal context\0" + secret.get_secret_value().encode()
    return hashlib.sha256(seed).digest()


@dataclass
class RecallbotApp:
    """The Bolt app, the core it calls, and the tracker answering in threads."""

    bolt: App
    desk: SlackDesk
    tracker: Tracker
    runtime: Runtime
    deps: Deps

    @classmethod
    def build(cls, settings: Settings) -> RecallbotApp:
        """Everything from settings (tokens and secrets must be set)."""
        if settings.slack_bot_token is None or settings.slack_signing_secret is None:
            raise ValueError("set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET")
        runtime = Runtime.open(settings, webhooks=settings.motive_webhook_secret is not None)
        client = slack_client(settings)
        bolt = App(
            signing_secret=settings.slack_signing_secret.get_secret_value(),
            client=client,
            process_before_response=True,  # listeners ack and hand off (bot.plumbing.background)
        )
        poster = SlackPoster(client, settings.slack_post_rate_per_s, settings.slack_response_urls)
        default = settings.default_zone
        slack = SlackNotifier(poster, default, latest=runtime.store.recalls.get)
        tracker = runtime.tracker(SurfaceNotifier(slack, ConsoleNotifier(sys.stdout, default)))
        zones = UserZones(client, default)
        gate = Gate(settings.policy(), SlackDirectory(client), runtime.store.audit.add)
        desk = SlackDesk(runtime, poster, zones, gate, settings.confirm, wake=tracker.wake,
                         show_status=slack.status_changed)  # fmt: skip
        workers = settings.slack_workers
        forms = FormDesk(desk, _modal_key(settings))
        deps = Deps(desk, poster, runtime.store, forms, HomeDesk(desk),
                    checks=Background("checks", workers, False),
                    requests=Background("requests", workers, True))  # fmt: skip
        slack.on_change = lambda recall: deps.checks.run(
            lambda: deps.home.changed(recall.requested_by)
        )  # the tracker does not wait for it
        register(bolt, deps)
        return cls(bolt, desk, tracker, runtime, deps)

    def wsgi(self) -> WSGIApplication:
        """One WSGI app: Slack at /slack/events; the Motive webhook and health check beside it."""
        slack = SlackRequestHandler(self.bolt, path="/slack/events")
        secret = self.runtime.settings.motive_webhook_secret
        loops = {"checks": self.deps.checks.health, "requests": self.deps.requests.health}
        motive = webhook_app(
            self.tracker,
            secret.get_secret_value() if secret else None,
            self.runtime.client.config.shapes.status_words,
            Health(self.runtime.store, self.tracker, loops),
        )

        def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
            if environ.get("PATH_INFO") == "/slack/events":
                return slack(environ, start_response)
            return motive(environ, start_response)

        return app

    def socket_mode(self) -> SocketModeHandler:
        """A Socket Mode connection for this app (needs SLACK_APP_TOKEN)."""
        token = self.runtime.settings.slack_app_token
        if token is None:
            raise ValueError("Socket Mode needs SLACK_APP_TOKEN (an xapp-... token)")
        web = WebClient(base_url=self.runtime.settings.slack_api_url)
        return SocketModeHandler(self.bolt, token.get_secret_value(), web_client=web)

    def close(self) -> None:
        """After the listeners stopped: finish requests (previews still queued are told to ask
        again), stop the tracker and release everything."""
        self.deps.checks.close()
        self.deps.requests.close()
        self.tracker.stop()
        self.runtime.close()
