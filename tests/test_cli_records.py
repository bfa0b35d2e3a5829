"""`recallbot request --detach`, `status` and `list`: what the store holds, as a person sees it."""

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sandbox.motive import MotiveSandbox
from bot.store import RecallState, Store
from tests.processes import SPEED, Recallbot


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[Recallbot]:
    with MotiveSandbox(speed=float(SPEED)) as sandbox:
        yield Recallbot(sandbox, tmp_path / "recallbot.db")


def test_detach_returns_at_once_and_says_how_to_follow(bot: Recallbot) -> None:
    done = bot.run("request", "--detach", "truck 42 yesterday 3pm")
    recall = bot.recall()
    assert f"requested: recall {recall.id}" in done.stdout
    assert "recallbot track" in done.stdout
    assert recall.state == "pending"


def test_status_shows_a_recall_before_and_after_it_is_answered(bot: Recallbot) -> None:
    bot.run("request", "--detach", "truck 42 yesterday 3pm 2 min front and driver")
    recall = bot.recall()
    before = bot.run("status", recall.id).stdout
    assert f"recall {recall.id} (Motive {recall.motive_id}): pending" in before
    assert "42 · regular · 2 min · Road-facing, Driver-facing" in before
    assert "answer: none" in before
    bot.run("track", "--until-done")
    after = bot.run("status").stdout  # the latest recall
    assert f"recall {recall.id}" in after
    assert "success" in after
    assert "answer: delivered" in after
    assert after.count("/media/") == 2


def test_status_and_list_say_when_an_answer_was_given_up(bot: Recallbot) -> None:
    bot.run("request", "--detach", "truck 42 yesterday 3pm")
    recall = bot.recall()
    now = datetime.now(UTC)
    with Store(bot.db) as store:  # as the tracker leaves it when Slack archived the channel
        store.recalls.mark_ended(recall.id, RecallState.FAILED, "Motive said no", now)
        store.recalls.claim_delivery(recall.id, "a1", now, now)
        store.recalls.give_up_delivery(recall.id, "a1", "Slack refused (is_archived): archived")
    shown = bot.run("status", recall.id).stdout
    assert "answer: undeliverable, given up after 1 tries: Slack refused (is_archived)" in shown
    assert "the thread never got it" in shown
    (line,) = bot.run("list").stdout.splitlines()[1:]
    assert line.endswith("answer undeliverable")


def test_status_json_is_the_stored_recall(bot: Recallbot) -> None:
    bot.run("request", "--detach", "truck 42 yesterday 3pm")
    recall = bot.recall()
    shown = json.loads(bot.run("status", recall.id, "--json").stdout)
    assert shown["id"] == recall.id
    assert shown["request"]["vehicle_number"] == "42"
    assert shown["origin"]["surface"] == "cli"


def test_list_shows_the_latest_first(bot: Recallbot) -> None:
    bot.run("request", "--detach", "truck 42 yesterday 3pm")
    bot.run("request", "--detach", "truck 1207 yesterday 3pm")
    header, *lines = bot.run("list").stdout.splitlines()
    assert header.split()[:2] == ["RECALL", "STATE"]
    assert len(lines) == 2
    assert "1207" in lines[0]
    assert "42" in lines[1]
    assert len(json.loads(bot.run("list", "--json").stdout)) == 2


def test_asking_again_for_the_same_footage_returns_the_first_recall(bot: Recallbot) -> None:
    bot.run("request", "--detach", "truck 42 yesterday 3pm")
    again = bot.run("request", "--detach", "truck 42 yesterday 3pm")
    assert "already requested" in again.stdout
    assert bot.sandbox.creates() == 1


def test_audit_exports_every_request_and_delivery_as_json_lines(bot: Recallbot) -> None:
    bot.run("request", "--detach", "truck 42 yesterday 3pm")
    bot.run("track", "--until-done")
    recall = bot.recall()
    entries = [json.loads(line) for line in bot.run("audit", "--json").stdout.splitlines()]
    assert [e["action"] for e in entries] == ["requested", "submitted", "delivered"]
    assert {e["recall_id"] for e in entries} == {recall.id}
    text = bot.run("audit", "--since", "1d").stdout.splitlines()
    assert len(text) == 3
    assert f"delivered        {recall.id}" in text[-1]
    assert bot.run("audit", "--since", "2999-01-01").stdout == ""


def test_audit_refuses_a_since_it_cannot_read(bot: Recallbot) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "audit", "--since", "last tuesday"],
        env=bot.env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "give a span (24h, 7d)" in done.stderr


def test_status_and_list_show_a_looks_captures_by_either_id(bot: Recallbot) -> None:
    bot.run("look", "42", "--camera", "front", "--camera", "rear", "--detach")
    with Store(bot.db, read_only=True) as store:
        captures = store.captures.recent(10)
    assert len(captures) == 2
    look_id = captures[0].look_id
    bot.run("track", "--until-done")
    by_look = bot.run("status", look_id).stdout
    assert by_look.count(f"(look {look_id}, Motive ") == 2
    assert "Vehicle 42 · Road-facing · a still, now" in by_look
    assert "Vehicle 42 · Rear · a still, now" in by_look
    assert by_look.count("answer: delivered") == 2
    assert by_look.count("picture taken at") == 2
    one = bot.run("status", captures[0].id, "--json").stdout
    assert json.loads(one)["id"] == captures[0].id
    listed = bot.run("list").stdout
    assert "no recalls yet" in listed
    rows = listed.split("CAPTURE", 1)[1].splitlines()[1:]
    assert [row.split()[:3] for row in rows] == [[c.id, look_id, "success"] for c in captures]
    assert json.loads(bot.run("list", "--json").stdout) == [], "--json: the recalls, as before"
    missing = subprocess.run(
        [sys.executable, "-m", "bot.cli", "status", "lnothere0"],
        env=bot.env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert missing.returncode == 1
    assert missing.stdout == "no look or capture lnothere0\n"
