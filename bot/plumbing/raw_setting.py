"""One setting's text as ``bot.config.Settings`` would find it, without loading
pydantic-settings (a fifth of a second): the environment first (any case of the name), then the
``.env`` file of the working folder (the last line that sets it).

Only for a path that must start quickly (``recallbot parse``) and reads a setting or two. The
text is not checked here: a caller that cannot vouch for it (a zone that does not load, a number
out of range, a value written in a way this reading does not know) hands the question to
``Settings``, which reads it fully and says what is wrong the way every command does.
"""

from __future__ import annotations

import os
import re

_COMMENT = re.compile(r"\s+#.*")


def raw_setting(name: str, env_file: str = ".env") -> str | None:
    """The text ``name`` is set to, or None when neither the environment nor ``.env`` sets it.
    (Plain ``open``: pathlib would add ~3 ms to the start this module is for.)"""
    if name in os.environ:
        return os.environ[name]
    wanted = name.lower()
    for key, value in os.environ.items():
        if key.lower() == wanted:
            return value
    try:
        with open(env_file, encoding="utf-8") as text:
            lines = text.read().splitlines()
    except OSError:  # no .env (the usual case), or one that cannot be read
        return None
    found = None
    for line in lines:
        key, equals, value = line.strip().removeprefix("export ").partition("=")
        if equals and key.strip().lower() == wanted:
            found = _value(value.strip())
    return found


def _value(text: str) -> str:
    """A ``.env`` value: inside its quotes when quoted, else up to a `` #`` comment."""
    if text[:1] in ("'", '"') and (end := text.find(text[0], 1)) > 0:
        return text[1:end]
    return _COMMENT.sub("", text).rstrip()
