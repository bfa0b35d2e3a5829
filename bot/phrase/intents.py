"""Which question a phrase asks, from its words alone: a recall (what every phrase was until
issue 23), a look now ("look truck 42"), where a vehicle was ("where was truck 42 yesterday
3pm"), or the vehicles inside a place ("trucks at the Elm St yard yesterday 3pm 2 min").

A look or a where-was is said by the phrase's first word (after greetings and "can you"), so a
story's own words ("the spot where he hit the pole", "look at the footage") never turn a recall
into another question. A place is said by a fleet word without an id, then "at" or "in", then
the place's name, which is carried as typed: which geofence it means is the core's question,
asked of Motive's list. The cue's words are taken out before the grammar reads the rest.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from bot.phrase import lexicon as lx
from bot.phrase.lexer import Token


class Intent(StrEnum):
    """The question a phrase asks (``recallbot parse``'s "intent"; absent means a recall)."""

    RECALL = "recall"
    LOOK = "look"
    WHERE = "where"
    AT_PLACE = "at_place"


class Cue(NamedTuple):
    """The words that asked the question (token indices, taken out before the grammar
    reads the phrase) and, for a place, its name as typed."""

    intent: Intent
    used: frozenset[int]
    place: str | None = None


# Words a question may start with before its own word: "hey, can you tell me where…".
_LEAD = frozenset(
    "hey hi hello pls please plz can could would will you u tell me show give get take grab "
    "i we need want to know quick quickly so ok okay a an the".split()
)
_WHERE = frozenset({"where", "where's", "wheres", "whereabouts"})
_WHERE_VERBS = frozenset({"was", "is", "were", "did", "does", "has"})
_LOCATION = frozenset({"location", "locate", "position"})
_LOOK = frozenset({"look", "snapshot", "snap", "photo", "picture", "pic", "still", "image"})
_LOOK_GLUE = frozenset({"at", "of", "from", "in", "on", "for"})
_WHAT = frozenset({"what", "what's", "whats"})
_SEE = frozenset({"see", "sees", "seeing"})
_NOW = frozenset({"now", "currently", "live", "right now"})
# "trucks at…", "which vehicles were in…", "who was at…"
_FLEET_NOUNS = frozenset(
    "trucks vehicles units vans tractors buses busses truck vehicle unit van tractor bus who "
    "anyone everyone".split()
)
_BETWEEN_NOUN_AND_AT = frozenset({"were", "was", "that", "which", "parked", "sitting", "there"})
_PLACE_AT = frozenset({"at", "in", "inside", "@"})
# Token kinds a place's name may hold ("Acme Dock 4", "Back lot", "Front gate").
_NAME_KINDS = frozenset({"word", "num", "ident", "driver_word", "cam_unknown", "cam_noun"}) | set(
    lx.CAMERA_SETS
)
_NAME_STOPS = lx.NAME_STOPS | {"now", "ago", "last", "this", "past", "previous", "during"}


def _low(tokens: list[Token], i: int) -> str:
    return tokens[i].low if 0 <= i < len(tokens) else ""


def _first_word(tokens: list[Token]) -> int:
    """The index of the phrase's first word that is not a greeting or a "can you"."""
    i = 0
    while i < len(tokens) and (tokens[i].low in _LEAD or tokens[i].kind == "other"):
        i += 1
    return i


def _now_words(tokens: list[Token]) -> set[int]:
    """ "now", "right now", "currently": a look is always now, so these say nothing more."""
    found = {i for i, token in enumerate(tokens) if token.low in _NOW}
    found |= {i - 1 for i in found if _low(tokens, i - 1) == "right"}
    return found


def _where(tokens: list[Token], first: int) -> Cue | None:
    word = _low(tokens, first)
    if word in _WHERE:
        used = {first, first + 1} if _low(tokens, first + 1) in _WHERE_VERBS else {first}
    elif word in _LOCATION:
        used = {first, first + 1} if _low(tokens, first + 1) in {"of", "for"} else {first}
    else:
        return None
    return Cue(Intent.WHERE, frozenset(used))


def _look(tokens: list[Token], first: int) -> Cue | None:
    word = _low(tokens, first)
    if word in _LOOK:
        used = {first, first + 1} if _low(tokens, first + 1) in _LOOK_GLUE else {first}
    elif word in _WHAT:
        sees = [i for i in range(first + 1, len(tokens)) if tokens[i].low in _SEE]
        if not sees:
            return None
        used = {first, sees[0]}
        if _low(tokens, first + 1) in {"does", "do", "is", "can"}:
            used.add(first + 1)
    else:
        return None
    return Cue(Intent.LOOK, frozenset(used | _now_words(tokens)))


def _place(tokens: list[Token]) -> Cue | None:
    """A fleet word without an id, "at" or "in", then the place's name up to the first word
    of a time, a length or a camera list ("trucks at the Elm St yard yesterday 3pm")."""
    for noun, token in enumerate(tokens):
        if token.kind != "word" or token.low not in _FLEET_NOUNS:
            continue
        at = noun + 1
        while _low(tokens, at) in _BETWEEN_NOUN_AND_AT:
            at += 1
        if _low(tokens, at) not in _PLACE_AT:
            continue
        name = _name(tokens, at + 1)
        if name:
            text = _text(tokens, name)
            return Cue(Intent.AT_PLACE, frozenset(range(noun, name[-1] + 1)), text)
    return None


def _name(tokens: list[Token], start: int) -> list[int]:
    """The tokens of a place's name starting at ``start`` (none when no name stands there)."""
    if start < len(tokens) and tokens[start].kind == "quoted":
        return [start]
    found: list[int] = []
    i = start
    while i < len(tokens):
        token = tokens[i]
        if token.low in _NAME_STOPS:
            break
        if token.kind not in _NAME_KINDS and token.low not in {"&", "'", "-", "."}:
            break
        found.append(i)
        i += 1
    words = [i for i in found if tokens[i].kind != "num" and tokens[i].low != "the"]
    return found if words else []


def _text(tokens: list[Token], name: list[int]) -> str:
    """The place's name as typed ("the" before it left out: names are matched without it)."""
    if tokens[name[0]].kind == "quoted":
        return tokens[name[0]].group("q_text") or ""
    if tokens[name[0]].low == "the":
        name = name[1:]
    first, last = tokens[name[0]], tokens[name[-1]]
    return first.source[first.match.start(first.kind) : last.match.end(last.kind)]


def find_cue(tokens: list[Token]) -> Cue | None:
    """The question a phrase's tokens ask, when it is not a recall (None: a recall, or a
    phrase that says nothing else)."""
    first = _first_word(tokens)
    return _where(tokens, first) or _look(tokens, first) or _place(tokens)
