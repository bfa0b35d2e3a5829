"""``recallbot quota``: the company's video recall minutes this month, from Motive."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from bot.cli.request import require_credentials
from bot.config import get_settings
from bot.describe import describe_quota
from bot.motive import MotiveClient, MotiveConfig, MotiveError


def run_quota(args: argparse.Namespace, out: TextIO) -> int:
    """Ask Motive and print a line per recall type (or the JSON it answered)."""
    settings = get_settings()
    require_credentials(settings)
    with MotiveClient(MotiveConfig.from_settings(settings)) as client:
        try:
            quota = client.quota()
        except MotiveError as exc:
            if args.json:
                error = {"code": "motive_error", "status": exc.status, "message": str(exc)}
                out.write(json.dumps({"ok": False, "error": error}) + "\n")
            else:
                out.write(f"✗ Motive: {exc}\n")
            return 1
    if args.json:
        out.write(quota.quota_info.model_dump_json() + "\n")
        return 0
    out.write("Video recall quota this month:\n")
    for line in describe_quota(quota.quota_info):
        out.write(f"  {line}\n")
    return 0
