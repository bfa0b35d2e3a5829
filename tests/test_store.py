"""The store: durable, private, migrated, and safe when threads and processes race."""

import logging
import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.motive import RecallDetails
from bot.recall import RecallRequest
from bot.store import Origin, RecallState, Store, StoreError
from bot.store.schema import MIGRATIONS

NOW = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)
REQUEST = RecallRequest(vehicle_number="42", start_time=NOW - timedelta(days=1), duration=2)
SLACK = Origin(surface="slack", team_id="T1", channel_id="C1", thread_ts="1.2", user_id="U1")


def add(store: Store, request: RecallRequest = REQUEST, now: datetime = NOW):  # type: ignore[no-untyped-def]
    return store.recalls.add_submitting_many([request], "U1", SLACK, now,
                                             now + timedelta(hours=24), now - timedelta(hours=12),
                                             now + timedelta(minutes=2))[0]  # fmt: skip


def details(status: str, recall_id: str = "5000001") -> RecallDetails:
    return RecallDetails.model_validate({"id": recall_id, "status": status, "cameras": []})


def test_the_file_is_private_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    store = Store(tmp_path / "sub" / "recallbot.db")
    assert os.stat(store.path).st_mode & 0o777 == 0o600
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
    assert store.schema_version() == len(MIGRATIONS)


def test_commits_skip_the_fsync_except_the_rows_something_irreversible_follows(
    store: Store,
) -> None:
    normal, full = 1, 2
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == normal  # WAL: crash-safe
    with store.connection.write(durable=True) as db:
        assert db.execute("PRAGMA synchronous").fetchone()[0] == full
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == normal


def test_a_read_never_waits_for_another_threads_write_and_sees_only_commits(
    store: Store,
) -> None:
    first, _ = add(store)
    inside, done = threading.Event(), threading.Event()

    def writer() -> None:
        with store.connection.write() as db:
            db.execute("UPDATE recalls SET state = 'failed' WHERE id = ?", (first.id,))
            inside.set()
            done.wait(30)  # held until the read below has answered (or the test has failed)

    thread = threading.Thread(target=writer)
    thread.start()
    assert inside.wait(30)
    try:
        seen = store.recalls.get(first.id)  # one lock for all would wait for `done`: deadlock
        assert thread.is_alive(), "the write was still open while the read answered"
    finally:
        done.set()
        thread.join()
    assert seen is not None
    assert seen.state is RecallState.SUBMITTING, "the committed row, not the write's"
    after = store.recalls.get(first.id)
    assert after is not None
    assert after.state is RecallState.FAILED, "a read after the commit sees it"


def test_a_read_inside_a_write_sees_what_the_write_did(store: Store) -> None:
    first, _ = add(store)
    with store.connection.write() as db:
        db.execute("UPDATE recalls SET state = 'failed' WHERE id = ?", (first.id,))
        seen = store.recalls.get(first.id)
        db.execute("UPDATE recalls SET state = 'submitting' WHERE id = ?", (first.id,))
    assert seen is not None
    assert seen.state is RecallState.FAILED


def test_a_closed_store_refuses_reads(tmp_path: Path) -> None:
    store = Store(tmp_path / "recallbot.db")
    first, _ = add(store)
    assert store.recalls.get(first.id) is not None  # a reader was opened and kept
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        store.recalls.get(first.id)


def test_migrations_run_once_and_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "recallbot.db"
    Store(path).close()
    Store(path).close()  # reopening migrates nothing again
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(StoreError, match="newer than this recallbot"):
        Store(path)


def test_a_recall_is_written_with_its_origin_before_motive_is_called(store: Store) -> None:
    recall, new = add(store)
    assert new
    assert recall.state is RecallState.SUBMITTING
    assert recall.motive_id is None
    assert recall.origin == SLACK
    assert store.recalls.get(recall.id) == recall


def test_the_same_footage_in_flight_gets_the_existing_recall(store: Store) -> None:
    first, _ = add(store)
    again, new = add(store)
    assert not new
    assert again.id == first.id
    other, new_other = add(store, REQUEST.model_copy(update={"duration": 3}))
    assert new_other
    assert other.id != first.id


def test_recently_delivered_footage_is_reused_and_old_or_failed_is_not(store: Store) -> None:
    first, _ = add(store)
    store.recalls.mark_submitted(first.id, details("success"), NOW, NOW)
    assert add(store, now=NOW + timedelta(hours=11))[0].id == first.id
    assert add(store, now=NOW + timedelta(hours=13))[1], "outside the window: a new recall"
    failed_request = REQUEST.model_copy(update={"duration": 1})
    failed, _ = add(store, failed_request)
    store.recalls.mark_submitted(failed.id, details("failed", "5000002"), NOW, NOW)
    assert add(store, failed_request)[1], "a failed recall may be asked for again"


def test_identical_requests_racing_from_threads_make_one_recall(tmp_path: Path) -> None:
    path = tmp_path / "recallbot.db"
    Store(path).close()
    results: list[bool] = []

    def ask() -> None:
        store = Store(path)  # one connection each, like separate processes
        results.append(add(store)[1])
        store.close()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1


def test_due_recalls_are_leased_to_one_taker(tmp_path: Path) -> None:
    path = tmp_path / "recallbot.db"
    one, other = Store(path), Store(path)
    recall, _ = add(one)
    one.recalls.mark_submitted(recall.id, details("pending"), NOW, NOW)
    lease = timedelta(minutes=5)
    assert [r.id for r in one.recalls.claim_due(NOW, 10, lease)] == [recall.id]
    assert other.recalls.claim_due(NOW, 10, lease) == []
    assert [r.id for r in other.recalls.claim_due(NOW + lease, 10, lease)] == [recall.id]


def test_a_delivery_is_claimed_once_and_recorded_only_by_its_claimant(store: Store) -> None:
    recall, _ = add(store)
    store.recalls.mark_submitted(recall.id, details("success"), NOW, NOW)
    stale = NOW - timedelta(minutes=1)
    assert store.recalls.claim_delivery(recall.id, "a1", NOW, stale) is not None
    assert store.recalls.claim_delivery(recall.id, "a2", NOW, stale) is None
    assert not store.recalls.record_delivery(recall.id, "a2", NOW)
    assert store.recalls.record_delivery(recall.id, "a1", NOW)
    assert store.recalls.undelivered(NOW + timedelta(days=1), NOW + timedelta(days=1)) == []


def test_a_claim_never_recorded_goes_stale_and_is_claimed_again(store: Store) -> None:
    recall, _ = add(store)
    store.recalls.mark_submitted(recall.id, details("failed"), NOW, NOW)
    store.recalls.claim_delivery(recall.id, "crashed", NOW, NOW - timedelta(minutes=1))
    later = NOW + timedelta(minutes=2)
    owed = store.recalls.undelivered(later - timedelta(minutes=1), later)
    assert [r.id for r in owed] == [recall.id]
    reclaimed = store.recalls.claim_delivery(
        recall.id, "again", later, later - timedelta(minutes=1)
    )
    assert reclaimed is not None
    assert reclaimed.delivery_attempt == "again"


def test_a_failed_delivery_waits_for_its_next_try_then_may_end_undeliverable(
    store: Store,
) -> None:
    recall, _ = add(store)
    store.recalls.mark_submitted(recall.id, details("success"), NOW, NOW)
    stale = NOW - timedelta(minutes=1)
    store.recalls.claim_delivery(recall.id, "a1", NOW, stale)
    next_try = NOW + timedelta(seconds=20)
    assert store.recalls.retry_delivery(recall.id, "a1", "Slack refused (is_archived)", next_try)
    assert store.recalls.undelivered(stale, NOW) == []
    assert store.recalls.claim_delivery(recall.id, "early", NOW, stale) is None
    waited = store.recalls.must(recall.id)
    assert (waited.delivery, waited.delivery_tries, waited.delivery_next_at) == (
        "none", 1, next_try
    )
    assert [r.id for r in store.recalls.undelivered(stale, next_try)] == [recall.id]
    assert store.recalls.claim_delivery(recall.id, "a2", next_try, stale) is not None
    assert not store.recalls.give_up_delivery(recall.id, "a1", "not the claimant")
    assert store.recalls.give_up_delivery(recall.id, "a2", "Slack refused (is_archived)")
    ended = store.recalls.must(recall.id)
    assert (ended.delivery, ended.delivery_tries, ended.delivery_note) == (
        "undeliverable", 2, "Slack refused (is_archived)"
    )
    assert ended.delivery.ended
    assert store.recalls.undelivered(NOW + timedelta(days=1), NOW + timedelta(days=1)) == []
    assert store.recalls.outstanding() == 0


@pytest.mark.parametrize("end", ["record_delivery", "give_up_delivery"])
def test_an_answers_audit_line_is_written_with_its_end_and_only_by_its_claimant(
    store: Store, end: str
) -> None:
    """Whoever sees the answer's end finds its audit line: one transaction holds both (as
    ``DeliverOnce`` writes them), and an attempt that no longer holds the claim writes neither."""
    recall, _ = add(store)
    store.recalls.mark_submitted(recall.id, details("success"), NOW, NOW)
    store.recalls.claim_delivery(recall.id, "a1", NOW, NOW - timedelta(minutes=1))
    second = NOW if end == "record_delivery" else "Slack refused (is_archived)"

    def ended(attempt: str) -> bool:
        with store.together():
            done: bool = getattr(store.recalls, end)(recall.id, attempt, second)
            if done:
                store.audit.add("recallbot", end, recall.id, attempt=attempt)
        return done

    assert not ended("a2")
    assert store.audit.entries() == []
    assert ended("a1")
    (written,) = store.audit.entries()
    assert (written.action, written.recall_id, written.detail) == (
        end, recall.id, {"attempt": "a1"}
    )


def test_changes_made_together_are_seen_together_and_undone_together(store: Store) -> None:
    """A state and its audit line inside ``together()``: another thread's reader sees neither
    until the block ends, and an error inside it undoes both."""
    recall, _ = add(store)
    seen: list[tuple[str, int]] = []

    def look() -> None:
        seen.append((store.recalls.must(recall.id).state, len(store.audit.entries())))

    with store.together():
        store.recalls.mark_ended(recall.id, RecallState.EXPIRED, "too long", NOW)
        store.audit.add("recallbot", "expired", recall.id)
        reader = threading.Thread(target=look)
        reader.start()
        reader.join()
    assert seen == [("submitting", 0)]
    look()
    assert seen[-1] == ("expired", 1)

    other, _ = add(store, REQUEST.model_copy(update={"duration": 1}))

    def end_then_fail() -> None:
        with store.together():
            store.recalls.mark_ended(other.id, RecallState.EXPIRED, "too long", NOW)
            store.audit.add("recallbot", "expired", other.id)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        end_then_fail()
    assert store.recalls.must(other.id).state == "submitting"
    assert [e.recall_id for e in store.audit.entries()] == [recall.id]


def test_a_joined_write_that_fails_is_undone_alone(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """Its own savepoint: an error caught inside the block undoes that write only, and its
    audit line is neither kept nor logged."""
    recall, _ = add(store)
    caplog.set_level(logging.INFO, logger="recallbot.audit")
    with store.together():
        store.audit.add("U1", "kept", recall.id)
        try:
            with store.connection.write():
                store.audit.add("U1", "undone", recall.id)
                raise ValueError("the inner write fails")
        except ValueError:
            pass
        store.audit.add("U1", "kept too", recall.id)
    assert [e.action for e in store.audit.entries()] == ["kept", "kept too"]
    assert [r.getMessage() for r in caplog.records] == ["kept by U1 {}", "kept too by U1 {}"]


def test_a_transaction_sqlite_ended_inside_never_commits_what_follows(store: Store) -> None:
    """When SQLite rolls the whole transaction back (a full disk), the block cannot go on
    writing one statement at a time as if it were still inside it."""
    recall, _ = add(store)

    def ended_by_sqlite() -> None:
        with store.together():
            store.audit.add("U1", "lost", recall.id)
            try:
                with store.connection.write() as db:
                    db.execute("ROLLBACK")  # what SQLite does itself on SQLITE_FULL
                    raise sqlite3.OperationalError("database or disk is full")
            except sqlite3.OperationalError:
                pass
            store.audit.add("U1", "after", recall.id)

    with pytest.raises(StoreError, match="rolled this transaction back"):
        ended_by_sqlite()
    assert store.audit.entries() == []
    store.audit.add("U1", "later", recall.id)  # the store goes on
    assert [e.action for e in store.audit.entries()] == ["later"]


def test_an_audit_line_is_logged_once_committed_and_never_when_rolled_back(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    recall, _ = add(store)
    caplog.set_level(logging.INFO, logger="recallbot.audit")

    def rolled_back() -> None:
        with store.together():
            store.audit.add("recallbot", "expired", recall.id)
            raise RuntimeError("before the commit")

    with pytest.raises(RuntimeError):
        rolled_back()
    assert [r.getMessage() for r in caplog.records] == []
    store.audit.add("recallbot", "expired", recall.id)
    assert [r.getMessage() for r in caplog.records] == ["expired by recallbot {}"]


def test_a_durable_write_joins_only_a_durable_transaction(store: Store) -> None:
    """Its fsync comes with the outer commit: inside a write that is not durable it would not
    be fsynced, so it refuses, and nothing is written."""
    def add_inside() -> None:
        with store.together():
            add(store)

    with pytest.raises(RuntimeError, match="durable"):
        add_inside()
    assert store.recalls.recent(5) == []
    with store.together(durable=True):
        recall, _ = add(store)
        store.audit.add("U1", "requested", recall.id)
    assert [e.recall_id for e in store.audit.entries()] == [recall.id]


def test_a_finished_recall_is_never_moved_back_by_a_late_check(store: Store) -> None:
    recall, _ = add(store)
    store.recalls.mark_submitted(recall.id, details("processing"), NOW, NOW)
    store.recalls.apply_webhook(details("success"), NOW)
    after = store.recalls.record_check(
        recall.id, details("processing"), NOW, NOW + timedelta(minutes=1)
    )
    assert after.state is RecallState.SUCCESS
    assert after.next_check_at is None


def test_a_finished_recall_is_never_made_due_again_by_a_late_failure(store: Store) -> None:
    recall, _ = add(store)  # a create answered 429 after a tracker settled the row meanwhile
    store.recalls.mark_submitted(recall.id, details("processing"), NOW, NOW)
    store.recalls.apply_webhook(details("success"), NOW)
    later = NOW + timedelta(minutes=1)
    assert not store.recalls.record_check_failure(recall.id, "429", NOW, later)
    after = store.recalls.must(recall.id)
    assert after.state is RecallState.SUCCESS
    assert after.next_check_at is None, "never checked again"
    assert store.recalls.next_due() is None


def test_webhooks_are_applied_once_per_recall_and_status(store: Store) -> None:
    recall, _ = add(store)
    store.recalls.mark_submitted(recall.id, details("processing"), NOW, NOW + timedelta(hours=1))
    assert store.recalls.apply_webhook(details("success"), NOW) == "accepted"
    assert store.recalls.apply_webhook(details("success"), NOW) == "duplicate"
    assert store.recalls.apply_webhook(details("success", "999"), NOW) == "unknown"
    assert store.recalls.get(recall.id).state is RecallState.SUCCESS  # type: ignore[union-attr]


def test_the_audit_log_is_append_only(store: Store) -> None:
    store.audit.add("U1", "requested", None, phrase="truck 42")
    store.audit.add("U2", "refused", None, reason="not allowed")
    assert [(e.actor, e.action) for e in store.audit.entries()] == [
        ("U1", "requested"),
        ("U2", "refused"),
    ]
    assert store.audit.entries()[0].detail == {"phrase": "truck 42"}
    for statement in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db.execute(statement)


def test_inbound_event_ids_are_seen_once(store: Store) -> None:
    assert store.inbound.first_time("slack:Ev1", NOW)
    assert not store.inbound.first_time("slack:Ev1", NOW)


def test_learned_camera_limits_outlive_the_process(tmp_path: Path) -> None:
    Store(tmp_path / "db").fleet_facts.learn_smart_dashcam("7", NOW)
    assert Store(tmp_path / "db").fleet_facts.smart_dashcams() == {"7"}


def test_old_inbound_event_ids_are_forgotten(store: Store) -> None:
    store.inbound.first_time("old", NOW - timedelta(days=8))
    store.inbound.first_time("new", NOW)
    assert store.inbound.forget(NOW - timedelta(days=7)) == 1
    assert store.inbound.first_time("old", NOW)
    assert not store.inbound.first_time("new", NOW)


def test_the_first_status_message_recorded_is_the_recalls_even_when_recorded_twice(
    store: Store,
) -> None:
    recall, _ = add(store)
    assert store.recalls.set_status_message(recall.id, "1700000000.000100")[1]
    # A tracker found that same message (by the recall id it shows) and records it too: it is
    # still the recall's, so neither side may delete it.
    recorded, ours = store.recalls.set_status_message(recall.id, "1700000000.000100")
    assert ours
    assert recorded.origin is not None
    assert recorded.origin.status_ts == "1700000000.000100"
    assert not store.recalls.set_status_message(recall.id, "1700000000.000200")[1], "a second one"
