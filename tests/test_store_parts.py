"""Each part of the store read and used alone, over a bare connection."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.recall import RecallRequest
from bot.store.audit import AuditLog
from bot.store.connection import Connection
from bot.store.drafts import Drafts
from bot.store.fleet_facts import FleetFacts
from bot.store.inbound import InboundEvents
from bot.store.rows import Origin

NOW = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)


@pytest.fixture
def connection(tmp_path: Path) -> Connection:
    return Connection(tmp_path / "parts.db", busy_timeout_s=1.0, read_only=False)


def test_a_draft_is_used_once_and_only_by_its_requester(connection: Connection) -> None:
    drafts = Drafts(connection)
    request = RecallRequest(vehicle_number="42", start_time=NOW - timedelta(days=1), duration=2)
    draft = drafts.add(request, "U1", NOW, phrase="truck 42")
    assert drafts.get(draft.id) == draft
    assert not drafts.use(draft.id, "U2", NOW)
    assert drafts.use(draft.id, "U1", NOW)
    assert not drafts.use(draft.id, "U1", NOW)
    used = drafts.get(draft.id)
    assert used is not None
    assert used.used_at == NOW


def test_a_draft_as_added_is_the_draft_read_back(connection: Connection) -> None:
    """``add`` answers the draft it built without reading it back: every column it writes
    (origin, moment, several requests, a clock in another zone) must read back the same."""
    drafts, chicago = Drafts(connection), ZoneInfo("America/Chicago")
    first = RecallRequest(vehicle_number="42", start_time=NOW - timedelta(days=1), duration=2)
    second = first.model_copy(update={"vehicle_number": "1207"})
    moment = (NOW - timedelta(hours=2)).astimezone(chicago)
    origin = Origin(surface="slack", team_id="T1", channel_id="C1", thread_ts="1.2",
                    user_id="U1", moment=moment)  # fmt: skip
    draft = drafts.add(first, "U1", NOW.astimezone(chicago), "trucks 42 and 1207", origin,
                       "https://hooks.slack.test/r/1", more=[second])  # fmt: skip
    assert drafts.get(draft.id) == draft
    assert draft.every == (first, second)
    assert draft.created_at.tzinfo == UTC
    assert draft.origin_for("U1", None).moment == origin.moment


def test_the_audit_log_appends_in_order(connection: Connection) -> None:
    audit = AuditLog(connection)
    audit.add("U1", "requested", "r1", vehicle="42")
    audit.add("U2", "refused", reason="not_allowed")
    entries = audit.entries()
    assert [(e.actor, e.action, e.recall_id) for e in entries] == [
        ("U1", "requested", "r1"),
        ("U2", "refused", None),
    ]
    assert entries[0].detail == {"vehicle": "42"}


def test_inbound_ids_and_fleet_facts_stand_alone(connection: Connection) -> None:
    inbound, facts = InboundEvents(connection), FleetFacts(connection)
    assert inbound.first_time("slack-event:Ev1", NOW)
    assert not inbound.first_time("slack-event:Ev1", NOW)
    assert inbound.forget(NOW + timedelta(seconds=1)) == 1
    facts.learn_smart_dashcam("7", NOW)
    assert facts.smart_dashcams() == {"7"}
