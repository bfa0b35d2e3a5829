"""``recallbot request``: a phrase in, a recall checked, created and followed, links out.

The recall is recorded in the store before Motive is called and followed by the tracker (here,
for this one recall, in the foreground; ``--detach`` leaves it to ``recallbot track``).
Exit status: 0 when the footage is ready (or the recall was handed over with --detach), 1 when
the phrase or Motive refused or the recall failed or expired, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import io
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from pydantic import SecretStr

from bot.cli.output import cli_user, finish, lines_to, refused
from bot.cli.parse import default_zone, zone_words
from bot.cli.progress import Progress
from bot.config import Settings, SetupError, get_settings
from bot.describe import describe, describe_preview
from bot.motive import MotiveConfig, MotiveError
from bot.phrase import ParsedPhrase, PhraseError, parse_phrase
from bot.runtime import Runtime
from bot.sandbox.motive import MotiveSandbox
from bot.service import Preview, Submission
from bot.store import Origin, RecallState, TrackedRecall
from bot.tracking.notifier import ConsoleNotifier, Lines


@contextmanager
def _runtime(args: argparse.Namespace) -> Iterator[Runtime]:
    """The real Motive from settings, or an in-process sandbox (and a throwaway store)."""
    settings = get_settings()
    if args.sandbox:
        with tempfile.TemporaryDirectory() as scratch, MotiveSandbox(speed=args.speed) as sandbox:
            sandboxed = settings.model_copy(
                update={"db_path": str(Path(scratch) / "recallbot.db"), "time_scale": args.speed}
            )
            config = MotiveConfig(base_url=sandbox.api_url, api_key=SecretStr("sandbox"))
            with Runtime.open(sandboxed, config) as runtime:
                yield runtime
        return
    require_credentials(
        settings, ", or try recallbot on its own Motive sandbox: `recallbot request --sandbox …`"
    )
    with Runtime.open(settings) as runtime:
        yield runtime


def missing_credentials(settings: Settings) -> str | None:
    """The line saying Motive's credentials are not set (None when they are)."""
    if settings.motive_api_key is None and settings.motive_bearer_token is None:
        return "set MOTIVE_API_KEY (or MOTIVE_BEARER_TOKEN): Motive's API key; see .env.example"
    return None


def require_credentials(settings: Settings, alternative: str = "") -> None:
    """``SetupError`` unless Motive's credentials are set (``alternative``: what else this
    command could do, added to the line)."""
    missing = missing_credentials(settings)
    if missing is not None:
        raise SetupError(missing + alternative)


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


def run_request(args: argparse.Namespace, out: TextIO) -> int:
    """Check, create and follow one recall."""
    zone: tzinfo = args.tz or default_zone()
    text = " ".join(args.text)
    say = lines_to(out, args.json)
    with _runtime(args) as runtime:
        parsed = parse_phrase(text, zone, args.now or datetime.now(UTC),
                              zone_words=zone_words(args.tz is not None))  # fmt: skip
        say(describe(text, parsed))
        requester = cli_user()
        if isinstance(parsed, PhraseError):
            runtime.store.audit.add(requester, "refused", phrase=text, code=str(parsed.code))
            return finish(out, args.json, 1, parsed.to_json())
        if len(parsed.every) > 1:
            message = ("recallbot request asks for one vehicle or asset at a time; run it once "
                       "per target, or use /recall in Slack for several at once")  # fmt: skip
            return refused(out, args.json, "multiple_vehicles", message)
        try:
            return _check_create_follow(args, out, say, runtime, parsed, requester)
        except MotiveError as exc:
            say(f"✗ Motive: {exc}")
            error = {"code": "motive_error", "status": exc.status, "message": str(exc)}
            return finish(out, args.json, 1, {"error": error})


def _check_create_follow(
    args: argparse.Namespace,
    out: TextIO,
    say: Callable[[str], Any],
    runtime: Runtime,
    parsed: ParsedPhrase,
    requester: str,
) -> int:
    service = runtime.service
    preview = service.preview(parsed.request)
    for line in describe_preview(preview, args.tz or default_zone()):
        say(f"  {line}")
    answer: dict[str, Any] = {
        "request": preview.request.model_dump(mode="json"),
        "inferred": [i.to_json() for i in parsed.inferred],
        "preview": _preview_json(preview),
    }
    if not preview.ready:
        runtime.store.audit.add(requester, "refused", problems=list(preview.problems))
        return finish(out, args.json, 1, answer)
    if args.dry_run:
        return finish(out, args.json, 0, answer)
    asker = str(args.tz or default_zone())  # kept, so that `status` shows the asker's time
    submission = service.submit(
        preview.request, requester, Origin(surface="cli", user_id=requester, zone=asker)
    )
    interrupt = _Interrupt()
    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        return _follow_submitted(args, out, say, runtime, submission, parsed, answer, interrupt)
    except KeyboardInterrupt:  # main says "interrupted" and this: what is left, and where
        kept = runtime.store.recalls.get(submission.recall.id) or submission.recall
        raise KeyboardInterrupt(_left(kept, args)) from None
    finally:
        signal.signal(signal.SIGINT, previous)


class _Interrupt:
    """Ctrl-C once the recall is stored: noted, and the tracker asked to stop where it stands,
    instead of an exception at whatever line runs (one between starting threads and handing
    them over would leave the process unable to exit)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.stop: Callable[[], None] = lambda: None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.event.set()
        self.stop()

    def following(self, stop: Callable[[], None]) -> None:
        """From now on a Ctrl-C also calls ``stop`` (at once, if one came already)."""
        self.stop = stop
        if self.event.is_set():
            stop()

    def check(self) -> None:
        """Raise KeyboardInterrupt (main says "interrupted", exit 130) if one came."""
        if self.event.is_set():
            raise KeyboardInterrupt


def _follow_submitted(
    args: argparse.Namespace,
    out: TextIO,
    say: Callable[[str], Any],
    runtime: Runtime,
    submission: Submission,
    parsed: ParsedPhrase,
    answer: dict[str, Any],
    interrupt: _Interrupt,
) -> int:
    """Say what was requested, then follow it (or hand it over, with --detach)."""
    recall = submission.recall
    if submission.new and recall.state is RecallState.SUBMITTING:
        say(f"requested: recall {recall.id}; Motive did not answer clearly ({recall.last_error}),"
            " so recallbot asks again without spending quota twice")  # fmt: skip
    elif submission.new:
        say(f"requested: recall {recall.id} (Motive {recall.motive_id})")
    else:
        say(f"already requested: recall {recall.id} is {recall.state}; following it instead")
    if args.detach:
        say(f"  follow it with `recallbot track`; see it with `recallbot status {recall.id}`")
        return finish(out, args.json, 0, answer | {"recall": recall.model_dump(mode="json")})
    interrupt.check()
    final = _follow(runtime, recall, out, args, parsed.local_start.tzinfo or UTC, interrupt)
    answer["recall"] = final.model_dump(mode="json")
    return finish(out, args.json, 0 if final.state is RecallState.SUCCESS else 1, answer)


def _follow(
    runtime: Runtime, recall: TrackedRecall, out: TextIO, args: argparse.Namespace, zone: tzinfo,
    interrupt: _Interrupt,
) -> TrackedRecall:  # fmt: skip
    """Run the tracker for this recall only, until its answer is delivered (or ``--timeout``),
    with a live progress line."""
    if recall.delivery == "delivered":
        if not args.json:
            ConsoleNotifier(out, zone).deliver(recall, recall.delivery_attempt or "earlier")
        return recall
    store, scale = runtime.store, runtime.settings.time_scale
    progress = Progress(out, lambda: [r for r in [store.recalls.get(recall.id)] if r], scale=scale)
    sink: Lines = io.StringIO() if args.json else progress  # --json prints only the final object
    tracker = runtime.tracker(ConsoleNotifier(sink, zone, time_scale=scale))
    timer = threading.Timer(args.timeout, tracker.request_stop) if args.timeout else None
    interrupt.following(tracker.request_stop)
    try:
        if not args.json:
            progress.start()
        if timer is not None:
            timer.start()
        tracker.run(only=recall.id)
    finally:
        if timer is not None:
            timer.cancel()
        progress.close()
        tracker.stop()
    interrupt.check()  # after cleaning up
    final = store.recalls.get(recall.id) or recall
    if not args.json:
        out.write(_afterwards(final, args))
    return final


def _left(recall: TrackedRecall, args: argparse.Namespace) -> str:
    """What was left behind when following stopped short: where the recall is kept, and how
    to follow it on (on the sandbox, nothing is kept)."""
    if args.sandbox:
        return f"recall {recall.id} ends with the sandbox; nothing was kept"
    return (f"recall {recall.id} is stored ({recall.state}) and Motive goes on with it: "
            f"`recallbot track` follows it to its answer, `recallbot status {recall.id}` shows "
            "it")  # fmt: skip


def _afterwards(recall: TrackedRecall, args: argparse.Namespace) -> str:
    """What becomes of the recall once this command ends: followed on from the store, or,
    on the sandbox, gone with it (its links and store end here)."""
    waited = f" after {args.timeout:g} s" if args.timeout else ""
    left = "" if recall.delivery == "delivered" else f"still {recall.state}{waited}"
    if args.sandbox:
        return (f"{left}{'; ' if left else ''}the sandbox ends with this command: its recall, "
                "store and links go with it (`recallbot demo` saves its footage)\n")  # fmt: skip
    if not left:
        return ""
    return (f"{left}: `recallbot track` follows it on, `recallbot status {recall.id}` shows "
            "it\n")  # fmt: skip
