"""``recallbot doctor --bundle``: what a maintainer needs to help, and nothing else.

The bundle holds doctor's report (its links removed too), the versions of Python and the
packages recallbot rests on, the settings with every secret replaced by whether it is set, and
a few of Motive's answers to doctor's reads. Those answers keep their ids and shapes (what a
maintainer compares with the guesses) but lose what is not recallbot's to pass on: every link
(pre-signed clip and image URLs, and any other http(s) address), anything named like a token or
secret, and people's names. Every configured secret is also removed from the whole text,
wherever it appears. The file is written private (0600).
"""

from __future__ import annotations

import json
import os
import platform
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.config import Settings
from bot.doctor.check import Report
from bot.doctor.reading import Answer

PACKAGES = (
    "recallbot",
    "slack-bolt",
    "slack-sdk",
    "httpx",
    "pydantic",
    "pydantic-settings",
    "waitress",
    "sqlite-utils",
    "av",
    "pillow",
)
MAX_ANSWERS = 8
MAX_ITEMS = 3
"""Items kept of each list in an answer (the shape shows in the first few)."""
_LINK = re.compile(r"https?://\S+", re.IGNORECASE)
_SECRET_KEYS = re.compile(r"token|secret|signature|password|api_?key|sig$", re.IGNORECASE)
_PERSONAL_KEYS = frozenset(
    {
        "first_name",
        "last_name",
        "full_name",
        "username",
        "email",
        "phone",
        "phone_number",
        "license_number",
    }
)
_PEOPLE = re.compile(r"driver|user|person|employee", re.IGNORECASE)
REMOVED = "[removed]"


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "platform": platform.platform(terse=True)}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _settings(settings: Settings) -> dict[str, Any]:
    """Every setting by its variable's name; a secret only as whether it is set."""
    shown: dict[str, Any] = {}
    for name, field in type(settings).model_fields.items():
        value = getattr(settings, name)
        variable = str(field.validation_alias or name)
        if isinstance(value, SecretStr) or field.annotation in (SecretStr, SecretStr | None):
            shown[variable] = "set" if value is not None else "unset"
        else:
            shown[variable] = sorted(value) if isinstance(value, frozenset) else value
    return json.loads(json.dumps(shown, default=str))  # type: ignore[no-any-return]


def scrubbed(data: Any, people: bool = False) -> Any:
    """An answer without links, secrets or people's names (``people``: inside an object about
    a person, whose ``name`` is theirs)."""
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            personal = key in _PERSONAL_KEYS or (people and key == "name")
            if personal or (_SECRET_KEYS.search(key) and not isinstance(value, dict | list)):
                out[key] = REMOVED if value is not None else None
            else:
                out[key] = scrubbed(value, people or bool(_PEOPLE.search(key)))
        return out
    if isinstance(data, list):
        return [scrubbed(item, people) for item in data[:MAX_ITEMS]]
    if isinstance(data, str):
        return _LINK.sub("[link removed]", data)
    return data


def _answers(answers: list[Answer]) -> list[dict[str, Any]]:
    return [
        {"GET": a.path, "params": scrubbed(a.params), "status": a.status, "body": scrubbed(a.body)}
        for a in answers[-MAX_ANSWERS:]
    ]


def bundle_text(report: Report, answers: list[Answer], settings: Settings) -> str:
    """The bundle as JSON text, every configured secret removed wherever it appears."""
    text = json.dumps(
        {
            "versions": _versions(),
            "doctor": scrubbed(report.as_json()),
            "settings": _settings(settings),
            "motive_answers": _answers(answers),
        },
        indent=2,
        ensure_ascii=False,
    )
    for secret in sorted(settings.secret_values(), key=len, reverse=True):
        text = text.replace(json.dumps(secret)[1:-1], REMOVED)
    return text + "\n"


def write_bundle(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, readable by its owner only (0600, even if it existed)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(text)
