"""``recallbot run``: the Slack app with its tracker, in Socket Mode or over HTTP."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType
from typing import TextIO

from bot.cli.request import require_credentials
from bot.config import get_settings
from bot.phrase import warm_up
from bot.plumbing.serving import Served, serve_in_background
from bot.slack.app import RecallbotApp


def run_app(args: argparse.Namespace, out: TextIO) -> int:
    """Serve until SIGTERM or Ctrl-C."""
    settings = get_settings()
    require_credentials(settings)
    if not args.http and settings.slack_app_token is None:
        raise SystemExit(
            "recallbot run: set SLACK_APP_TOKEN for Socket Mode, or pass --http to serve "
            "/slack/events over HTTP"
        )
    warm_up()  # a long-running process: pay dateparser's first use before the first /recall
    app = RecallbotApp.build(settings)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    app.tracker.start()
    served: Served | None = None
    socket = None
    try:
        if args.http or args.port is not None:
            served = serve_in_background(app.wsgi(), args.host, args.port or 3000, threads=16)
            paths = "/slack/events, " if args.http else ""
            out.write(f"recallbot on {served.url} ({paths}/motive/webhook, /healthz)\n")
        if not args.http:
            socket = app.socket_mode()
            socket.connect()  # type: ignore[no-untyped-call]  # slack_bolt leaves it untyped
            out.write("recallbot connected to Slack in Socket Mode\n")
        out.flush()
        stopping.wait()
    finally:
        if socket is not None:
            socket.close()  # type: ignore[no-untyped-call]
        if served is not None:
            served.close()
        app.close()
        out.write("stopped\n")
    return 0
