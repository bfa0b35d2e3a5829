"""Work after the ack: failures are answered, and a stop never leaves a person waiting."""

from __future__ import annotations

import logging
import threading

import pytest

from bot.plumbing.background import Background, ShuttingDown
from tests.slack_world import wait_for


def test_a_failing_job_is_answered_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    told: list[BaseException] = []
    with Background("test", 2, finish_on_close=True) as pool:
        pool.run(lambda: 1 / 0 and None, told.append)
    assert [type(e) for e in told] == [ZeroDivisionError]
    assert pool.failures == 1
    assert "test job failed" in caplog.text


def test_a_failing_answer_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    def broken_answer(exc: BaseException) -> None:
        raise RuntimeError("Slack is down too")

    caplog.set_level(logging.ERROR)
    with Background("test", 1, finish_on_close=True) as pool:
        pool.run(lambda: 1 / 0 and None, broken_answer)
    assert "telling the person about a failure failed too" in caplog.text


def queue_behind_a_busy_worker(pool: Background, ran: list[int], told: list[BaseException]
                               ) -> threading.Event:  # fmt: skip
    """One job holding the only worker, three queued behind it; the event releases it."""
    release, started = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        release.wait(10)

    pool.run(hold, told.append)
    for n in range(3):
        pool.run(lambda n=n: ran.append(n), told.append)  # type: ignore[misc]
    assert started.wait(10)
    return release


def stop_while_busy(pool: Background, release: threading.Event, told: list[BaseException],
                    dropped: int) -> None:  # fmt: skip
    """Close the pool while its worker is busy; once ``dropped`` jobs were answered, free it."""
    closing = threading.Thread(target=pool.close)
    closing.start()
    wait_for(lambda: len(told) == dropped)  # cancelled (and answered) while the worker is busy
    release.set()
    closing.join(10)
    assert not closing.is_alive()


@pytest.mark.parametrize(
    ("finish_on_close", "runs", "answers"),
    [(False, [], [ShuttingDown] * 3), (True, [0, 1, 2], [])],
    ids=["queued previews are told to ask again", "queued requests still run"],
)
def test_what_happens_to_queued_jobs_on_stop(
    finish_on_close: bool, runs: list[int], answers: list[type[BaseException]]
) -> None:
    ran: list[int] = []
    told: list[BaseException] = []
    pool = Background("test", 1, finish_on_close=finish_on_close)
    release = queue_behind_a_busy_worker(pool, ran, told)
    stop_while_busy(pool, release, told, len(answers))
    assert ran == runs
    assert [type(e) for e in told] == answers
