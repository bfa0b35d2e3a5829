"""``recallbot run``: the Slack app with its tracker, in Socket Mode or over HTTP.

It reports through its log (stderr, ``RECALLBOT_LOG_LEVEL`` and ``RECALLBOT_LOG_FORMAT``), not
stdout: a service manager or a container collects that."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from types import FrameType
from typing import TextIO

from bot.cli.request import require_credentials
from bot.config import SetupError, get_settings
from bot.phrase import warm_up
from bot.plumbing.lineage import die_with_named_parent
from bot.plumbing.serving import Served, serve_in_background
from bot.slack.app import RecallbotApp

_log = logging.getLogger("recallbot.run")


def run_app(args: argparse.Namespace, out: TextIO) -> int:
    """Serve until SIGTERM or Ctrl-C (or until the process that started it ends, when it
    asked for that: ``lineage``)."""
    die_with_named_parent()
    settings = get_settings()
    require_credentials(settings)
    socket_mode = not args.http
    if socket_mode and settings.slack_app_token is None:
        raise SetupError(
            "set SLACK_APP_TOKEN (xapp-...) for Socket Mode, or pass --http to serve "
            "/slack/events over HTTP"
        )
    warm_up()  # a long-running process: pay dateparser's first use before the first /recall
    app = RecallbotApp.build(settings, socket_mode=socket_mode)
    _log.info("Slack accepted the bot token: team %s, bot user %s",
              app.slack_auth["team"], app.slack_auth["bot_user"])  # fmt: skip
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    app.start()
    served: Served | None = None
    socket = None
    try:
        if args.http or args.port is not None:
            served = serve_in_background(app.wsgi(), args.host, args.port or 3000, threads=16,
                                         limits=settings.http_front())  # fmt: skip
            paths = "/slack/events, " if args.http else ""
            _log.info("serving on %s (%s/motive/webhook, /healthz, /readyz, /metrics)",
                      served.url, paths)  # fmt: skip
        if socket_mode:
            socket = app.socket_mode()
            socket.connect()  # type: ignore[no-untyped-call]  # slack_bolt leaves it untyped
            _log.info("connected to Slack in Socket Mode")
        stopping.wait()
    finally:
        if socket is not None:
            socket.close()  # type: ignore[no-untyped-call]
        if served is not None:
            served.close()
        app.close()
        _log.info("stopped")
    return 0
