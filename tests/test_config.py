"""Settings come from the environment, with helpful errors for bad values."""

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
