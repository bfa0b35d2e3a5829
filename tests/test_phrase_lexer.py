"""The lexer's shortcuts keep its meaning: a token is matched only against the lexemes that can
start with its first letter, so that table must hold every letter each pattern can start with;
and a phrase whose lower case is longer than itself ("İ") is read like any other."""

import string
from re import _constants as sre
from re import _parser as sre_parse
from typing import Any

import pytest

from bot.phrase import ParsedPhrase, parse_phrase
from bot.phrase.lexer import _FIRST_LETTERS, _LEXEMES, _STARTS, tokenize
from tests.phrase_table import TUE

_CATEGORIES = {
    sre.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    sre.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
    sre.CATEGORY_DIGIT: str.isdecimal,
    sre.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdecimal(),
    sre.CATEGORY_SPACE: str.isspace,
    sre.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
}


def _in_set(items: list[tuple[Any, Any]], ch: str) -> bool:
    negate, hit = False, False
    for op, arg in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            hit |= ch == chr(arg)
        elif op is sre.RANGE:
            hit |= arg[0] <= ord(ch) <= arg[1]
        else:
            hit |= _CATEGORIES[arg](ch)
    return hit != negate


def _starts(items: Any, ch: str) -> tuple[bool, bool]:
    """Whether a parsed pattern can start with ``ch``, and whether it can match nothing."""
    for op, arg in items:
        can, empty = _item_starts(op, arg, ch)
        if can:
            return True, False
        if not empty:
            return False, False
    return False, True


def _item_starts(op: Any, arg: Any, ch: str) -> tuple[bool, bool]:
    if op is sre.LITERAL:
        return ch == chr(arg), False
    if op is sre.NOT_LITERAL:
        return ch != chr(arg), False
    if op is sre.IN:
        return _in_set(arg, ch), False
    if op is sre.ANY:
        return True, False
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):  # a lookahead only narrows what can start
        return False, True
    if op is sre.SUBPATTERN:
        return _starts(arg[3], ch)
    if op is sre.BRANCH:
        found = [_starts(branch, ch) for branch in arg[1]]
        return any(can for can, _ in found), any(empty for _, empty in found)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        can, empty = _starts(arg[2], ch)
        return can, empty or arg[0] == 0
    if op is sre.GROUPREF:
        return True, True
    raise AssertionError(f"a pattern element the test does not know: {op}")


@pytest.mark.parametrize(("kind", "pattern"), _LEXEMES, ids=[kind for kind, _ in _LEXEMES])
def test_every_letter_a_lexeme_can_start_with_is_listed(kind: str, pattern: str) -> None:
    if "l" not in _STARTS.get(kind, "l"):
        return
    parsed = sre_parse.parse(pattern)
    can = {ch for ch in string.ascii_lowercase if _starts(parsed, ch)[0]}
    listed = set(_FIRST_LETTERS.get(kind, string.ascii_lowercase))
    assert can <= listed, f"add {''.join(sorted(can - listed))!r} to _FIRST_LETTERS[{kind!r}]"


def test_a_plain_word_is_a_word_and_a_keyword_is_its_lexeme() -> None:
    kinds = [t.kind for t in tokenize("pls grab truck 42 yesterday 3pm front cam harsh")]
    assert kinds == ["word", "word", "target", "day", "clock", "cam_front", "word"]


@pytest.mark.parametrize(
    "phrase", ["TRUCK 42 YESTERDAY 3PM İstanbul", "İ Truck 42 Yesterday 3PM", "truck 42 YEST 3pm İ"]
)
def test_a_phrase_whose_lower_case_is_longer_reads_like_any_other(phrase: str) -> None:
    result = parse_phrase(phrase, TUE.tz, TUE.now)
    plain = parse_phrase("truck 42 yesterday 3pm", TUE.tz, TUE.now)
    assert isinstance(result, ParsedPhrase), result
    assert isinstance(plain, ParsedPhrase)
    assert result.requests == plain.requests
