"""The layout's rules (docs/architecture.md): which folder may import which, and no import loop
between modules."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules() -> dict[str, Path]:
    found = {}
    for top in ("bot", "handlers"):
        for path in (ROOT / top).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The project modules ``path`` imports when it runs (not those only for type checkers)."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only or not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        for alias in node.names:
            candidate = f"{node.module}.{alias.name}"
            if candidate in known:
                yield candidate
            elif node.module in known:
                yield node.module


MODULES = _modules()
GRAPH = {name: set(_imports(path, MODULES)) for name, path in MODULES.items()}


def _reaches(start: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in GRAPH[start] if m.startswith(forbidden))


def test_plumbing_imports_nothing_else_from_bot() -> None:
    for name in MODULES:
        if name.startswith("bot.plumbing"):
            assert [m for m in GRAPH[name] if not m.startswith("bot.plumbing")] == [], name


def test_the_core_knows_nothing_of_slack_or_the_listeners() -> None:
    core = ("bot.store", "bot.motive", "bot.phrase", "bot.tracking", "bot.service", "bot.fleet",
            "bot.policy", "bot.recall", "bot.describe", "bot.runtime", "bot.alerts",
            "bot.places", "bot.look")  # fmt: skip
    for name in MODULES:
        if name.startswith(core):
            assert _reaches(name, ("bot.slack", "handlers", "bot.sandbox", "bot.cli")) == [], name


def test_the_store_does_not_reach_up() -> None:
    upward = ("bot.tracking", "bot.service", "bot.fleet", "bot.policy", "bot.runtime", "bot.look")
    for name in MODULES:
        if name.startswith("bot.store"):
            assert _reaches(name, upward) == [], name


def test_no_module_imports_itself_back() -> None:
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for imported in GRAPH.get(name, ()):
            visit(imported, (*path, name))
        done.add(name)

    for name in MODULES:
        visit(name, ())
