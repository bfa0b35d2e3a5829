"""``recallbot parse``: what a phrase becomes, as JSON (a contract other tools rely on)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime, tzinfo
from typing import TextIO

from bot.phrase import ParsedPhrase, PhraseError, parse_phrase
from bot.phrase.parser import DEFAULT_MAX_TARGETS


def _emit(text: str, result: ParsedPhrase | PhraseError, explain: bool, out: TextIO) -> None:
    if explain:  # for people: the validated requests (pydantic) are worth their start-up here
        from bot.describe import describe

        line = describe(text, result)
    else:
        line = json.dumps(result.to_json(), ensure_ascii=False)
    out.write(line + "\n")
    out.flush()


def default_zone() -> tzinfo:
    """The configured default zone (settings are only read when --tz is not given)."""
    from bot.config import get_settings  # pydantic-settings costs ~0.1 s to import

    return get_settings().default_zone


def zone_words(given: bool) -> str:
    """Whose zone a phrase was read in, as the reading is reported: the one ``--tz`` named, or
    only the configured default (never "your time zone": the CLI does not know yours)."""
    if given:
        return "the zone given with --tz"
    return "the default zone (RECALLBOT_DEFAULT_TZ; --tz names yours)"


def _most(zone_given: bool) -> int:
    """RECALLBOT_MAX_TARGETS (settings are read only when --tz did not spare it, or it is set)."""
    if zone_given and "RECALLBOT_MAX_TARGETS" not in os.environ:
        return DEFAULT_MAX_TARGETS
    from bot.config import get_settings

    return get_settings().max_targets


def run_parse(args: argparse.Namespace, out: TextIO) -> int:
    """Answer one phrase, or every line of stdin with --jsonl. Refusals still exit 0."""
    zone: tzinfo = args.tz or default_zone()
    most = _most(args.tz is not None)

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
