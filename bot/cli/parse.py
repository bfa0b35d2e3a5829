"""``recallbot parse``: what a phrase becomes, as JSON (a contract other tools rely on)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.phrase import ParsedPhrase, PhraseError, parse_phrase
from bot.plumbing.raw_setting import raw_setting
from bot.recall_terms import DEFAULT_MAX_TARGETS, DEFAULT_ZONE, MOST_TARGETS

if TYPE_CHECKING:
    from bot.config import Settings


def _emit(text: str, result: ParsedPhrase | PhraseError, explain: bool, out: TextIO) -> None:
    if explain:  # for people: the validated requests (pydantic) are worth their start-up here
        from bot.describe import describe

        line = describe(text, result)
    else:
        line = json.dumps(result.to_json(), ensure_ascii=False)
    out.write(line + "\n")
    out.flush()


def _settings() -> Settings:
    """All the settings, for a value the quick reading (``raw_setting``) cannot vouch for:
    ``Settings`` reads it as it does for every command, or says what is wrong with it."""
    from bot.config import get_settings  # pydantic-settings: ~0.2 s of a start

    return get_settings()


def default_zone() -> tzinfo:
    """The configured default zone (RECALLBOT_DEFAULT_TZ), read without pydantic-settings."""
    name = raw_setting("RECALLBOT_DEFAULT_TZ")
    if name is None:
        return ZoneInfo(DEFAULT_ZONE)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return _settings().default_zone


def zone_words(given: bool) -> str:
    """Whose zone a phrase was read in, as the reading is reported: the one ``--tz`` named, or
    only the configured default (never "your time zone": the CLI does not know yours)."""
    if given:
        return "the zone given with --tz"
    return "the default zone (RECALLBOT_DEFAULT_TZ; --tz names yours)"


def _most() -> int:
    """RECALLBOT_MAX_TARGETS, read without pydantic-settings."""
    number = raw_setting("RECALLBOT_MAX_TARGETS")
    if number is None:
        return DEFAULT_MAX_TARGETS
    if number.isascii() and number.isdigit() and 1 <= int(number) <= MOST_TARGETS:
        return int(number)
    return _settings().max_targets


def run_parse(args: argparse.Namespace, out: TextIO) -> int:
    """Answer one phrase, or every line of stdin with --jsonl. Refusals still exit 0."""
    zone: tzinfo = args.tz or default_zone()
    most = _most()

    def answer(text: str) -> None:
        now = args.now or datetime.now(UTC)
        parsed = parse_phrase(text, zone, now, max_targets=most,
                              zone_words=zone_words(args.tz is not None))  # fmt: skip
        _emit(text, parsed, args.explain, out)

    if args.jsonl:
        for raw in sys.stdin:
            answer(raw.rstrip("\r\n"))
        return 0
    answer(" ".join(args.text))
    return 0
