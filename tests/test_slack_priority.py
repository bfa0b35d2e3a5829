"""Request clicks before previews: a preview waits while a click is served, within a bound."""

from __future__ import annotations

import threading

from bot.plumbing.priority import Priority, UrgentBackground, YieldingBackground
from tests.slack_world import wait_for


def test_a_preview_starts_only_once_the_click_is_done() -> None:
    order: list[str] = []
    release, clicked = threading.Event(), threading.Event()

    def click() -> None:
        hold(clicked, release)
        order.append("click")

    priority = Priority()
    with (
        UrgentBackground("requests", 1, True, priority) as clicks,
        YieldingBackground("checks", 1, True, priority, max_wait_s=10) as previews,
    ):
        clicks.run(click)
        assert clicked.wait(10)
        previews.run(lambda: order.append("preview"))
        threading.Timer(0.2, release.set).start()
        wait_for(lambda: len(order) == 2)
    assert order == ["click", "preview"]


def hold(started: threading.Event, release: threading.Event) -> None:
    """A click still under way until ``release`` is set."""
    started.set()
    release.wait(10)


def test_a_long_click_holds_previews_back_only_for_the_bound() -> None:
    release, clicked, previewed = threading.Event(), threading.Event(), threading.Event()
    priority = Priority()
    with (
        UrgentBackground("requests", 1, True, priority) as clicks,
        YieldingBackground("checks", 1, True, priority, max_wait_s=0.05) as previews,
    ):
        clicks.run(lambda: hold(clicked, release))
        assert clicked.wait(10)
        previews.run(previewed.set)
        assert previewed.wait(10)  # the click is still under way: the bound let it start
        assert not release.is_set()
        release.set()


def test_a_failed_click_still_lets_previews_run() -> None:
    priority = Priority()
    ran = threading.Event()
    with (
        UrgentBackground("requests", 1, True, priority) as clicks,
        YieldingBackground("checks", 1, True, priority, max_wait_s=10) as previews,
    ):
        clicks.run(lambda: 1 / 0 and None)
        wait_for(lambda: clicks.pending == 0)
        previews.run(ran.set)
        assert ran.wait(5)
