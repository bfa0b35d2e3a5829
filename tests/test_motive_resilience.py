"""When Motive or the way to it misbehaves: reads retry, creates are never made twice."""

import pytest

from bot.motive import (
    MotiveClient,
    MotiveCreateOutcomeUnknown,
    MotiveRateLimited,
    MotiveUnavailable,
    RecallStatus,
)
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from tests.conftest import arm, client_for, recall_of

QUOTA = "/video_recall_requests/quota"
CREATE = "/video_recall_requests"


class Waits(list[float]):
    """Records the waits a client asks for instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_a_429_with_retry_after_waits_that_long_then_succeeds(sandbox: MotiveSandbox) -> None:
    waits = Waits()
    arm(sandbox, kind="rate_limit", path=QUOTA, retry_after=3)
    with client_for(sandbox, sleep=waits) as client:
        assert client.quota().quota_info.regular.total_minutes == 600
    assert len(waits) == 1
    assert 3 <= waits[0] < 3.1


def test_a_429_without_retry_after_backs_off_on_its_own(sandbox: MotiveSandbox) -> None:
    waits = Waits()
    arm(sandbox, kind="rate_limit", path=QUOTA, count=3)
    with client_for(sandbox, sleep=waits, backoff_base_s=1.0, backoff_cap_s=8.0) as client:
        client.quota()
    assert len(waits) == 3  # full jitter: each wait is somewhere in [0, base * 2**attempt]
    assert all(0 <= wait <= cap for wait, cap in zip(waits, (1, 2, 4), strict=True))


def test_a_retry_after_longer_than_allowed_is_reported_not_waited(sandbox: MotiveSandbox) -> None:
    arm(sandbox, kind="rate_limit", path=QUOTA, retry_after=600)
    with client_for(sandbox, sleep=Waits()) as client, pytest.raises(MotiveRateLimited) as limited:
        client.quota()
    assert limited.value.retry_after == 600


def test_a_429_burst_longer_than_the_attempts_ends_in_rate_limited(sandbox: MotiveSandbox) -> None:
    arm(sandbox, kind="rate_limit", path=QUOTA, count=10)
    with client_for(sandbox) as client, pytest.raises(MotiveRateLimited):
        client.quota()


def test_the_sandbox_rate_limit_answers_429_when_calls_come_too_fast() -> None:
    settings = SandboxSettings(rate_limit_per_minute=3)
    with MotiveSandbox(settings) as sandbox, client_for(sandbox, max_attempts=1) as client:
        for _ in range(3):
            client.quota()
        with pytest.raises(MotiveRateLimited):
            client.quota()


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_on_reads_are_retried(sandbox: MotiveSandbox, status: int) -> None:
    arm(sandbox, kind="error", path=QUOTA, status=status, count=2)
    with client_for(sandbox) as client:
        assert client.quota().quota_info.timelapse.total_minutes == 300


def test_server_errors_that_persist_end_in_unavailable_with_the_gateway_text(
    sandbox: MotiveSandbox,
) -> None:
    arm(sandbox, kind="error", path=QUOTA, status=502, count=10, message="Bad Gateway")
    with client_for(sandbox) as client, pytest.raises(MotiveUnavailable) as failed:
        client.quota()
    assert failed.value.status == 502
    assert "Bad Gateway" in failed.value.motive_message


def test_a_read_that_times_out_is_retried(sandbox: MotiveSandbox) -> None:
    arm(sandbox, kind="slow", path=QUOTA, delay=2.0)
    with client_for(sandbox, timeout_s=0.3) as client:
        assert client.quota().quota_info.regular.total_minutes == 600
    assert [path for _, path, _ in sandbox.requests].count(QUOTA) == 2  # the slow one, then one


def test_a_read_whose_connection_drops_is_retried(sandbox: MotiveSandbox) -> None:
    arm(sandbox, kind="drop", path=QUOTA, count=2)
    with client_for(sandbox) as client:
        assert client.quota().quota_info.regular.total_minutes == 600


def test_a_read_answered_with_broken_json_is_retried(sandbox: MotiveSandbox) -> None:
    arm(sandbox, kind="malformed", path=QUOTA)
    with client_for(sandbox) as client:
        assert client.quota().quota_info.regular.total_minutes == 600


def test_broken_json_that_persists_ends_in_unavailable(sandbox: MotiveSandbox) -> None:
    arm(sandbox, kind="malformed", path=QUOTA, count=10)
    with client_for(sandbox) as client, pytest.raises(MotiveUnavailable, match="not JSON"):
        client.quota()


def test_faults_can_be_armed_over_http(sandbox: MotiveSandbox, client: MotiveClient) -> None:
    import httpx

    fault = {"kind": "error", "status": 503, "path": QUOTA, "count": 10}
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=fault).status_code == 200
    with pytest.raises(MotiveUnavailable):
        client.quota()


# -- creates: never twice ---------------------------------------------------------------------


def test_a_create_whose_answer_is_lost_is_found_not_made_again(sandbox: MotiveSandbox) -> None:
    arm(sandbox, kind="drop", method="POST", path=CREATE, after_processing=True)
    with client_for(sandbox) as client:
        recall = client.create_recall(recall_of(sandbox))
    assert sandbox.creates() == 1
    assert recall.id == str(next(iter(sandbox.rules.recalls)))
    assert recall.status is RecallStatus.PENDING


def test_a_create_that_times_out_after_arriving_is_not_made_again(sandbox: MotiveSandbox) -> None:
    arm(sandbox, kind="slow", method="POST", path=CREATE, delay=1.0, after_processing=True)
    with client_for(sandbox, timeout_s=0.3) as client:
        recall = client.create_recall(recall_of(sandbox))
    assert sandbox.creates() == 1
    assert recall.id == str(next(iter(sandbox.rules.recalls)))


def test_a_create_answered_with_broken_json_is_not_made_again(sandbox: MotiveSandbox) -> None:
    arm(sandbox, kind="malformed", method="POST", path=CREATE, after_processing=True)
    with client_for(sandbox) as client:
        recall = client.create_recall(recall_of(sandbox))
    assert sandbox.creates() == 1
    assert recall.id == str(next(iter(sandbox.rules.recalls)))


def test_a_create_lost_before_arriving_is_made_once_when_asked_again(
    sandbox: MotiveSandbox,
) -> None:
    arm(sandbox, kind="drop", method="POST", path=CREATE)  # dropped before Motive handled it
    with client_for(sandbox) as client:
        recall = client.create_recall(recall_of(sandbox))
    assert sandbox.creates() == 1
    assert recall.status is RecallStatus.PENDING


def test_a_create_answered_5xx_is_checked_before_anything_else(sandbox: MotiveSandbox) -> None:
    arm(sandbox, kind="error", method="POST", path=CREATE, status=500)
    with client_for(sandbox) as client:
        client.create_recall(recall_of(sandbox))
    assert sandbox.creates() == 1
    assert [r for r in sandbox.requests if r[0] == "POST"][-1][2] == 201


def test_a_lost_create_whose_duplicate_does_not_name_it_is_reported_not_retried() -> None:
    settings = SandboxSettings(duplicate_names_id=False)
    with MotiveSandbox(settings) as sandbox:
        arm(sandbox, kind="drop", method="POST", path=CREATE, after_processing=True)
        with client_for(sandbox) as client, pytest.raises(MotiveCreateOutcomeUnknown) as unknown:
            client.create_recall(recall_of(sandbox))
        assert sandbox.creates() == 1
    assert "received" in str(unknown.value)


def test_a_lost_create_that_cannot_be_checked_is_reported_not_retried(
    sandbox: MotiveSandbox,
) -> None:
    arm(sandbox, kind="drop", method="POST", path=CREATE, after_processing=True)
    arm(sandbox, kind="error", method="POST", path=CREATE, status=503, count=10)
    with client_for(sandbox) as client, pytest.raises(MotiveCreateOutcomeUnknown):
        client.create_recall(recall_of(sandbox))
    assert sandbox.creates() == 1


def test_a_create_refused_with_429_is_safe_to_retry(sandbox: MotiveSandbox) -> None:
    arm(sandbox, kind="rate_limit", method="POST", path=CREATE, count=2)
    with client_for(sandbox) as client:
        client.create_recall(recall_of(sandbox))
    assert sandbox.creates() == 1


def test_a_create_that_cannot_connect_is_retried_then_reported(sandbox: MotiveSandbox) -> None:
    request = recall_of(sandbox)
    port = sandbox.url
    sandbox.stop()
    with client_for(sandbox, base_url=f"{port}/v1") as client, pytest.raises(MotiveUnavailable):
        client.create_recall(request)
