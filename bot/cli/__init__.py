"""The ``recallbot`` command line: the same core the Slack app uses, for people and scripts.

Each command lives in its own module, imported only when it runs, so that ``recallbot parse``
does not pay for the HTTP client and ``recallbot request`` does not pay for the Slack app.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from pathlib import Path


def zone_arg(value: str) -> ZoneInfo:
    """An IANA zone from the command line."""
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an IANA time zone (e.g. America/Chicago)"
        ) from None


def instant_arg(value: str) -> datetime:
    """An ISO 8601 instant with an offset from the command line."""
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


def _camera(value: str) -> Any:
    """``--camera`` for ``recallbot look`` (its words live in its module)."""
    from bot.cli.look import camera_arg

    return camera_arg(value)


def _path(value: str) -> Path:
    """A path from the command line (pathlib is imported here: ~3 ms that ``parse`` skips)."""
    from pathlib import Path

    return Path(value)


def _since(value: str) -> datetime:
    """``--since`` for ``recallbot audit`` (parsed in its module, loaded only when needed)."""
    from bot.cli.audit import since_arg

    return since_arg(value)


class _Version(argparse.Action):
    """``--version``, read from the installed metadata only when asked (it costs ~25 ms)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("recallbot")
        except PackageNotFoundError:  # pragma: no cover - a tree that was never installed
            found = "unknown"
        sys.stdout.write(f"recallbot {found}\n")
        parser.exit()


def _positive(value: str) -> float:
    """A number above 0 (seconds, a count)."""
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not number > 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number above 0")
    return number


def _count(value: str) -> int:
    """A whole number from 1 to 1000."""
    if not value.isdigit() or not 1 <= int(value) <= 1000:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number from 1 to 1000")
    return int(value)


def _size(value: str) -> tuple[int, int]:
    """``1280x720``."""
    width, _, height = value.lower().partition("x")
    if not (width.isdigit() and height.isdigit()) or not (
        32 <= int(width) <= 3840 and 32 <= int(height) <= 2160
    ):
        raise argparse.ArgumentTypeError(f"{value!r} is not a size like 1280x720")
    return int(width), int(height)


class _Formatter(argparse.HelpFormatter):
    """argparse's own, measuring the terminal without ``shutil`` (argparse imports it, and with
    it bz2 and lzma, for every argument added: a few ms of each ``recallbot parse``)."""

    def __init__(self, prog: str) -> None:
        try:
            columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
        except (ValueError, OSError):
            columns = 80
        super().__init__(prog, width=columns - 2)


class _Parser(argparse.ArgumentParser):
    """An argument parser (and its commands' parsers) formatted by ``_Formatter``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(formatter_class=_Formatter, **kwargs)


def _phrase_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("text", nargs="*", metavar="TEXT", help="the phrase (quotes optional)")
    command.add_argument("--tz", type=zone_arg, help="requester's IANA zone (default: settings)")
    command.add_argument(
        "--now", type=instant_arg, help="ISO 8601 instant with offset (default: now)"
    )


def _motive_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--sandbox", action="store_true", help="use an in-process Motive sandbox (no credentials)"
    )
    command.add_argument(
        "--speed", type=_positive, default=120.0, help="sandbox seconds per real second (--sandbox)"
    )
    command.add_argument("--json", action="store_true", help="print one JSON object at the end")


def _numbers(value: str) -> list[str]:
    """``42,1207``: vehicle numbers."""
    numbers = [part.strip() for part in value.split(",") if part.strip()]
    if not numbers:
        raise argparse.ArgumentTypeError(f"{value!r} names no vehicle: write e.g. 42,1207")
    return numbers


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="recallbot",
        description="Dashcam video recalls from plain words.",
        epilog=EXIT_CODES,
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="say which recallbot this is")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = commands.add_parser(
        "parse",
        help="show how a phrase is understood (no Motive call)",
        description="Read a phrase into a Motive recall request and print it as JSON.",
    )
    _phrase_options(parse)
    parse.add_argument(
        "--jsonl", action="store_true", help="read one phrase per stdin line, write JSON lines"
    )
    parse.add_argument(
        "--explain", action="store_true", help="print a readable explanation instead of JSON"
    )

    request = commands.add_parser(
        "request",
        help="check, create and follow a recall until its links are ready",
        description="Parse a phrase, check it against Motive (vehicle, footage, quota), create "
        "the recall and follow it until each camera's download link is ready.",
    )
    _phrase_options(request)
    _motive_options(request)
    request.add_argument(
        "--dry-run", action="store_true", help="check the request but do not create it"
    )
    request.add_argument(
        "--detach", action="store_true", help="create it and return; `recallbot track` follows it"
    )
    request.add_argument(
        "--timeout", type=_positive, metavar="SECONDS",
        help="stop following after this long (the recall stays in the store; exit 1)",
    )  # fmt: skip

    look = commands.add_parser(
        "look",
        help="a still from a vehicle's camera now, followed until taken and saved as a JPEG",
        description="Ask Motive for an image capture from each camera named (road-facing by "
        "default), follow it until Motive has taken it, and save the JPEG.",
    )
    look.add_argument("target", nargs="+", help="the vehicle (42, truck 42) or asset (--asset)")
    look.add_argument("--asset", action="store_true", help="the target is an asset (a trailer)")
    look.add_argument("--camera", action="append", type=_camera, metavar="CAMERA",
                      help="front (default), driver, left, right or rear; repeat for several")
    look.add_argument("--out", type=_path, default=".", help="where to save the JPEGs")
    _motive_options(look)
    look.add_argument("--detach", action="store_true",
                      help="ask and return; `recallbot track` follows it")
    look.add_argument("--timeout", type=_positive, metavar="SECONDS",
                      help="stop following after this long (the capture stays in the store)")

    where = commands.add_parser(
        "where",
        help="where a vehicle was at a moment (location history; nothing spent)",
        description="Answer 'where was truck 42 yesterday 3pm' from Motive's location history: "
        "the geofence (else Motive's place name, else coordinates), moving or not, a map link, "
        "and the command that recalls 2 minutes centred on that moment.",
    )
    _phrase_options(where)
    _motive_options(where)

    at = commands.add_parser(
        "at",
        help="the vehicles inside a place at a moment, and with --yes their recalls",
        description="Find the vehicles inside one of the company's geofences at a moment "
        "('trucks at the Elm St yard yesterday 3pm 2 min') and, with --yes, request the window "
        "for each (at most RECALLBOT_MAX_TARGETS; --only chooses).",
    )
    _phrase_options(at)
    _motive_options(at)
    at.add_argument("--yes", action="store_true", help="request the window for each vehicle")
    at.add_argument("--only", type=_numbers, metavar="N,N", help="only these vehicles (--yes)")

    status = commands.add_parser("status", help="one recall from the store (default: the latest)")
    status.add_argument("id", nargs="?", help="recallbot's recall id (e.g. r3fa2b1c09d)")
    status.add_argument("--json", action="store_true", help="the stored recall as JSON")
    listing = commands.add_parser("list", help="the latest recalls in the store")
    listing.add_argument("--limit", type=_count, default=20, help="how many (1-1000)")
    listing.add_argument("--json", action="store_true", help="a JSON array of stored recalls")

    audit = commands.add_parser(
        "audit",
        help="the audit log: every request, refusal, delivery and link refresh",
        description="Print the append-only audit log, oldest first; --json writes one JSON object "
        "per line for export.",
    )
    audit.add_argument("--since", type=_since, help="a span (24h, 7d), a day or an ISO instant")
    audit.add_argument("--json", action="store_true", help="JSON lines, for export")

    quota = commands.add_parser("quota", help="the video recall minutes left this month")
    quota.add_argument("--json", action="store_true", help="Motive's figures as JSON")

    backup = commands.add_parser(
        "backup",
        help="copy the store safely while recallbot runs (SQLite's online backup)",
        description="Copy RECALLBOT_DB to PATH as a consistent snapshot, even while `recallbot "
        "run` writes to it; the copy is private (0600) and appears only once complete. PATH "
        "must be a new or regular file in an existing folder, and none of the store's files "
        "(the database, -wal, -shm, -journal) under any name.",
    )
    backup.add_argument("path", metavar="PATH", help="where the copy goes (a file, not a folder)")

    fetch = commands.add_parser(
        "fetch",
        help="download a recall's clips (with stills and the all-angles clip)",
        description="Download every camera's clip of a finished recall, with progress bars, and "
        "(with the video extra) a still per camera and the all-angles clip beside them.",
    )
    fetch.add_argument("id", help="recallbot's recall id (e.g. r3fa2b1c09d)")
    fetch.add_argument("--out", default=".", metavar="DIR", help="where to put the files")

    track = commands.add_parser("track", help="follow every unfinished recall in the store")
    track.add_argument("--webhook-port", type=int, help="also serve Motive's webhook on this port")
    track.add_argument("--host", default="127.0.0.1", help="address for --webhook-port")
    track.add_argument(
        "--until-done", action="store_true", help="return when nothing is in flight or owed"
    )

    run = commands.add_parser("run", help="the Slack app and its tracker")
    run.add_argument("--http", action="store_true", help="serve /slack/events over HTTP")
    run.add_argument("--port", type=int, help="HTTP port (default 3000 with --http; in Socket "
                     "Mode, serve /motive/webhook and /healthz on it)")  # fmt: skip
    run.add_argument("--host", default="0.0.0.0", help="address to listen on")  # noqa: S104

    demo = commands.add_parser(
        "demo",
        help="the whole product on loopback: Motive sandbox, Slack emulator, recallbot run",
        description="Run the Motive sandbox, the Slack emulator and `recallbot run --http`, then "
        "type a /recall, press Request and print the Slack conversation with timings.",
    )
    demo.add_argument("phrase", nargs="?", help="what the demo user types after /recall")
    demo.add_argument("--out", default="recallbot-demo-footage", metavar="DIR",
                      help="where the footage shared in the thread is saved")  # fmt: skip
    demo.add_argument("--speed", type=_positive, default=120.0,
                      help="sandbox seconds per real second")  # fmt: skip

    doctor = commands.add_parser(
        "doctor",
        help="check the real Slack app and Motive account against what recallbot assumes",
        description="Read-only checks of the configured Slack workspace and Motive account: a "
        "line per check, ok, differs (expected, seen, and the setting that reads it) or failed "
        "(why, what to do). Nothing is created, changed or spent. Exit 1 when something blocks.",
    )
    doctor.add_argument("--json", action="store_true", help="the checks as one JSON object")
    doctor.add_argument(
        "--bundle", metavar="FILE", help="also write what a maintainer needs (no secret or link)"
    )

    sandbox = commands.add_parser("sandbox", help="run a sandbox server on 127.0.0.1")
    services = sandbox.add_subparsers(dest="service", required=True, metavar="SERVICE")
    motive = services.add_parser("motive", help="our own Motive API, for demos and tests")
    motive.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1")
    motive.add_argument("--speed", type=_positive, default=1.0,
                        help="sandbox seconds per real second")  # fmt: skip
    motive.add_argument("--api-key", default="sandbox", help="the key it accepts")
    motive.add_argument("--webhook-url", help="where to send completion webhooks")
    motive.add_argument("--webhook-secret", default="sandbox-webhook-secret",
                        help="what it signs webhooks with")  # fmt: skip
    motive.add_argument("--media-size", type=_size, default=(320, 180), metavar="WxH",
                        help="the size of its clips (default 320x180)")  # fmt: skip
    motive.add_argument("--media-fps", type=int, choices=range(1, 61), default=5, metavar="N",
                        help="frames per second of its clips (default 5)")  # fmt: skip
    motive.add_argument("--media-pad-mb", type=int, default=0, metavar="MB",
                        help="grow every clip to at least this size (memory tests)")  # fmt: skip
    motive.add_argument("--shapes", choices=("guessed", "other"), default="guessed",
                        help="other: answer in other plausible shapes where motive-api.md "
                             "guesses (for recallbot doctor)")  # fmt: skip
    motive.add_argument("--events-every", type=_positive, default=None, metavar="N",
                        help="a random safety event every N sandbox minutes")  # fmt: skip
    return parser


EXIT_CODES = """exit codes: 0 done; 1 the thing asked for failed (refused, not found, not
delivered); 2 bad input or setup (a wrong argument or setting, no credentials, Slack or the
store unusable); 130 interrupted (Ctrl-C)."""

LOGGING_COMMANDS = ("run", "track", "sandbox")
"""Long-running commands log at RECALLBOT_LOG_LEVEL; the others only say warnings."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``recallbot`` console script."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")  # messages quote with “ ” whatever the locale
    parser = _parser()
    args = parser.parse_args(argv)
    from bot.errors import SetupError, StoreError  # imports nothing: parse stays quick

    try:
        _configure_logging(args.command)
        return _dispatch(parser, args)
    except (SetupError, StoreError) as exc:
        return _failed(args, str(exc))
    except KeyboardInterrupt as stopped:  # its message, if any: what was left, and where
        left = f"; {stopped}" if stopped.args else ""
        sys.stderr.write(f"\nrecallbot {args.command}: interrupted{left}\n")
        return 130
    except BrokenPipeError:
        # The reader went away (`recallbot audit | head -3`): stop quietly, and keep Python
        # from complaining again when it flushes stdout on the way out.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _configure_logging(command: str) -> None:
    if command == "parse":  # logs nothing: Python's own last resort says any warning
        return
    from bot.config import get_settings
    from bot.plumbing import logs

    settings = get_settings()
    level = settings.log_level if command in LOGGING_COMMANDS else "WARNING"
    logs.configure(level, settings.log_format, settings.secret_values())


def _failed(args: argparse.Namespace, message: str) -> int:
    """A setup problem: one line per problem on stderr (and a JSON object under --json)."""
    for line in message.splitlines():
        sys.stderr.write(f"recallbot {args.command}: {line}\n")
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps({"error": {"code": "setup", "message": message}}) + "\n")
    return 2


_COMMANDS: dict[str, tuple[str, str]] = {
    "parse": ("bot.cli.parse", "run_parse"),
    "request": ("bot.cli.request", "run_request"),
    "look": ("bot.cli.look", "run_look"),
    "where": ("bot.cli.where", "run_where"),
    "at": ("bot.cli.at", "run_at"),
    "status": ("bot.cli.records", "run_status"),
    "list": ("bot.cli.records", "run_list"),
    "audit": ("bot.cli.audit", "run_audit"),
    "quota": ("bot.cli.quota", "run_quota"),
    "backup": ("bot.cli.backup", "run_backup"),
    "fetch": ("bot.cli.fetch", "run_fetch"),
    "track": ("bot.cli.track", "run_track"),
    "run": ("bot.cli.run", "run_app"),
    "demo": ("bot.cli.demo", "run_demo"),
    "sandbox": ("bot.cli.sandbox", "run_sandbox"),
    "doctor": ("bot.cli.doctor", "run_doctor"),
}
"""Each command's module and function: imported only when it runs, so that ``recallbot parse``
does not pay for the HTTP client and ``recallbot request`` does not pay for the Slack app."""


_EXAMPLES = {"where": "where truck 42 yesterday 3pm",
             "at": "at trucks at the Elm St yard yesterday 3pm 2 min"}  # fmt: skip


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Check what argparse cannot, then run the chosen command."""
    if args.command == "parse" and args.jsonl == bool(args.text):
        parser.error("parse: give a phrase as TEXT, or --jsonl to read phrases from stdin")
    if args.command in _EXAMPLES and not args.text:
        parser.error(f"{args.command}: give a phrase, e.g. recallbot {_EXAMPLES[args.command]}")
    if args.command == "request" and not args.text:
        parser.error("request: give a phrase, e.g. recallbot request truck 42 yesterday 3pm")
    if args.command == "request" and args.sandbox and args.detach:
        parser.error("request: --detach leaves the recall to `recallbot track`, but the "
                     "--sandbox Motive and its store end with this command; drop --detach")
    if args.command == "look" and args.sandbox and args.detach:
        parser.error("look: --detach leaves the capture to `recallbot track`, but the --sandbox "
                     "Motive and its store end with this command; drop --detach")
    if args.command == "request":  # the vehicles inside a place have their own command
        from bot.cli.at import asks_place

        if asks_place(" ".join(args.text), args):
            args.command, args.yes, args.only = "at", not args.dry_run, None
    module, name = _COMMANDS[args.command]
    run: Callable[[argparse.Namespace, TextIO], int] = getattr(import_module(module), name)
    return run(args, sys.stdout)
