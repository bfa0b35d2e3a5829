"""``recallbot look``: a still from a vehicle's cameras now, followed to its end and saved.

The same core as ``/recall look``: each camera's capture is recorded in the store before
Motive is called, sent once, followed here (a line per change) until its answer, and its JPEG
saved into ``--out``; ``--detach`` leaves the following to ``recallbot track``. Exit status: 0
when every picture was saved (or handed over with --detach), 1 when the look was refused or a
capture ended without a picture, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import io
import threading
from typing import Any, TextIO

from bot.cli.output import cli_user, finish, lines_to, refused
from bot.cli.request import _runtime
from bot.fleet import TargetKind
from bot.look.follower import CaptureFollower
from bot.look.notifier import ConsoleLookNotifier
from bot.look.service import LookTarget
from bot.policy import Refusal
from bot.recall_terms import CameraPosition
from bot.store import Origin, TrackedCapture

CAMERA_NAMES: dict[str, CameraPosition] = {
    "front": CameraPosition.FRONT_FACING, "road": CameraPosition.FRONT_FACING,
    "driver": CameraPosition.DRIVER_FACING, "cab": CameraPosition.DRIVER_FACING,
    "left": CameraPosition.SIDE_LEFT, "right": CameraPosition.SIDE_RIGHT,
    "rear": CameraPosition.REAR, "back": CameraPosition.REAR,
} | {position.value: position for position in CameraPosition}  # fmt: skip
"""What ``--camera`` accepts: a short word or Motive's own position name."""


def camera_arg(value: str) -> CameraPosition:
    """A camera from the command line."""
    found = CAMERA_NAMES.get(value.strip().lower().replace("-", "_"))
    if found is None:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a camera: use front, driver, left, right or rear"
        )
    return found


def run_look(args: argparse.Namespace, out: TextIO) -> int:
    """Ask for the stills, follow them, save them."""
    say = lines_to(out, args.json)
    requester = cli_user()
    kind = TargetKind.ASSET if args.asset else TargetKind.VEHICLE
    with _runtime(args) as runtime:
        target = LookTarget(kind, " ".join(args.target))
        origin = Origin(surface="cli", user_id=requester)
        asked = runtime.look.look(target, args.camera or (), requester, origin)
        if isinstance(asked, Refusal):
            return refused(out, args.json, asked.code, asked.message)
        for capture in asked:
            said = f"Motive {capture.request_id}" if capture.request_id else capture.state
            say(f"requested: capture {capture.id} ({capture.position.value}): {said}")
        look_id = asked[0].look_id
        if args.detach:
            say("  follow it with `recallbot track`")
            return finish(out, args.json, 0, {"captures": _json(asked)})
        notifier = ConsoleLookNotifier(io.StringIO() if args.json else out, args.out)
        follower = runtime.follower(notifier)
        _follow(follower, look_id, args.timeout)
        final = runtime.store.captures.of_look(look_id)
        saved = {c.id: str(notifier.saved[c.id]) for c in final if c.id in notifier.saved}
        if any(not c.delivery.ended for c in final):
            say(f"still following after {args.timeout:g} s: `recallbot track` follows on")
        code = 0 if len(saved) == len(final) else 1
        return finish(out, args.json, code, {"captures": _json(final), "saved": saved})


def _follow(follower: CaptureFollower, look_id: str, timeout: float | None) -> None:
    """Follow one look in the foreground, until answered or ``timeout`` real seconds."""
    timer = threading.Timer(timeout, follower.request_stop) if timeout else None
    try:
        if timer is not None:
            timer.start()
        follower.run(look_id)
    finally:
        if timer is not None:
            timer.cancel()
        follower.close()


def _json(captures: list[TrackedCapture]) -> list[dict[str, Any]]:
    """The captures as scripts see them (no image link: it is a credential of sorts)."""
    return [c.model_dump(mode="json", exclude={"image_url"}) for c in captures]
