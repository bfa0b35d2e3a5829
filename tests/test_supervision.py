"""The tracker's loop cannot die silently: whatever ends it is logged, the loop is restarted,
and health says it is down while it is (issue 9, "make it impossible")."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import TrackedRecall
from bot.tracking.health import Health
from tests.conftest import eventually, recall_of
from tests.tracker_world import Recorder, world


class Dying(Recorder):
    """A notifier whose first status update ends the thread it runs on (as a SystemExit from
    deep inside a library would): not an Exception, so no cycle can catch it."""

    died = 0

    def status_changed(self, recall: TrackedRecall) -> None:
        if not self.died:
            self.died += 1
            raise SystemExit("a library called sys.exit()")
        super().status_changed(recall)


def test_a_loop_ended_by_anything_is_restarted_and_reported_down_meanwhile(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with world(tmp_path) as w:
        w.tracker.notifier = w.notifier = Dying()
        health = Health(w.store, w.tracker)
        w.tracker.start()
        eventually(lambda: health.live()["ok"])
        w.ask(recall_of(w.sandbox))
        w.advance(200)  # processing at Motive: the status update is due
        w.tracker.wake()
        down = []
        eventually(lambda: down.append(health.live()) or not down[-1]["ok"])
        assert down[-1]["tracker"]["problem"] == "the tracker loop is not running"
        eventually(lambda: health.live()["ok"], timeout=10)
        assert "the tracker loop ended unexpectedly; restarting it" in caplog.text
        w.advance(20 * 60)
        w.tracker.wake()
        eventually(lambda: len(w.notifier.deliveries) == 1, timeout=10)
