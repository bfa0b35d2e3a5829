"""Kill recallbot (SIGKILL, a real process) at each step, start it again, and count.

Every recall is delivered; none is created twice; none is delivered twice, except in the one
documented window: killed after delivering but before recording it, the answer is sent once more.
"""

from pathlib import Path

from bot.sandbox.motive import MotiveSandbox
from bot.store import Delivery, RecallState, Store
from tests.processes import Recallbot

PHRASE = "truck 42 yesterday 3pm 2 min front"


def test_killed_after_the_row_is_written_the_recall_is_created_on_restart(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    bot.killed_at("after_row", "request", "--detach", PHRASE)
    assert fast_sandbox.creates() == 0
    assert bot.recall().state is RecallState.SUBMITTING
    bot.run("track", "--until-done")
    assert fast_sandbox.creates() == 1
    assert bot.recall().state is RecallState.SUCCESS
    assert bot.recall().delivery is Delivery.DELIVERED
    assert bot.deliveries() == 1


def test_killed_after_motive_accepted_the_recall_is_found_not_made_again(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    bot.killed_at("after_accept", "request", "--detach", PHRASE)
    assert fast_sandbox.creates() == 1
    orphan = bot.recall()
    assert orphan.state is RecallState.SUBMITTING
    assert orphan.motive_id is None
    bot.run("track", "--until-done")
    assert fast_sandbox.creates() == 1, "the create was not repeated"
    assert bot.recall().motive_id == str(next(iter(fast_sandbox.rules.recalls)))
    assert bot.recall().delivery is Delivery.DELIVERED
    assert bot.deliveries() == 1


def test_killed_after_delivering_before_recording_the_answer_is_sent_at_most_once_more(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    bot.run("request", "--detach", PHRASE)
    bot.killed_at("after_deliver", "track", "--until-done")
    assert bot.deliveries() == 1
    assert bot.recall().delivery is Delivery.CLAIMED
    bot.run("track", "--until-done")
    assert bot.deliveries() == 2, "the documented window: one repeat, nothing lost"
    assert bot.recall().delivery is Delivery.DELIVERED
    assert fast_sandbox.creates() == 1


def test_a_tracker_restarted_mid_recall_resumes_it(
    fast_sandbox: MotiveSandbox, tmp_path: Path
) -> None:
    bot = Recallbot(fast_sandbox, tmp_path / "recallbot.db")
    bot.run("request", "--detach", PHRASE)
    bot.run("request", "--detach", "truck 1207 yesterday 3pm")
    fast_sandbox.clock.advance(60)
    bot.run("track", "--until-done")
    store = Store(bot.db)
    assert {r.delivery for r in store.recalls.recent(10)} == {Delivery.DELIVERED}
    store.close()
    assert fast_sandbox.creates() == 2
    assert bot.deliveries() == 2
