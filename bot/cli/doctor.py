"""``recallbot doctor``: print what ``bot.doctor`` finds, one line per check (or JSON), and
write the bundle when asked."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from bot.config import SetupError, get_settings
from bot.doctor import Check, Outcome, Report, examine
from bot.doctor.bundle import bundle_text, write_bundle

_WIDTH = max(len(o.value) for o in Outcome)


def line(check: Check) -> str:
    """One check as one line: outcome, name, what was found, expected and seen, what to do."""
    text = f"{check.outcome.value:<{_WIDTH}}  {check.name}: {check.summary}"
    if check.expected is not None or check.seen is not None:
        text += f" (expected {check.expected}; seen {check.seen})"
    if check.shapes is not None:
        text += f"; MOTIVE_SHAPES reads it with {json.dumps(check.shapes, sort_keys=True)}"
    elif check.fix and check.outcome is not Outcome.OK:
        text += f"; {check.fix}"
    return text


def render(report: Report, out: TextIO) -> None:
    """The report for people: a line per check, the MOTIVE_SHAPES to set, a verdict."""
    for check in report.checks:
        out.write(line(check) + "\n")
    if report.motive_shapes is not None:
        value = json.dumps(report.motive_shapes, sort_keys=True)
        out.write(
            f"\nTo read Motive as it answers, set MOTIVE_SHAPES='{value}' (your "
            "MOTIVE_SHAPES with every fix above)\n"
        )
    counts = {o: sum(c.outcome is o for c in report.checks) for o in Outcome}
    tally = ", ".join(f"{o.value}: {n}" for o, n in counts.items() if n)
    verdict = "something blocks recallbot" if report.blocks else "nothing blocks recallbot"
    out.write(f"\n{tally}: {verdict}\n")


def run_doctor(args: argparse.Namespace, out: TextIO) -> int:
    """Check everything, print it, write the bundle if asked; 1 when something blocks."""
    bundle = Path(args.bundle) if args.bundle else None
    if bundle is not None and (bundle.is_dir() or not bundle.parent.is_dir()):
        raise SetupError(f"--bundle {args.bundle}: give a file in an existing folder")
    settings = get_settings()
    report, answers = examine(settings)
    if args.json:
        out.write(json.dumps(report.as_json()) + "\n")
    else:
        render(report, out)
    if bundle is not None:
        try:
            write_bundle(bundle, bundle_text(report, answers, settings))
        except OSError as exc:
            raise SetupError(f"--bundle {args.bundle}: {exc.strerror or exc}") from None
        if not args.json:
            out.write(
                f"Bundle for the maintainers written to {bundle} (private, 0600): no "
                "secret, link or driver name in it\n"
            )
    return 1 if report.blocks else 0
