"""Issue 20, item 8: storage and work stay bounded.

An idle bot's loops ask the store only what is owed, from partial indexes (so their work does
not grow with history), and retention removes old safety events, routine audit lines and
drafts, never a request or a refusal."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.connection import ts
from bot.tracking.retention import Retention, RetentionDays
from tests.alert_world import alert_world
from tests.processes import ROOT

OLD = datetime.now(UTC) - timedelta(days=400)
HISTORY = 3000
TABLES = ("alerts", "recalls", "origins", "audit", "drafts")


def _with_history(db: Path) -> None:
    """A store holding a long past: events posted and done, recalls answered with footage."""
    store = Store(db)
    with store.connection.write() as d:
        d.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO alerts (id, type, event, digest, event_at, received_at, updated_at, "
            "deliveries, posted_digest, channel_id, message_ts, post_tries, media_tries) "
            "SELECT 'old' || i, 'hard_brake', '{}', 'd', ?, ?, ?, 1, 'd', 'C0ALERTS', '1.' || i, "
            "0, 0 FROM n", (HISTORY, ts(OLD), ts(OLD), ts(OLD)),
        )  # fmt: skip
        d.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO recalls (id, fingerprint, request, requested_by, state, created_at, "
            "updated_at, deadline_at, attempts, cameras, delivery, poked, media, finished_at, "
            "delivered_at) SELECT 'r' || i, 'f' || i, '{}', 'U1', 'success', ?, ?, ?, 0, '[]', "
            "'delivered', 0, 'done', ?, ? FROM n", (HISTORY, *[ts(OLD)] * 5),
        )  # fmt: skip
        d.execute(
            "INSERT INTO origins (recall_id, surface, channel_id) SELECT id, 'slack', 'C1' "
            "FROM recalls"
        )
    store.close()


def _full_scans(db: sqlite3.Connection, statement: str) -> list[str]:
    """The tables a statement reads whole (a SCAN not through an index)."""
    plan = db.execute("EXPLAIN QUERY PLAN " + statement).fetchall()
    return [str(row[-1]) for row in plan
            if str(row[-1]).startswith("SCAN") and "INDEX" not in str(row[-1])
            and any(f" {t}" in str(row[-1]) for t in TABLES)]  # fmt: skip


def test_an_idle_bot_asks_only_what_is_owed_whatever_the_history(tmp_path: Path) -> None:
    _with_history(tmp_path / "recallbot.db")
    seen: set[str] = set()
    with alert_world(tmp_path) as world:
        store = world.app.runtime.store
        time.sleep(1.5)  # every loop has made a pass: the store's readers are open
        connections = [store.db.conn, *store.connection._readers]  # writer and read pool
        for traced in connections:
            traced.set_trace_callback(seen.add)
        time.sleep(3)  # a few passes of every loop
        for traced in connections:
            traced.set_trace_callback(None)
        connection = store.db.conn
        asked = [s for s in seen if s.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))]
        owed = [s for s in asked if "FROM alerts" in s or "FROM recalls" in s]
        assert owed, "the loops asked the store nothing: the test saw no pass"
        scans = {s[:120]: found for s in asked if (found := _full_scans(connection, s))}
        assert scans == {}, f"statements that read a whole table: {json.dumps(scans, indent=1)}"


def test_retention_forgets_old_events_routine_lines_and_drafts_only(tmp_path: Path) -> None:
    db = tmp_path / "recallbot.db"
    _with_history(db)
    store = Store(db)
    now = datetime.now(UTC)
    with store.connection.write() as d:
        d.execute("UPDATE alerts SET posted_digest = NULL WHERE id = 'old1'")  # still owed
        for action in ("alert_posted", "links_refreshed", "requested", "refused", "cancelled"):
            d.execute("INSERT INTO audit (at, actor, action, detail) VALUES (?, 'U1', ?, '{}')",
                      (ts(OLD), action))  # fmt: skip
        d.execute("INSERT INTO audit (at, actor, action, detail) VALUES (?, 'U1', "
                  "'alert_posted', '{}')", (ts(now),))  # fmt: skip
        for draft, made in (("dold", OLD), ("dnew", now)):
            d.execute("INSERT INTO drafts (id, request, requested_by, created_at) VALUES "
                      "(?, '{}', 'U1', ?)", (draft, ts(made)))  # fmt: skip
    removed = Retention(store, RetentionDays(alerts=90, audit=365, drafts=7)).prune()
    assert removed == {"alerts": HISTORY - 1, "audit": 2, "drafts": 1}
    assert [r["id"] for r in store.db.query("SELECT id FROM alerts")] == ["old1"], "owed: kept"
    kept = sorted(e.action for e in store.audit.entries())
    assert kept == ["alert_posted", "cancelled", "refused", "requested"]
    assert [r["id"] for r in store.db.query("SELECT id FROM drafts")] == ["dnew"]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM audit WHERE action = 'requested'")
    assert Retention(store, RetentionDays(0, 0, 7)).prune() == {"alerts": 0, "audit": 0,
                                                                 "drafts": 0}  # fmt: skip
    store.close()
    exported = subprocess.run(
        [sys.executable, "-m", "bot.cli", "audit", "--json"], cwd=ROOT,
        env={"RECALLBOT_DB": str(db), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    actions = sorted(json.loads(line)["action"] for line in exported.stdout.splitlines())
    assert actions == kept, "recallbot audit exports what the retention keeps"
