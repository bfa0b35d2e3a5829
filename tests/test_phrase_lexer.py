"""The lexer's shortcuts keep its meaning: a token is matched only against the lexemes that can
start with its first two characters, so that table must hold every two each pattern can start
with; and a phrase whose lower case is longer than itself ("İ") is read like any other."""

import re
from re import _constants as sre
from re import _parser as sre_parse
from typing import Any

import pytest

from bot.phrase import ParsedPhrase, lexer, parse_phrase
from bot.phrase.lexer import _FORMS, _GENERIC, _LEXEMES, _PREFIXES, tokenize
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


_ASCII = frozenset(map(chr, range(128)))
_ANY_TWO = frozenset(a + b for a in _ASCII for b in _ASCII)


def _then(heads: set[str], tails: set[str]) -> set[str]:
    """Each of ``heads`` followed by each of ``tails``, cut to two characters."""
    return {head if len(head) >= 2 else (head + tail)[:2] for head in heads for tail in tails}


def _starts(items: Any) -> set[str]:
    """The first two ASCII characters (or fewer, where a match can end) of every string a
    parsed pattern can match, or more: a lookahead is read as matching nothing, a
    backreference as anything; either only widens what is allowed, never narrows it."""
    found = {""}
    for op, arg in items:
        found = _then(found, _item_starts(op, arg))
    return found


def _item_starts(op: Any, arg: Any) -> set[str]:
    if op is sre.LITERAL:
        return {chr(arg)} & _ASCII
    if op is sre.NOT_LITERAL:
        return _ASCII - {chr(arg)}
    if op is sre.IN:
        return {ch for ch in _ASCII if _in_set(arg, ch)}
    if op is sre.ANY:
        return set(_ASCII)
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return {""}
    if op is sre.SUBPATTERN:
        return _starts(arg[3])
    if op is sre.ATOMIC_GROUP:
        return _starts(arg)
    if op is sre.BRANCH:
        return set().union(*(_starts(branch) for branch in arg[1]))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        least, most, body = arg
        once, found = _starts(body), {""}
        for _ in range(min(least, 2)):  # cut to two characters, more repeats add nothing
            found = _then(found, once)
        for _ in range(2 if most > least else 0):
            found |= _then(found, once)
        return found
    if op is sre.GROUPREF:
        return {""} | _ASCII | _ANY_TWO
    raise AssertionError(f"a pattern element the test does not know: {op}")


def _written(ch: str) -> str:
    return "0" if ch.isdigit() else " " if ch.isspace() else ch


@pytest.mark.parametrize(("kind", "pattern"), _LEXEMES, ids=[kind for kind, _ in _LEXEMES])
def test_every_two_characters_a_lexeme_can_start_with_are_listed(kind: str, pattern: str) -> None:
    if kind not in _PREFIXES:
        return
    can = set()
    for start in _starts(sre_parse.parse(pattern)):
        ends = {start + ch for ch in _ASCII} if len(start) == 1 else {start}  # then anything
        can |= {_written(s[0]) + _written(s[1]) for s in ends if s[0].isalnum()}
    listed = set(_PREFIXES[kind].split("|"))
    missing = {s for s in can - listed if f"{s[0]}*" not in listed}
    assert not missing, f"add {'|'.join(sorted(missing))!r} to _PREFIXES[{kind!r}]"


@pytest.mark.parametrize("kind", sorted(_FORMS))
def test_a_lexeme_written_in_forms_is_all_its_forms_each_starting_as_said(kind: str) -> None:
    forms = _FORMS[kind]
    assert all(form in dict(_LEXEMES)[kind] for form in forms.values())
    for led, form in forms.items():
        firsts = {start[:1] for start in _starts(sre_parse.parse(form))}
        test = str.isdigit if led == "d" else str.isalpha
        assert firsts
        assert all(first and test(first) for first in firsts), (led, firsts)


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


def test_the_generic_lexemes_close_the_order() -> None:
    """They are matched after the rest (``lexer._GENERIC``): that is only the order's own
    answer while none of the rest comes after them."""
    tail = [kind for kind, _ in _LEXEMES[-len(_GENERIC) :]]
    assert set(tail) == _GENERIC


_CAMERA_TALK = [
    "truck 42 yesterday 3pm dock cam", "unit 7 2h ago yard camera and front", "van 7 dashcam 3pm",
    "TX-4471 at 3 the scam cams", "truck 42 camper 3pm", "pls grab truck 42 yesterday 3pm",
    "customer complaint - backed into dock door truck 1207 nov 22 2:30pm 2 min front only",
    "asset \"Yard Jockey 3\" last friday 6:10 pm everything except driver", "#42 120s roof cam",
]  # fmt: skip


@pytest.mark.parametrize("phrase", _CAMERA_TALK)
def test_a_phrase_without_cam_reads_the_same_without_the_unknown_camera_lexeme(
    phrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``lexer._LOWERED_NO_CAM`` leaves the unknown camera out where the phrase cannot hold one:
    the tokens are those of the whole table, and a phrase with "cam" still finds it."""
    tokens = [(t.kind, t.text) for t in tokenize(phrase)]
    monkeypatch.setattr(lexer, "_LOWERED_NO_CAM", lexer._LOWERED)
    assert tokens == [(t.kind, t.text) for t in tokenize(phrase)]
    if "dock cam" in phrase:
        assert ("cam_unknown", "dock cam") in tokens


def test_every_unknown_camera_says_cam() -> None:
    """What lets ``tokenize`` leave the unknown camera out of a phrase without "cam"."""
    pattern = re.compile(dict(_LEXEMES)["cam_unknown"])
    for word in ("dock", "yard", "dash", "rear-view", "camper", "cab"):
        for tail in ("", " cam", " cams", " camera", "-cameras", "cam"):
            match = pattern.match(word + tail)
            assert (match is not None) == (tail != ""), word + tail
            assert match is None or "cam" in match.group()
