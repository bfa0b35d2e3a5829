"""``recallbot parse``: what a phrase becomes, as JSON (a contract other tools rely on)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, tzinfo
from typing import TextIO

from bot.describe import describe
from bot.phrase import ParsedPhrase, PhraseError, parse_phrase, warm_up


def _emit(text: str, result: ParsedPhrase | PhraseError, explain: bool, out: TextIO) -> None:
    line = describe(text, result) if explain else json.dumps(result.to_json(), ensure_ascii=False)
    out.write(line + "\n")
    out.flush()


def default_zone() -> tzinfo:
    """The configured default zone (settings are only read when --tz is not given)."""
    from bot.config import get_settings  # pydantic-settings costs ~0.1 s to import

    return get_settings().default_zone


def run_parse(args: argparse.Namespace, out: TextIO) -> int:
    """Answer one phrase, or every line of stdin with --jsonl. Refusals still exit 0."""
    zone: tzinfo = args.tz or default_zone()
    if args.jsonl:
        warm_up()  # a stream is long-running: pay dateparser's start-up before the first line
        for raw in sys.stdin:
            text = raw.rstrip("\r\n")
            _emit(text, parse_phrase(text, zone, args.now or datetime.now(UTC)), args.explain, out)
        return 0
    text = " ".join(args.text)
    _emit(text, parse_phrase(text, zone, args.now or datetime.now(UTC)), args.explain, out)
    return 0
