"""Issue 9's chaos run, small: Requests and completions while ``recallbot run`` is SIGKILLed at
random moments and restarted at once, with store locks, Slack 5xx and Motive 429 storms; and
issue 20's faults, small: safety events meeting a slow clip host, an out-of-order and re-signed
redelivery and a Slack refusal window, a kill mid-encode, and trickling HTTP clients.
``bench/chaos.py`` runs the same at size (50+ kills) and as a soak."""

from pathlib import Path

from bot.sandbox.chaos import Chaos, ChaosPlan
from tests import leaks
from tests.processes import ROOT


def _orphans() -> set[int]:
    return leaks.orphans_of(ROOT)


def test_one_recall_and_one_answer_per_request_through_kills_and_faults(tmp_path: Path) -> None:
    plan = ChaosPlan(requests=8, kills=5, encode_kills=0, idle_s=0)
    report = Chaos(plan, tmp_path, _orphans).run()
    assert report.problems == [], f"{report.summary()}: {report.problems}"
    assert report.requests == 8
    assert report.kills >= 5
    assert report.creates == report.requests - report.nothing_requested
    assert report.answers == report.creates + report.repeats


def test_events_and_footage_keep_their_promises_through_issue_20s_faults(tmp_path: Path) -> None:
    plan = ChaosPlan(
        requests=1, kills=1, faults=False, events=4, event_every_s=0.5, auto_budget=2,
        encode_kills=1, tricklers=120, trickle_s=4, idle_s=0,
    )  # fmt: skip
    report = Chaos(plan, tmp_path, _orphans).run()
    assert report.problems == [], f"{report.summary()}: {report.problems}"
    assert set(report.faults) == {"slow clip hosts", "out-of-order and re-signed deliveries",
                                  "Slack refusal windows", "trickling HTTP clients"}  # fmt: skip
    assert report.alerts.events == report.alerts.messages == 4, "each event one message"
    shared = 4 - report.alerts.clips_refused  # a clip due inside the window is refused for good
    # once each; a kill between Slack's share and the store's record shares that file once
    # more (the documented window, counted as a repeat; a third copy is one of the problems)
    assert report.alerts.clips == 2 * shared + report.alerts.repeats, "each event's clip and still"
    ((spent, allowed, asked),) = report.alerts.spent.values()
    assert (spent, allowed, asked) == (2, 2, 4), "two hard brakes, a budget for one"
    assert report.encode_kills == 1
    assert report.footage == report.requests == 2, "a Request and the one killed mid-encode"
    assert report.orphans == 0
