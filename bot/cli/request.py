"""``recallbot request``: a phrase in, a recall checked, created and followed, links out.

Exit status: 0 when every camera's footage is ready, 1 when the phrase or Motive refused, the
recall failed, or following it stopped before it finished, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, TextIO

from pydantic import SecretStr

from bot.cli.parse import default_zone
from bot.config import get_settings
from bot.describe import describe, describe_cameras, describe_preview
from bot.fleet import Fleet
from bot.motive import MotiveClient, MotiveConfig, MotiveError, RecallDetails, RecallStatus
from bot.phrase import ParsedPhrase, PhraseError, parse_phrase
from bot.sandbox.motive import MotiveSandbox
from bot.service import Preview, RecallService


@dataclass
class _Motive:
    """A client, the clock Motive's times are read against, and how often to poll."""

    client: MotiveClient
    now: Callable[[], datetime]
    poll_s: float


@contextmanager
def _motive(args: argparse.Namespace) -> Iterator[_Motive]:
    """The real Motive from settings, or an in-process sandbox with --sandbox."""
    if args.sandbox:
        with MotiveSandbox(speed=args.speed) as sandbox:
            config = MotiveConfig(base_url=sandbox.api_url, api_key=SecretStr("sandbox"))
            with MotiveClient(config) as client:
                yield _Motive(client, sandbox.clock.now, args.poll or 0.25)
        return
    settings = get_settings()
    if settings.motive_api_key is None and settings.motive_bearer_token is None:
        sys.stderr.write(
            "recallbot request: set MOTIVE_API_KEY (or MOTIVE_BEARER_TOKEN), or add --sandbox "
            "to try recallbot on its own Motive sandbox\n"
        )
        raise SystemExit(2)
    with MotiveClient(MotiveConfig.from_settings(settings)) as client:
        yield _Motive(client, lambda: datetime.now(UTC), args.poll or 20.0)


class _Progress:
    """Shows a recall's status as it changes: one line rewritten on a terminal, else a line
    per change."""

    def __init__(self, out: TextIO, motive: _Motive, quiet: bool) -> None:
        self._out = out
        self._now = motive.now
        self._quiet = quiet
        self._live = out.isatty()
        self._last: RecallStatus | None = None

    def __call__(self, recall: RecallDetails) -> None:
        if self._quiet or (not self._live and recall.status == self._last):
            return
        elapsed = int((self._now() - (recall.created_at or self._now())).total_seconds())
        line = f"  {recall.status} · {elapsed // 60}m {elapsed % 60:02d}s since requested"
        if self._live:
            end = "\n" if recall.status.finished else ""
            self._out.write(f"\r{line:<60}{end}")
        else:
            self._out.write(line + "\n")
        self._out.flush()
        self._last = recall.status


def _preview_json(preview: Preview) -> dict[str, Any]:
    quota = preview.quota
    return {
        "target": vars(preview.target) | {"kind": str(preview.target.kind)},
        "footage": {
            "checked": preview.footage.checked,
            "covered": preview.footage.covered,
            "nearest": [w.model_dump(mode="json") for w in preview.footage.nearest],
        },
        "quota": None if quota is None else vars(quota) | {"recall_type": str(quota.recall_type)},
        "problems": list(preview.problems),
        "notes": list(preview.notes),
    }


def _finish(out: TextIO, as_json: bool, code: int, answer: dict[str, Any]) -> int:
    if as_json:
        out.write(json.dumps({"ok": code == 0, **answer}, ensure_ascii=False, default=str) + "\n")
    return code


def run_request(args: argparse.Namespace, out: TextIO) -> int:
    """Check, create and follow one recall."""
    zone: tzinfo = args.tz or default_zone()
    text = " ".join(args.text)
    say = (lambda line: None) if args.json else (lambda line: out.write(line + "\n"))
    with _motive(args) as motive:
        parsed = parse_phrase(text, zone, args.now or datetime.now(UTC))
        say(describe(text, parsed))
        if isinstance(parsed, PhraseError):
            return _finish(out, args.json, 1, {"error": parsed.model_dump(mode="json")})
        try:
            return _check_create_follow(args, out, say, motive, parsed)
        except MotiveError as exc:
            say(f"✗ Motive: {exc}")
            error = {"code": "motive_error", "status": exc.status, "message": str(exc)}
            return _finish(out, args.json, 1, {"error": error})


def _check_create_follow(
    args: argparse.Namespace,
    out: TextIO,
    say: Callable[[str], Any],
    motive: _Motive,
    parsed: ParsedPhrase,
) -> int:
    service = RecallService(motive.client, Fleet(motive.client))
    preview = service.preview(parsed.request)
    for line in describe_preview(preview):
        say(f"  {line}")
    answer: dict[str, Any] = {
        "request": preview.request.model_dump(mode="json"),
        "inferred": [i.model_dump(mode="json") for i in parsed.inferred],
        "preview": _preview_json(preview),
    }
    if not preview.ready or args.dry_run:
        return _finish(out, args.json, 0 if preview.ready else 1, answer)
    recall = service.submit(preview.request)
    say(f"requested: recall {recall.id}")
    progress = _Progress(out, motive, quiet=args.json)
    progress(recall)
    recall = service.follow(recall, progress, motive.poll_s, args.timeout)
    answer["recall"] = recall.model_dump(mode="json")
    for line in describe_cameras(recall, parsed.local_start.tzinfo or UTC):
        say(f"  {line}")
    if not recall.status.finished:
        say(f"  still {recall.status}; stopped following after {args.timeout:g} s")
    ready = recall.status is RecallStatus.SUCCESS
    return _finish(out, args.json, 0 if ready else 1, answer)
