"""The Slack app: a synchronous Bolt ``App`` wired to the core, served with its tracker.

HTTP mode serves one WSGI app on waitress (``/slack/events`` for Slack, ``/motive/webhook`` and
``/healthz`` for the tracker); Socket Mode (the default for internal tools, when an app token is
set) needs no public URL, and can still serve the webhook and health check on a port.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.config import Settings, SetupError
from bot.look.follower import CaptureFollower
from bot.look.notifier import LogLookNotifier
from bot.plumbing.background import Background
from bot.plumbing.priority import Priority, UrgentBackground, YieldingBackground
from bot.runtime import Runtime
from bot.slack.alerts import Alerting
from bot.slack.client import check_auth, retry_handlers, slack_client
from bot.slack.desk import SlackDesk
from bot.slack.footage import FootageDesk, FootageLoop
from bot.slack.forms import FormDesk
from bot.slack.home import HomeDesk
from bot.slack.look_notify import SlackLookNotifier, SurfaceLookNotifier
from bot.slack.looks import LookDesk
from bot.slack.notify import SlackNotifier, SurfaceNotifier
from bot.slack.observe import observe
from bot.slack.previews import PreviewProcesses, Previews, SlackParts, shared_for
from bot.tracking.health import Health
from bot.tracking.notifier import LogNotifier
from bot.tracking.retention import Retention, RetentionDays
from bot.tracking.tracker import Tracker
from bot.tracking.webhook import webhook_app
from handlers import Deps, register

_log = logging.getLogger("recallbot.app")


def missing_slack(settings: Settings, socket_mode: bool) -> list[str]:
    """A line per token this mode needs and lacks (the signing secret only verifies HTTP
    requests), each saying where Slack shows it."""
    missing = []
    if settings.slack_bot_token is None:
        missing.append("set SLACK_BOT_TOKEN (xoxb-…): the app's OAuth & Permissions page")
    if socket_mode and settings.slack_app_token is None:
        missing.append(
            "set SLACK_APP_TOKEN (xapp-…, with connections:write) for Socket Mode: the app's "
            "Basic Information page (or, for HTTP mode, SLACK_SIGNING_SECRET)"
        )
    if not socket_mode and settings.slack_signing_secret is None:
        missing.append("set SLACK_SIGNING_SECRET for HTTP mode: the app's Basic Information page")
    return missing


def _require_slack(settings: Settings, socket_mode: bool) -> None:
    """``SetupError`` listing every token this mode lacks."""
    missing = missing_slack(settings, socket_mode)
    if missing:
        raise SetupError("\n".join(missing))


def _bolt(settings: Settings) -> App:
    """The Bolt app, given the bot token once. Bolt makes its own client from it (used for
    authorization and ``say``); it is pointed at the same Slack, with the same retries."""
    secret = settings.slack_signing_secret
    token = settings.slack_bot_token
    bolt = App(
        token=token.get_secret_value() if token else None,
        signing_secret=secret.get_secret_value() if secret else "",
        token_verification_enabled=False,  # check_auth did it, with a clear error
        process_before_response=True,  # listeners ack and hand off (bot.plumbing.background)
        logger=logging.getLogger("recallbot.bolt"),
    )
    bolt.client.base_url = settings.slack_api_url
    bolt.client.retry_handlers = retry_handlers()
    return bolt


def _modal_key(settings: Settings) -> bytes:
    """The key that seals modal contexts: derived from a secret the app always has (the signing
    secret over HTTP, else the bot token), so a modal opened before a restart still submits."""
    secret = settings.slack_signing_secret or settings.slack_bot_token
    assert secret is not None  # noqa: S101 - _require_slack checked the bot token
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
    slack_auth: dict[str, str]  # auth.test at start: the workspace and the bot user
    footage: FootageLoop
    notifier: SlackNotifier  # its standing: whether Slack refuses the app's setup since
    retention: Retention
    alerting: Alerting | None = None  # RECALLBOT_ALERTS_CHANNEL set
    looks: CaptureFollower | None = None  # follows runtime.look's captures to their answers
    look_notifier: SlackLookNotifier | None = None  # its Slack side (closed with it)

    @classmethod
    def build(
        cls, settings: Settings, socket_mode: bool = False, preview_processes: int = 0
    ) -> RecallbotApp:
        """Everything from settings; ``SetupError`` naming what is missing or wrong (tokens,
        or a Slack that refuses the token or cannot be reached: checked here, at start).
        ``preview_processes``: processes to check previews in (``recallbot run``'s
        ``RECALLBOT_PREVIEW_PROCESSES``; 0, the app's threads)."""
        _require_slack(settings, socket_mode)
        client = slack_client(settings)
        auth = check_auth(client)
        # with RECALLBOT_CONFIRM=never a preview is the Request: it stays with the tracker
        processes = preview_processes if settings.confirm == "always" else 0
        shared = shared_for(settings) if processes else None
        runtime = Runtime.open(settings, webhooks=settings.motive_webhook_secret is not None,
                               shared=shared)  # fmt: skip
        bolt = _bolt(settings)
        poster, zones, directory, gate = SlackParts.of(settings, client, runtime)
        default = settings.default_zone
        slack = SlackNotifier(poster, default, latest=runtime.store.recalls.get,
                              group=runtime.store.recalls.sharing_status)  # fmt: skip
        tracker = runtime.tracker(SurfaceNotifier(slack, LogNotifier()))
        runtime.look.gate = gate
        look_notifier = SlackLookNotifier(poster, runtime.store.captures, settings,
                                          slack.standing)  # fmt: skip
        looks = runtime.follower(SurfaceLookNotifier(look_notifier, LogLookNotifier()))
        desk = SlackDesk(runtime, poster, zones, gate, settings.confirm, wake=tracker.wake,
                         show_status=slack.status_changed)  # fmt: skip
        workers, clicks_first = settings.slack_workers, Priority()
        forms = FormDesk(desk, _modal_key(settings))
        footage_desk = FootageDesk(settings, runtime.store, client, poster, runtime.client,
                                   directory)  # fmt: skip
        alerting = Alerting.build(settings, desk, footage_desk) if settings.alerts_channel else None
        checks = YieldingBackground("checks", workers, False, clicks_first)
        deps = Deps(desk, poster, runtime.store, forms, HomeDesk(desk), checks=checks,
                    requests=UrgentBackground("requests", workers, True, clicks_first),
                    looks=LookDesk(runtime, poster, zones, look_notifier, settings.max_targets),
                    records=Background("records", 1, True),
                    previews=(PreviewProcesses(desk, checks, settings, processes, shared)
                              if shared else Previews(desk, checks)),
                    alerts=alerting.desk if alerting else None)  # fmt: skip
        slack.on_change = lambda recall: deps.checks.run(
            lambda: deps.home.changed(recall.requested_by)
        )  # the tracker does not wait for it
        observe(bolt, poster)
        register(bolt, deps)
        footage = FootageLoop(runtime.store, footage_desk, settings.media_workers)
        retention = Retention(runtime.store, RetentionDays(
            settings.alert_retention_days, settings.audit_retention_days,
            settings.draft_retention_days))  # fmt: skip
        return cls(bolt, desk, tracker, runtime, deps, auth, footage, slack, retention, alerting,
                   looks, look_notifier)  # fmt: skip

    def start(self) -> None:
        """Start following recalls, putting their footage in threads and posting alerts."""
        self.tracker.start()
        if self.looks is not None:
            self.looks.start()
        self.footage.start()
        self.retention.start()
        if self.alerting is not None:
            self.alerting.start()

    def wsgi(self) -> WSGIApplication:
        """One WSGI app: Slack at /slack/events; the Motive webhook, health and metrics beside
        it (``bot.tracking.webhook``)."""
        slack = SlackRequestHandler(self.bolt, path="/slack/events")
        secret = self.runtime.settings.motive_webhook_secret
        deps = self.deps
        loops = {
            "checks": lambda: deps.checks.health() | {"previews": deps.previews.health()},
            "requests": deps.requests.health,
            "footage": self.footage.health,
            "retention": self.retention.health,
        }
        if self.alerting is not None:
            loops["alerts"] = self.alerting.health
        if self.looks is not None:
            follower, after = self.looks, self.runtime.settings.stall_after_s
            loops["captures"] = lambda: follower.health(after)
        motive = webhook_app(
            self.tracker,
            secret.get_secret_value() if secret else None,
            self.runtime.client.config.shapes.status_words,
            Health(self.runtime.store, self.tracker, loops, self.slack_auth,
                   self.notifier.standing.health),
            queues={
                "checks": lambda: deps.checks.pending + deps.previews.pending,
                "requests": lambda: deps.requests.pending,
                "media": lambda: self.footage.pool.pending,
            },
            inbox=self.alerting.inbox if self.alerting else None,
            event_shapes=self.runtime.client.config.shapes.events,
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
            raise SetupError("Socket Mode needs SLACK_APP_TOKEN (an xapp-... token)")
        web = WebClient(base_url=self.runtime.settings.slack_api_url)
        return SocketModeHandler(self.bolt, token.get_secret_value(), web_client=web)

    def close(self) -> None:
        """After the listeners stopped: finish requests (previews still queued are told to ask
        again), stop the tracker and release everything."""
        self.deps.previews.close()  # its fallbacks and failures go to the checks pool
        self.deps.checks.close()
        self.deps.requests.close()
        self.deps.records.close()
        self.footage.desk.stop()  # downloads and encodes under way leave off now
        if self.alerting is not None:
            self.alerting.close()
        self.retention.close()
        self.footage.close()
        self.tracker.stop()
        if self.looks is not None:
            self.looks.close()
        if self.look_notifier is not None:
            self.look_notifier.close()
        self.deps.poster.close()
        self.runtime.close()
