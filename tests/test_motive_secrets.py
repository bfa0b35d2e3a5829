"""The API key never reaches logs, exception text or reprs."""

import logging

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.motive import MotiveConfig, MotiveError
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from tests.conftest import arm, client_for

SECRET = "s3cret-api-key-9f2c"


def test_the_key_is_in_no_repr_of_config_client_or_settings(
    monkeypatch: pytest.MonkeyPatch, sandbox: MotiveSandbox
) -> None:
    monkeypatch.setenv("MOTIVE_API_KEY", SECRET)
    settings = Settings(_env_file=None)
    config = MotiveConfig.from_settings(settings)
    with client_for(sandbox, api_key=SecretStr(SECRET)) as client:
        shown = " ".join(map(repr, (settings, config, client))) + str(config) + str(settings)
    assert SECRET not in shown


def test_the_key_is_in_no_log_line_or_error_even_when_motive_echoes_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # httpx and httpcore too, at their most talkative
    with MotiveSandbox(SandboxSettings(api_key=SECRET)) as sandbox:
        arm(sandbox, kind="error", status=503, count=10, message=f"bad key {SECRET} for co 7")
        with client_for(sandbox) as client, pytest.raises(MotiveError) as failed:
            client.quota()
    assert SECRET not in str(failed.value)
    assert SECRET not in failed.value.motive_message
    assert "[redacted]" in failed.value.motive_message
    assert SECRET not in caplog.text
    assert "quota" in caplog.text  # the calls were logged, without the key


def test_a_refused_key_does_not_appear_in_the_error(sandbox: MotiveSandbox) -> None:
    with (
        client_for(sandbox, api_key=SecretStr(SECRET)) as client,
        pytest.raises(MotiveError) as refused,
    ):
        client.quota()
    assert refused.value.status == 401
    assert SECRET not in str(refused.value)
