"""The docs (issue 21): README.md is the front page a newcomer reads in five minutes, every page
of docs/ is reached from it, and no link between them leads nowhere, so a page moved or a
heading renamed breaks a test rather than a reader's way."""

from __future__ import annotations

import re
from pathlib import Path

from tests.processes import ROOT

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _prose(page: Path) -> str:
    """The page without its fenced code blocks, where brackets and `#` are code, not links or
    headings."""
    return re.sub(r"^```.*?^```", "", page.read_text(), flags=re.M | re.S)


def _relative_links(page: Path) -> list[str]:
    return [target for target in LINK.findall(_prose(page)) if not re.match(r"[a-z]+:", target)]


def _anchors(page: Path) -> set[str]:
    """The ids GitHub gives the page's headings: lower case, punctuation dropped, spaces as
    hyphens, a repeated heading numbered."""
    anchors: set[str] = set()
    repeats: dict[str, int] = {}
    for heading in re.findall(r"^#+ (.+)$", _prose(page), flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = repeats.get(slug, 0)
        repeats[slug] = count + 1
        anchors.add(f"{slug}-{count}" if count else slug)
    return anchors


def test_the_issue_s_subjects_each_have_a_page() -> None:
    names = {page.name for page in DOCS}
    for subject in ("deploy", "configuration", "phrases", "operations", "benchmarks",
                    "architecture"):  # fmt: skip
        assert f"{subject}.md" in names, f"docs/{subject}.md"


def test_every_docs_page_is_linked_from_the_front_page() -> None:
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in _relative_links(README)}
    for page in DOCS:
        assert page.resolve() in linked, f"README.md does not link docs/{page.name}"


def test_every_relative_link_leads_to_a_file_and_heading_that_exist() -> None:
    checked = 0
    for page in [README, *DOCS]:
        for target in _relative_links(page):
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            assert linked.exists(), f"{page.name} links {target}: no such file"
            if anchor:
                assert anchor in _anchors(linked), f"{page.name} links {target}: no such heading"
            checked += 1
    assert checked >= len(DOCS) * 2


def test_the_front_page_is_read_in_five_minutes() -> None:
    lines = len(README.read_text().splitlines())
    assert lines <= 150, f"README.md is {lines} lines: reference belongs in a page of docs/"


def test_each_docs_page_opens_with_one_paragraph_saying_what_it_covers() -> None:
    for page in DOCS:
        title, opening = page.read_text().split("\n\n")[:2]
        assert re.fullmatch(r"# [^\n]+", title), page.name
        assert not opening.startswith(("#", "|", "```", "- ", "1. ")), page.name
        assert opening.endswith("."), f"{page.name} opens with a whole paragraph"
