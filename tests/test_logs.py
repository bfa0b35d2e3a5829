"""How recallbot logs: one line per record, text or JSON, with what it is about, nothing secret."""

import io
import json
import logging
import threading
from collections.abc import Iterator

import pytest

from bot.plumbing import logs
from bot.plumbing.background import Background

TOKEN = "xoxb-123456-abcdef-secret"
LINK = "https://media.gomotive.com/recalls/42/front.mp4?X-Amz-Signature=abc123&X-Amz-Expires=3600"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    out = io.StringIO()
    yield out
    logging.getLogger().handlers.clear()


def _lines(out: io.StringIO) -> list[str]:
    return out.getvalue().splitlines()


def test_json_lines_carry_time_level_logger_and_context(stream: io.StringIO) -> None:
    logs.configure("INFO", "json", [TOKEN], stream)
    with logs.context(recall_id="r1", user="U1"), logs.context(channel="C1"):
        logging.getLogger("recallbot.tracker").info("checked: Motive says %s", "processing")
    logging.getLogger("recallbot.tracker").debug("not at INFO")
    (line,) = _lines(stream)
    record = json.loads(line)
    assert record["level"] == "INFO"
    assert record["logger"] == "recallbot.tracker"
    assert record["message"] == "checked: Motive says processing"
    assert (record["recall_id"], record["channel"], record["user"]) == ("r1", "C1", "U1")
    assert record["time"].endswith("Z")


def test_text_lines_and_errors_with_their_traceback(stream: io.StringIO) -> None:
    logs.configure("DEBUG", "text", [], stream)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("recallbot.x").exception("it failed", extra={"recall_id": "r9"})
    text = stream.getvalue()
    assert " ERROR recallbot.x [recall_id=r9] it failed" in text
    assert "Traceback" in text
    assert "ValueError: boom" in text


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_secret_and_no_link_reach_the_log(stream: io.StringIO, fmt: str) -> None:
    logs.configure("DEBUG", fmt, [TOKEN], stream)  # type: ignore[arg-type]
    log = logging.getLogger("slack_sdk.web.base_client")
    log.debug("Sending a request - headers: {'Authorization': '(redacted)'} token=%s", TOKEN)
    log.info("links: %s and <%s|Front>", LINK, LINK)
    try:
        raise RuntimeError(f"failed with {TOKEN} at {LINK}")
    except RuntimeError:
        log.exception("boom")
    text = stream.getvalue()
    assert TOKEN not in text
    assert "X-Amz-Signature" not in text
    assert "front.mp4" not in text
    assert "https://media.gomotive.com/…" in text


def test_background_jobs_log_with_the_context_of_who_queued_them(stream: io.StringIO) -> None:
    logs.configure("INFO", "json", [], stream)
    done = threading.Event()
    pool = Background("checks", 1, finish_on_close=True)

    def job() -> None:
        logging.getLogger("recallbot.slack").info("previewed")
        done.set()

    with logs.context(user="U7", channel="C7"):
        pool.run(job)
    assert done.wait(5)
    pool.close()
    record = json.loads(_lines(stream)[-1])
    assert (record["user"], record["channel"]) == ("U7", "C7")
