"""``recallbot track``: follow every unfinished recall in the store, in the foreground.

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

from waitress.server import create_server

from bot.cli.parse import default_zone
from bot.cli.request import require_credentials
from bot.config import get_settings
from bot.notifier import ConsoleNotifier
from bot.runtime import Runtime
from bot.webhook_app import webhook_app


def run_track(args: argparse.Namespace, out: TextIO) -> int:
    """Follow recalls until interrupted (or done)."""
    settings = get_settings()
    require_credentials(settings)
    webhooks = args.webhook_port is not None
    with Runtime.open(settings, webhooks=webhooks) as runtime:
        notifier = ConsoleNotifier(out, default_zone(), settings.time_scale)
        tracker = runtime.tracker(notifier)

        def stop(signum: int, frame: FrameType | None) -> None:
            tracker.request_stop()

        signal.signal(signal.SIGTERM, stop)
        server = None
        if webhooks:
            secret = settings.motive_webhook_secret
            app = webhook_app(
                tracker,
                secret.get_secret_value() if secret else None,
                runtime.client.config.shapes.status_words,
            )
            server = create_server(app, host=args.host, port=args.webhook_port, threads=4)
            threading.Thread(target=server.run, name="webhook-server", daemon=True).start()
            port = getattr(server, "effective_port", args.webhook_port)
            out.write(f"webhooks: http://{args.host}:{port}/motive/webhook\n")
            out.flush()
        try:
            tracker.run(until_done=args.until_done)
        except KeyboardInterrupt:
            out.write("stopped; unfinished recalls stay in the store for the next start\n")
        finally:
            tracker.stop()
            if server is not None:
                server.close()
    return 0
