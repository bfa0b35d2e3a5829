"""``recallbot doctor``: check a real Slack workspace and Motive account against everything
recallbot assumes, without changing anything at either (no command line here: ``bot.cli.doctor``
renders what ``examine`` finds)."""

from __future__ import annotations

from bot.config import Settings
from bot.doctor.check import Check, Outcome, Report, merged
from bot.doctor.motive_side import MotiveDoctor
from bot.doctor.reading import Answer, ReadOnlyTransport
from bot.doctor.slack_side import BOT_SCOPES, slack_checks

__all__ = ["BOT_SCOPES", "Answer", "Check", "Outcome", "Report", "examine"]


def examine(settings: Settings) -> tuple[Report, list[Answer]]:
    """Run every check; the report, and Motive's answers as they came (for a bundle)."""
    transport = ReadOnlyTransport()
    try:
        motive = MotiveDoctor(settings, transport)
        checks = [*slack_checks(settings), *motive.checks()]
    finally:
        transport.release()
    shapes = merged(settings.motive_shapes, motive.fixes) if motive.fixes else None
    return Report(checks=checks, motive_shapes=shapes), transport.answers
