"""``recallbot run``: the Slack app with its tracker, in Socket Mode or over HTTP.

It reports through its log (stderr, ``RECALLBOT_LOG_LEVEL`` and ``RECALLBOT_LOG_FORMAT``), not
stdout: a service manager or a container collects that."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType
from typing import TextIO

from bot.cli.request import missing_credentials
from bot.config import Settings, SetupError, get_settings
from bot.plumbing.lineage import die_with_named_parent
from bot.plumbing.serving import Served, serve_in_background
from bot.plumbing.video_extra import INSTALL, missing_video
from bot.slack.app import RecallbotApp, missing_slack

_log = logging.getLogger("recallbot.run")

# The app's GIL switch interval (CPython's default is 5 ms). Under a burst of /recall the
# preview workers are CPU-bound, and a thread back from I/O (an ack's socket write, a commit,
# Motive's answer) waits up to a whole interval for the GIL every time it blocks: the "convoy
# effect". At 1 ms, bench/ack.py (5 runs each, alternated): preview p50 0.66 -> 0.60 s, ack p99
# 51.7 -> 48.1 ms, Request under the burst p99 223 -> 182 ms, CPU per command unchanged. The
# media workers are spawned processes and keep the default (their threads are CPU-bound).
_GIL_SWITCH_S = 0.001

# Threads running the WSGI app (Bolt's acks, the Motive webhook, health). Every listener acks
# and hands off (a few answer a response_url first), so a thread is never held for long; more
# threads only add runnable threads for the GIL while a burst of /recall arrives, and a Request
# click's job, back from each commit and call, waits behind all of them. bench/ack.py, 6 against
# 16 threads, 12 runs each in three interleaved sets (medians): Request -> status message under
# the burst p99 120 -> 88 ms, preview p50/p99 0.60/0.76 -> 0.56/0.69 s; paid for by the acks
# queueing a little (ack p99 53 -> 59 ms, the click's p50 under the burst 7 -> 16 ms). 4 and 8
# threads: 72 and 112 ms for the click's p99.
_FRONT_THREADS = 6


def run_app(args: argparse.Namespace, out: TextIO) -> int:
    """Serve until SIGTERM or Ctrl-C (or until the process that started it ends, when it
    asked for that: ``lineage``)."""
    die_with_named_parent()
    sys.setswitchinterval(_GIL_SWITCH_S)
    settings = get_settings()
    http = settings.slack_mode(args.http) == "http"
    socket_mode = not http
    _require_settings(settings, socket_mode)
    video = missing_video()
    if video is not None and settings.upload != "off":
        _log.warning("%s cannot be imported: footage is shared as Motive made it, without "
                     "stills or All angles; %s", video, INSTALL)  # fmt: skip
    app = RecallbotApp.build(settings, socket_mode=socket_mode,
                             preview_processes=settings.preview_processes)
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
        if http or args.port is not None:
            served = _serve(app, settings, args.host, args.port or 3000)
            paths = "/slack/events, " if http else ""
            _log.info("serving on %s (%s/motive/webhook, /healthz, /readyz, /metrics)",
                      served.url, paths)  # fmt: skip
        if socket_mode:
            socket = app.socket_mode()
            socket.connect()  # type: ignore[no-untyped-call]  # slack_bolt leaves it untyped
            _log.info("connected to Slack in Socket Mode")
        app.deps.previews.start()  # serving: its processes start (until then, its threads)
        stopping.wait()
    finally:
        if socket is not None:
            socket.close()  # type: ignore[no-untyped-call]
        if served is not None:
            served.close()
        app.close()
        _log.info("stopped")
    return 0


def _require_settings(settings: Settings, socket_mode: bool) -> None:
    """``SetupError`` listing every setting this mode needs and lacks, all at once."""
    motive = missing_credentials(settings)
    missing = [*([motive] if motive else []), *missing_slack(settings, socket_mode)]
    if missing:
        raise SetupError("\n".join(missing))


def _serve(app: RecallbotApp, settings: Settings, host: str, port: int) -> Served:
    """The HTTP front on ``host:port``; a port that cannot be had is a ``SetupError``."""
    try:
        return serve_in_background(app.wsgi(), host, port, threads=_FRONT_THREADS,
                                   limits=settings.http_front())  # fmt: skip
    except OSError as exc:
        raise SetupError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; stop what holds it, or "
            "choose another port: `recallbot run --port 3001`"
        ) from None
