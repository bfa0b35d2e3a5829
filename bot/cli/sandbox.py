"""``recallbot sandbox motive``: our own Motive on 127.0.0.1, in the foreground."""

from __future__ import annotations

import argparse
from typing import TextIO

from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings


def run_sandbox(args: argparse.Namespace, out: TextIO) -> int:
    """Serve until interrupted."""
    width, height = args.media_size
    settings = SandboxSettings(
        api_key=args.api_key, webhook_url=args.webhook_url, webhook_secret=args.webhook_secret,
        media_width=width, media_height=height, media_fps=args.media_fps,
        media_pad_mb=args.media_pad_mb, events_every_s=(args.events_every or 0) * 60,
        shapes=args.shapes,
    )  # fmt: skip
    sandbox = MotiveSandbox(settings, speed=args.speed, port=args.port)
    # A sped-up sandbox's minutes pass faster: recallbot must wait as much less, or it checks
    # (and prints) as if Motive ran in real time.
    scale = f"RECALLBOT_TIME_SCALE={args.speed:g} " if args.speed != 1 else ""
    out.write(
        f"Motive sandbox on {sandbox.api_url} (API key {args.api_key!r}, speed x{args.speed:g})\n"
        f"  try: MOTIVE_BASE_URL={sandbox.api_url} MOTIVE_API_KEY={args.api_key} {scale}"
        "recallbot request truck 42 yesterday 3pm\n"
        "  safety events: POST /_sandbox/safety_events"
        + (f" (and a random one every {args.events_every:g} sandbox min)" if args.events_every
           else "") + "\n"
    )  # fmt: skip
    out.flush()
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        out.write("stopped\n")
    return 0
