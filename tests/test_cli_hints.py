"""Every command line recallbot suggests to a person parses with recallbot's own parser.

A hint that names a flag the command does not have (``quota --sandbox``) sends a new user into
a usage error. So hints spell the whole command in backticks (`recallbot request --sandbox …`)
and this test reads every string in ``bot/`` and ``handlers/``, finds each such command, and
parses it with the real argparse parser; a flag suggested without its command is refused."""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import _parser
from tests.processes import ROOT

PARSER_MODULE = ROOT / "bot" / "cli" / "__init__.py"  # its help texts name its own flags
FILLED = "r0123456789a"  # what an f-string's {value} stands for in a hint
BACKTICKED = re.compile(r"`(recallbot [^`]+)`")
BARE_FLAG = re.compile(r"\b(?:add|pass|use|with|try|run)\s+(--[a-z][a-z-]*)")


def _strings() -> Iterator[tuple[str, int, str]]:
    """Every string in the product's code (f-strings with their values filled in)."""
    for path in sorted([*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob(
            "*.py")]):  # fmt: skip
        tree = ast.parse(path.read_text(), str(path))
        inside_fstrings = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)
                           for v in n.values}  # fmt: skip
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        for node in ast.walk(tree):
            if id(node) in docstrings:  # written for whoever reads the code, not a hint
                continue
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else FILLED
                               for v in node.values)  # fmt: skip
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in inside_fstrings:
                    continue
                text = node.value
            else:
                continue
            yield str(path.relative_to(ROOT)), node.lineno, text


def _hints() -> list[tuple[str, str]]:
    found = {(f"{path}:{line}", command) for path, line, text in _strings()
             for command in BACKTICKED.findall(text)}  # fmt: skip
    return sorted(found)


def _argv(command: str) -> list[str]:
    """A suggested command as argv: placeholders (…, ID, PATH) become example values."""
    words = shlex.split(command.replace("…", "truck 42 yesterday 3pm"))[1:]
    return [FILLED if w in ("ID", "RECALL") else w for w in words]


def test_hints_are_found() -> None:
    commands = {command.split()[1] for _, command in _hints()}
    assert {"status", "track", "request"} <= commands


@pytest.mark.parametrize(("where", "command"), _hints())
def test_every_suggested_command_parses(where: str, command: str) -> None:
    try:
        _parser().parse_args(_argv(command))
    except SystemExit as exit:
        if exit.code != 0:  # --help and --version end the parse, well
            pytest.fail(f"{where} suggests `{command}`, which recallbot's parser refuses")


def test_no_flag_is_suggested_without_its_command() -> None:
    bare = [f"{path}:{line}: {flag}" for path, line, text in _strings()
            if Path(ROOT / path) != PARSER_MODULE
            for flag in BARE_FLAG.findall(BACKTICKED.sub("", text))]  # fmt: skip
    assert not bare, "say the whole command in backticks, e.g. `recallbot request --sandbox …`"
