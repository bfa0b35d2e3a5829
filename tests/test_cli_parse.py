"""The `recallbot parse` contract other tools rely on, exercised as a real process."""

import json
import os
import subprocess
import sys
from pathlib import Path

NOW = "2026-11-24T16:30:00-06:00"
ROOT = Path(__file__).resolve().parent.parent


def _run(
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    python: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    unset = {name: value for name, value in os.environ.items() if not name.startswith("RECALLBOT_")}
    return subprocess.run(
        [sys.executable, *python, "-m", "bot.cli", "parse", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**unset, **(env or {})},
        check=False,
    )


def test_a_phrase_prints_exactly_the_contract_object() -> None:
    done = _run("truck 42 yesterday 3pm 2 min front only", "--tz", "America/Chicago", "--now", NOW)
    assert done.returncode == 0
    answer = json.loads(done.stdout)
    assert list(answer) == ["ok", "request", "requests", "inferred"]
    assert answer["requests"] == [answer["request"]], "always present: one element for one"
    assert answer["ok"] is True
    assert answer["request"] == {
        "vehicle_number": "42",
        "asset_name": None,
        "start_time": "2026-11-23T21:00:00Z",
        "duration": 2,
        "recall_type": "regular",
        "camera_positions": ["front_facing"],
    }
    assert all(set(item) == {"kind", "message"} for item in answer["inferred"])


def test_a_refused_phrase_exits_zero_with_code_and_message() -> None:
    done = _run("truck 42 yesterday 3pm 10 min", "--tz", "America/Chicago", "--now", NOW)
    assert done.returncode == 0
    answer = json.loads(done.stdout)
    assert answer == {
        "ok": False,
        "error": {"code": "duration_not_allowed", "message": answer["error"]["message"]},
    }
    assert "timelapse" in answer["error"]["message"]


def test_words_without_quotes_are_one_phrase() -> None:
    done = _run("truck", "42", "2h", "ago", "--tz", "America/Chicago", "--now", NOW)
    assert json.loads(done.stdout)["request"]["start_time"] == "2026-11-24T20:30:00Z"


def test_jsonl_answers_every_line_in_order() -> None:
    lines = ["truck 42 yesterday 3pm", "", "truck 42 tomorrow", "unit 77 2h ago inside"]
    done = _run("--jsonl", "--tz", "America/Chicago", "--now", NOW, stdin="\n".join(lines) + "\n")
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["ok"] for a in answers] == [True, False, False, True]
    assert answers[1]["error"]["code"] == "no_vehicle"
    assert answers[2]["error"]["code"] == "future_time"
    assert answers[3]["request"]["vehicle_number"] == "77"


def test_jsonl_flushes_each_answer_before_reading_the_next_line() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "parse", "--jsonl", "--tz", "UTC", "--now", NOW],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        for phrase in ["truck 1 yesterday 3pm", "truck 2 yesterday 3pm"]:
            process.stdin.write(phrase + "\n")
            process.stdin.flush()
            answer = json.loads(process.stdout.readline())  # blocks unless the answer was flushed
            assert answer["request"]["vehicle_number"] == phrase.split()[1]
    finally:
        process.stdin.close()
        assert process.wait(timeout=30) == 0


def test_the_default_zone_comes_from_settings() -> None:
    done = _run(
        "truck 42 yesterday 3pm", "--now", NOW, env={"RECALLBOT_DEFAULT_TZ": "America/New_York"}
    )
    assert json.loads(done.stdout)["request"]["start_time"] == "2026-11-23T20:00:00Z"


def test_the_default_zone_and_most_targets_come_from_dot_env_as_for_every_command(
    tmp_path: Path,
) -> None:
    (tmp_path / ".env").write_text(
        "# the office\n"
        'RECALLBOT_DEFAULT_TZ="America/Chicago"\n'
        "RECALLBOT_DEFAULT_TZ='America/New_York'  # the last line wins, as for Settings\n"
        "export RECALLBOT_MAX_TARGETS=2 # no more than two at once\n"
    )
    done = _run("truck 42 yesterday 3pm", "--now", NOW, cwd=tmp_path)
    assert json.loads(done.stdout)["request"]["start_time"] == "2026-11-23T20:00:00Z"
    done = _run("trucks 1, 2 and 3 yesterday 3pm", "--tz", "UTC", "--now", NOW, cwd=tmp_path)
    assert "at most 2" in json.loads(done.stdout)["error"]["message"]
    done = _run("truck 42 yesterday 3pm", "--now", NOW, cwd=tmp_path,
                env={"recallbot_default_tz": "America/Los_Angeles"})  # fmt: skip
    assert json.loads(done.stdout)["request"]["start_time"] == "2026-11-23T23:00:00Z"


def test_a_wrong_default_zone_or_most_targets_is_one_line_naming_the_setting() -> None:
    for name, value, expected in [
        ("RECALLBOT_DEFAULT_TZ", "Mars/Base", "'Mars/Base' is not an IANA time zone"),
        ("RECALLBOT_MAX_TARGETS", "50", "less than or equal to 20"),
        ("RECALLBOT_MAX_TARGETS", "two", "valid integer"),
    ]:
        done = _run("truck 42 yesterday 3pm", "--now", NOW, env={name: value})
        assert done.returncode == 2, (name, value)
        assert done.stdout == ""
        assert done.stderr.startswith(f"recallbot parse: {name}={value!r}: "), done.stderr
        assert expected in done.stderr
        assert "Traceback" not in done.stderr


def test_parsing_loads_neither_pydantic_nor_dateparser() -> None:
    for args, stdin in [
        (("truck 42 nov 22 3pm", "--tz", "America/Chicago"), None),
        (("truck 42 yesterday 3pm",), None),
        (("--jsonl",), "truck 42 yesterday 3pm\n22nd of november 1pm unit 7 front\n"),
    ]:
        done = _run(*args, "--now", NOW, stdin=stdin, python=("-X", "importtime"),
                    env={"RECALLBOT_DEFAULT_TZ": "America/Chicago"})  # fmt: skip
        assert done.returncode == 0, done.stderr
        imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
        loaded = sorted(m for m in imported if m.startswith(("pydantic", "dateparser")))
        assert loaded == [], (args, loaded)


def test_explain_prints_what_was_understood_for_people() -> None:
    done = _run("--explain", "truck 42 yesterday 3pm", "--tz", "America/Chicago", "--now", NOW)
    assert "vehicle 42" in done.stdout
    assert "Mon Nov 23, 3:00 PM CST" in done.stdout
    assert "2026-11-23 21:00 UTC" in done.stdout


def test_usage_errors_exit_two_and_say_what_is_wrong() -> None:
    for args, expected in [
        (("truck 42", "--now", "2026-11-24T16:30"), "no UTC offset"),
        (("truck 42", "--now", "yesterday"), "not an ISO 8601 instant"),
        (("truck 42", "--tz", "Mars/Base"), "not an IANA time zone"),
        ((), "give a phrase"),
        (("truck 42", "--jsonl"), "give a phrase"),
    ]:
        done = _run(*args)
        assert done.returncode == 2, args
        assert expected in done.stderr
