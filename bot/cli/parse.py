"""``recallbot parse``: what a phrase becomes, as JSON (a contract other tools rely on)."""

from __future__ import annotations

import argparse
import codecs
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.phrase import ParsedPhrase, PhraseError
from bot.phrase.questions import Reading, read_phrase
from bot.phrase.result import encode_json
from bot.plumbing.raw_setting import raw_setting
from bot.recall_terms import DEFAULT_MAX_TARGETS, DEFAULT_ZONE, MOST_TARGETS

if TYPE_CHECKING:
    from bot.config import Settings


def _written(text: str, result: Reading, explain: bool) -> str:
    """A recall as ever; another question (a look, a where-was, a place) adds "intent", and
    for --explain is its JSON too (``describe`` speaks of recalls)."""
    if explain and isinstance(result, ParsedPhrase | PhraseError):
        # for people: the validated requests (pydantic) are worth their start-up here
        from bot.describe import describe

        return describe(text, result) + "\n"
    if isinstance(result, ParsedPhrase):
        return result.json_text() + "\n"
    return encode_json(result.to_json()) + "\n"


def _arrived(stdin: TextIO) -> Iterator[list[str]]:
    """The lines of ``stdin`` without their line ends, in batches of every whole line that has
    arrived (decoded as ``stdin`` would). Answering a batch before reading on puts each answer
    out before waiting for more input, in one write: a line at a time for someone typing, and
    not a write per line (most of a piped file's time) for a file."""
    decoder = codecs.getincrementaldecoder(stdin.encoding)(stdin.errors or "strict")
    pending, more = "", True
    while more:
        chunk = os.read(stdin.fileno(), 1 << 16)
        more = bool(chunk)
        *lines, pending = (pending + decoder.decode(chunk, final=not more)).split("\n")
        if pending and not more:
            lines.append(pending)  # the last line, with no line end
        if lines:
            yield [line.rstrip("\r") for line in lines]


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
        return "the zone you gave"
    return "the default zone (RECALLBOT_DEFAULT_TZ; a phrase may name its own, e.g. 3pm CT)"


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

    whose = zone_words(args.tz is not None)

    def answer(text: str) -> str:
        now = args.now or datetime.now(UTC)
        parsed = read_phrase(text, zone, now, max_targets=most, zone_words=whose)
        return _written(text, parsed, args.explain)

    if args.jsonl:
        for lines in _arrived(sys.stdin):
            out.write("".join(map(answer, lines)))
            out.flush()
        return 0
    out.write(answer(" ".join(args.text)))
    return 0
