"""Issue 9's chaos run, small: Requests and completions while ``recallbot run`` is SIGKILLed at
random moments and restarted at once, with store locks, Slack 5xx and Motive 429 storms.
``bench/chaos.py`` runs the same at size (50+ kills) and as a soak."""

from pathlib import Path

from bot.sandbox.chaos import Chaos, ChaosPlan


def test_one_recall_and_one_answer_per_request_through_kills_and_faults(tmp_path: Path) -> None:
    report = Chaos(ChaosPlan(requests=8, kills=5), tmp_path).run()
    assert report.problems == [], f"{report.summary()}: {report.problems}"
    assert report.requests == 8
    assert report.kills >= 5
    assert report.creates == report.requests - report.nothing_requested
    assert report.answers == report.creates + report.repeats
