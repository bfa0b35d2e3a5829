"""The App Home tab: published when opened, refreshed when one of your recalls changes state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.ids import ActionId
from bot.sandbox.faults import Fault, FaultKind
from bot.sandbox.slack_view import plain, text_of
from tests.slack_world import SlackWorld, slack_world, wait_for


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as running:
        yield running


def open_home(world: SlackWorld, user: str = "U0DEMO") -> dict[str, Any]:
    """The person opens recallbot's Home tab; the tab published for them."""
    before = len(world.slack.homes.get(user, []))
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
    world.slack.post_event(world.url, world.slack.event_payload(event))
    return dict(wait_for(lambda: world.slack.homes.get(user, [])[before:])[-1])


def shown(home: dict[str, Any]) -> str:
    return plain(text_of(home))


def test_the_home_tab_shows_recalls_quota_and_the_cheat_sheet(world: SlackWorld) -> None:
    home = open_home(world)
    assert home["type"] == "home"
    text = shown(home)
    assert "You have not asked for any recall yet." in text
    assert "Regular: 0 of 600 minutes used, 600 left" in text
    assert "Time-lapse: 0 of 300 minutes used, 300 left" in text
    assert "/recall truck 42 yesterday 3pm 2 min front only" in text


def test_the_tab_follows_your_recall_as_it_changes(world: SlackWorld) -> None:
    open_home(world)
    preview, payload = world.preview("truck 42 yesterday 3pm 2 min front only")
    world.press(preview, ActionId.SUBMIT, payload)
    world.answered()
    recall = world.app.runtime.store.recalls.recent(1)[0]
    home = wait_for(lambda: next((h for h in reversed(world.slack.homes["U0DEMO"])
                                  if f"{recall.id}` success" in shown(h)), None))  # fmt: skip
    text = shown(home)
    assert "vehicle 42" in text
    assert "thread (https://sandbox.slack.com/archives/C0SAFETY/" in text
    assert "Regular: 2 of 600 minutes used, 598 left" in text
    assert len(world.slack.homes["U0DEMO"]) >= 3, "opened, then pending, then success"


def test_only_people_who_opened_the_tab_get_it_refreshed(world: SlackWorld) -> None:
    open_home(world, "U0LA")
    preview, payload = world.preview("truck 42 yesterday 3pm 2 min front only")
    world.press(preview, ActionId.SUBMIT, payload)
    world.answered()
    store = world.app.runtime.store
    wait_for(lambda: store.recalls.recent(1)[0].delivery == "delivered")  # the last change was told
    wait_for(lambda: world.app.deps.checks.pending == 0)
    assert "U0DEMO" not in world.slack.homes
    assert len(world.slack.homes["U0LA"]) == 1
    assert "You have not asked for any recall yet." in shown(world.slack.homes["U0LA"][0])


def test_without_motive_the_tab_still_shows_your_recalls(world: SlackWorld) -> None:
    quota = "/video_recall_requests/quota"
    world.motive.faults.arm(Fault(kind=FaultKind.ERROR, status=503, count=50, path=quota))
    assert "Motive did not say just now" in shown(open_home(world))
