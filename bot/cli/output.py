"""What a command that asks Motive prints: lines as it goes, or, with ``--json``, nothing but
one JSON object at its end, whose ``ok`` says whether it exited 0 (scripts read that object,
people the lines). Shared by ``request``, ``look``, ``where`` and ``at``."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from typing import Any, TextIO


def cli_user() -> str:
    """Who asks from this terminal, as the store and the audit name them."""
    return f"cli:{getpass.getuser()}"


def lines_to(out: TextIO, as_json: bool) -> Callable[[str], Any]:
    """Where a command's lines go: ``out``, a line each; nowhere with ``--json``."""
    return (lambda _: None) if as_json else (lambda text: out.write(text + "\n"))


def finish(out: TextIO, as_json: bool, code: int, answer: dict[str, Any]) -> int:
    """The command's end: with ``--json``, ``answer`` as one object; the exit status."""
    if as_json:
        out.write(json.dumps({"ok": code == 0, **answer}, ensure_ascii=False, default=str) + "\n")
    return code


def refused(out: TextIO, as_json: bool, code: str, message: str) -> int:
    """The command says no (exit 1): ``✗ message``, or its error object with ``--json``."""
    if not as_json:
        out.write(f"✗ {message}\n")
    return finish(out, as_json, 1, {"error": {"code": code, "message": message}})
