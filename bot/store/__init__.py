"""The store: every recall, where it came from, drafts, inbound event ids, the audit log and
what we learned about vehicles, Motive's safety events and image captures, in one SQLite file
(``RECALLBOT_DB``).

One module per thing kept, each a small class of named queries over one shared
``Connection`` (``connection.py``: one lock, ``BEGIN IMMEDIATE`` writes, the schema migrated on
opening). Callers ask the part they need: ``store.recalls.claim_due(...)``,
``store.audit.add(...)``. Where one change spans two parts (a draft used by the recall it
becomes, a webhook recorded once), the part that owns the change calls the other's
``*_in(db, ...)`` function inside its own transaction; a caller that changes several parts at
once (a recall's state, then its audit line) does so inside ``store.together()``, whose
transaction the parts' own writes join.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from bot.plumbing.closing import ClosedOnExit
from bot.store.alerts import AlertOutcome, AlertRow, Alerts, AutoDecision
from bot.store.audit import AuditLog
from bot.store.captures import Captures, CaptureState, TrackedCapture
from bot.store.connection import Connection
from bot.store.drafts import Drafts
from bot.store.errors import DraftUsed, StoreError
from bot.store.fleet_facts import FleetFacts
from bot.store.inbound import InboundEvents
from bot.store.media import MediaRecords
from bot.store.recalls import Recalls
from bot.store.rows import (
    AuditEntry,
    Delivery,
    Origin,
    PendingRequest,
    RecallState,
    TrackedRecall,
    WebhookOutcome,
)

__all__ = [
    "AlertOutcome",
    "AlertRow",
    "AuditEntry",
    "AutoDecision",
    "CaptureState",
    "Delivery",
    "DraftUsed",
    "Origin",
    "PendingRequest",
    "RecallState",
    "Store",
    "StoreError",
    "TrackedCapture",
    "TrackedRecall",
    "WebhookOutcome",
]


class Store(ClosedOnExit):
    """The store's parts over one connection. Thread-safe; ``with Store(...)`` closes it."""

    def __init__(
        self, path: str | Path, busy_timeout_s: float = 10.0, read_only: bool = False
    ) -> None:
        """Open (and, unless ``read_only``, create and migrate) the store at ``path``;
        ``StoreError`` says why it cannot be used and what to do."""
        self.path = Path(path)
        self.connection = Connection(self.path, busy_timeout_s, read_only)
        self.db = self.connection.db  # the sqlite_utils Database, for inspection
        self.recalls = Recalls(self.connection)
        self.drafts = Drafts(self.connection)
        self.inbound = InboundEvents(self.connection)
        self.audit = AuditLog(self.connection)
        self.fleet_facts = FleetFacts(self.connection)
        self.media = MediaRecords(self.connection, self.recalls)
        self.alerts = Alerts(self.connection)
        self.captures = Captures(self.connection)

    def together(self, durable: bool = False) -> AbstractContextManager[object]:
        """One transaction for the changes made inside it, whichever parts make them (a
        recall's new state and its audit line): whoever reads one finds the other, and a crash
        keeps both or neither. ``durable``: fsynced when it ends, as a part's durable write
        inside it must be."""
        return self.connection.write(durable)

    def schema_version(self) -> int:
        """The schema version the file is at."""
        return self.connection.schema_version()

    def writable(self, timeout_s: float = 0.25) -> str | None:
        """None when a write could start now, else why not (for health checks)."""
        return self.connection.writable(timeout_s)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()
