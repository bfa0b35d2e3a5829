"""Settings come from the environment, with helpful errors for bad values."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings


def test_default_zone_is_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RECALLBOT_DEFAULT_TZ", raising=False)
    assert Settings(_env_file=None).default_tz == "UTC"


def test_default_zone_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECALLBOT_DEFAULT_TZ", "America/Chicago")
    assert Settings(_env_file=None).default_zone.key == "America/Chicago"


def test_an_unknown_zone_is_refused_with_an_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECALLBOT_DEFAULT_TZ", "Mars/Olympus")
    with pytest.raises(ValidationError, match="America/Chicago"):
        Settings(_env_file=None)


def test_the_slack_settings_come_from_a_dot_env_file_and_stay_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "RECALLBOT_CONFIRM"):
        monkeypatch.delenv(name, raising=False)
    env = tmp_path / ".env"
    env.write_text(
        "SLACK_BOT_TOKEN=xoxb-from-dotenv\nSLACK_SIGNING_SECRET=shh\nSLACK_APP_TOKEN=xapp-1\n"
        "RECALLBOT_CONFIRM=never\nRECALLBOT_SLACK_POST_RATE=0.5\n"
    )
    settings = Settings(_env_file=env)
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-dotenv"
    assert (settings.confirm, settings.slack_post_rate_per_s) == ("never", 0.5)
    assert "xoxb-from-dotenv" not in repr(settings)
    assert "shh" not in str(settings.model_dump())


def test_an_unknown_confirm_mode_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECALLBOT_CONFIRM", "sometimes")
    with pytest.raises(ValidationError, match="'always' or 'never'"):
        Settings(_env_file=None)
