"""``recallbot track``: follow every unfinished recall and image capture in the store, in the
foreground (captures on a thread of their own beside the recalls).

With ``--webhook-port`` it also serves Motive's completion webhook (and ``/healthz``) with
waitress, and polls only as a safety net. ``--until-done`` returns once nothing is in flight
and no answer is owed (for scripts and cron).
"""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType
from typing import TextIO

from bot.cli.parse import default_zone
from bot.cli.progress import Progress
from bot.cli.request import require_credentials
from bot.config import get_settings
from bot.look.notifier import LogLookNotifier
from bot.plumbing.serving import serve_in_background
from bot.runtime import Runtime
from bot.tracking.notifier import ConsoleNotifier
from bot.tracking.webhook import webhook_app


def run_track(args: argparse.Namespace, out: TextIO) -> int:
    """Follow recalls until interrupted (or done)."""
    settings = get_settings()
    require_credentials(settings)
    webhooks = args.webhook_port is not None
    with Runtime.open(settings, webhooks=webhooks) as runtime:
        store = runtime.store
        progress = Progress(out, lambda: store.recalls.recent(200), scale=settings.time_scale)
        tracker = runtime.tracker(ConsoleNotifier(progress, default_zone(), settings.time_scale))

        follower = runtime.follower(LogLookNotifier())
        captures = threading.Thread(target=follower.run, kwargs={"until_done": args.until_done},
                                    name="recallbot-captures", daemon=True)  # fmt: skip

        def stop(signum: int, frame: FrameType | None) -> None:
            tracker.request_stop()
            follower.request_stop()

        signal.signal(signal.SIGTERM, stop)
        served = None
        if webhooks:
            secret = settings.motive_webhook_secret
            app = webhook_app(
                tracker,
                secret.get_secret_value() if secret else None,
                runtime.client.config.shapes.status_words,
            )
            served = serve_in_background(app, args.host, args.webhook_port, threads=4,
                                         limits=settings.http_front())  # fmt: skip
            progress.write(f"webhooks: {served.url}/motive/webhook\n")
        captures.start()
        try:
            with progress.start():
                tracker.run(until_done=args.until_done)
                captures.join()
        except KeyboardInterrupt:
            out.write("stopped; unfinished recalls and captures stay in the store for the next "
                      "start\n")  # fmt: skip
        finally:
            tracker.stop()
            follower.close()
            captures.join(timeout=30)
            if served is not None:
                served.close()
    return 0
