"""Where every safety event enters: the webhook and the safety net both hand events here.

An event of a type the team does not post (``RECALLBOT_ALERT_TYPES``) is answered "ignored"
and not kept; any other is recorded once by id (``store.alerts.record``): a redelivery with
nothing new is a duplicate, one with something new makes its message owed again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from bot.alerts.events import EventShapes, SafetyEvent, read_event
from bot.plumbing import logs
from bot.plumbing.timefmt import utcnow
from bot.store import Store

_log = logging.getLogger("recallbot.alerts")

InboxOutcome = Literal["accepted", "updated", "duplicate", "ignored"]


@dataclass
class AlertInbox:
    """Records safety events for the alert poster (``NotAnEvent`` for a body it cannot read)."""

    store: Store
    shapes: EventShapes
    types: frozenset[str]
    clock: Callable[[], datetime] = utcnow
    on_new: Callable[[], None] = field(default=lambda: None)  # wake the poster

    def accept_payload(self, data: Any) -> InboxOutcome:
        """A webhook body or a list item: read it, then ``accept`` it."""
        return self.accept(read_event(data, self.shapes))

    def accept(self, event: SafetyEvent) -> InboxOutcome:
        """Record an event unless its type is not posted; what became of it."""
        if event.type.lower() not in self.types:
            return "ignored"
        with logs.context(event_id=event.id):
            outcome = self.store.alerts.record(event, self.clock())
            if outcome != "duplicate":
                _log.info("safety event %s (%s) %s", event.id, event.type, outcome)
                self.on_new()
        return outcome
