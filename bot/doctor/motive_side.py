"""Doctor's Motive side: the credentials, quota, fleet, footage timelines, safety events and
webhook subscription, read with recallbot's own client through a GET-only transport.

Every shape motive-api.md marks as a guess that an answer shows is confirmed or reported. When
the client cannot read an answer and another plausible shape reads it, the check says so with
the ``MOTIVE_SHAPES`` part that reads it, and the later checks go on with it applied (the
vehicle found under another key is the one whose footage is then looked up). Nothing here
spends quota: no recall is created, and timelines, lookups and lists are reads. Each kind of
check has a module of its own; this one runs them in order.
"""

from __future__ import annotations

from typing import Any

from bot.config import Settings
from bot.doctor.check import Check, Outcome
from bot.doctor.motive_account import account_checks, credentials_check
from bot.doctor.motive_events import event_checks
from bot.doctor.motive_fleet import lookup_check, vehicle_checks
from bot.doctor.motive_reads import MotiveReads
from bot.doctor.motive_timelines import timelines_check
from bot.doctor.motive_webhooks import webhook_checks
from bot.doctor.reading import ReadOnlyTransport


class MotiveDoctor:
    """One run of the Motive checks (``checks()``), with the shape fixes found so far."""

    def __init__(self, settings: Settings, transport: ReadOnlyTransport) -> None:
        self._reads = MotiveReads(settings, transport)

    @property
    def fixes(self) -> dict[str, Any]:
        """The ``MOTIVE_SHAPES`` parts every difference found asks for."""
        return self._reads.fixes

    def checks(self) -> list[Check]:
        """Every Motive check, in order; a check that stops the rest ends the list."""
        cannot = credentials_check(self._reads.settings)
        if cannot is not None:
            return [cannot]
        found = account_checks(self._reads)
        if found[-1].outcome is Outcome.FAILED and found[-1].name == "motive.auth":
            return found
        vehicle_found, vehicle = vehicle_checks(self._reads)
        found += vehicle_found
        if vehicle is not None:
            found += [lookup_check(self._reads, vehicle), timelines_check(self._reads, vehicle)]
        found += event_checks(self._reads)
        found += webhook_checks(self._reads)
        return found
