"""The ``recallbot`` command line: the same core the Slack app uses, for people and scripts."""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.describe import describe
from bot.phrase import ParsedPhrase, PhraseError, parse_phrase, warm_up


def _zone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an IANA time zone (e.g. America/Chicago)"
        ) from None


def _instant(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO 8601 instant (e.g. 2026-11-24T16:30:00-06:00)"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{value!r} has no UTC offset: add one, e.g. {value}-06:00 or {value}Z"
        )
    return moment


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recallbot", description="Dashcam video recalls from plain words."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parse = commands.add_parser(
        "parse",
        help="show how a phrase is understood (no Motive call)",
        description="Read a phrase into a Motive recall request and print it as JSON.",
    )
    parse.add_argument("text", nargs="*", metavar="TEXT", help="the phrase (quotes optional)")
    parse.add_argument("--tz", type=_zone, help="requester's IANA zone (default: settings)")
    parse.add_argument("--now", type=_instant, help="ISO 8601 instant with offset (default: now)")
    parse.add_argument(
        "--jsonl", action="store_true", help="read one phrase per stdin line, write JSON lines"
    )
    parse.add_argument(
        "--explain", action="store_true", help="print a readable explanation instead of JSON"
    )
    return parser


def _emit(text: str, result: ParsedPhrase | PhraseError, explain: bool, out: TextIO) -> None:
    line = describe(text, result) if explain else json.dumps(result.to_json(), ensure_ascii=False)
    out.write(line + "\n")
    out.flush()


def _default_zone() -> tzinfo:
    from bot.config import get_settings

    return get_settings().default_zone


def _run_parse(args: argparse.Namespace, out: TextIO) -> int:
    zone: tzinfo = args.tz or _default_zone()
    if args.jsonl:
        warm_up()  # a stream is long-running: pay dateparser's start-up before the first line
        for raw in sys.stdin:
            text = raw.rstrip("\r\n")
            _emit(text, parse_phrase(text, zone, args.now or datetime.now(UTC)), args.explain, out)
        return 0
    text = " ".join(args.text)
    _emit(text, parse_phrase(text, zone, args.now or datetime.now(UTC)), args.explain, out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``recallbot`` console script."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")  # messages quote with “ ” whatever the locale
    parser = _parser()
    args = parser.parse_args(argv)
    if args.jsonl == bool(args.text):
        parser.error("parse: give a phrase as TEXT, or --jsonl to read phrases from stdin")
    return _run_parse(args, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
