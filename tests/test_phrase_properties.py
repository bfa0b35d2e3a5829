"""Issue 12's property: over generated phrases (Slack's encoding, markup, mentions, junk words
and every part of a request in or out), every word either contributes to the request or is
listed as ignored, and no inference says something the text contradicts."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.phrase import ParsedPhrase, PhraseError, parse_phrase
from tests.phrase_table import LONDON_FALL, MON_LA, NY_SUMMER, TUE

DAYS = ["yesterday", "ystd", "monday", "last friday", "nov 20", "11/20", "2 days ago"]
CLOCKS = ["3pm", "15:04", "9:30am", "noon", "at 2pm", "3:01:30pm"]
LENGTHS = ["2 min", "3 minutes", "for 2", "1 minute", "2m"]
CAMERAS = ["front", "driver", "front and driver", "rear cam", "driver only", "no driver",
           "front &amp; driver", "road facing", "all cameras"]  # fmt: skip
JUNK = ["banana", "qwertz", "xyzzy", "plonk", "zebra"]  # far from every key word
SLACK = ["<@U0AMY>", "<@U123|amy>", "<#C024BE7LR|safety>", "<!here>", ":rotating_light:",
         "<https://x.example/77>"]  # fmt: skip


@dataclass(frozen=True)
class Phrase:
    text: str
    day: str | None
    length: str | None
    cameras: str | None
    timelapse: bool
    junk: tuple[str, ...]


def _wrap(part: str, how: int) -> str:
    return {0: part, 1: f"*{part}*", 2: f"_{part}_", 3: f"`{part}`"}[how]


@st.composite
def phrases(draw: st.DrawFn) -> Phrase:
    day = draw(st.none() | st.sampled_from(DAYS))
    clock = draw(st.sampled_from(CLOCKS))
    timelapse = draw(st.booleans())
    length = "10 min" if timelapse else draw(st.none() | st.sampled_from(LENGTHS))
    cameras = draw(st.none() | st.sampled_from(CAMERAS))
    junk = tuple(draw(st.lists(st.sampled_from(JUNK), max_size=2, unique=True)))
    slack = draw(st.lists(st.sampled_from(SLACK), max_size=2))
    parts = ["truck 42", *(p for p in (day, clock) if p)]
    tail = [p for p in (length, "timelapse" if timelapse else None, cameras) if p]
    tail += list(junk) + slack
    order = draw(st.permutations(tail))
    how = draw(st.lists(st.integers(0, 3), min_size=len(parts) + len(order),
                        max_size=len(parts) + len(order)))  # fmt: skip
    words = [_wrap(p, h) if not p.startswith(("<", ":")) else p
             for p, h in zip([*parts, *order], how, strict=True)]  # fmt: skip
    return Phrase(" ".join(words), day, length, cameras, timelapse, junk)


def _says(result: ParsedPhrase, start: str) -> bool:
    return any(i.message.startswith(start) for i in result.inferred)


@settings(max_examples=300, deadline=None)  # no deadline: the host is shared
@given(phrase=phrases(), clock=st.sampled_from([TUE, MON_LA, NY_SUMMER, LONDON_FALL]))
def test_every_word_counts_or_is_listed_and_no_inference_contradicts_the_text(
    phrase: Phrase, clock: object
) -> None:
    result = parse_phrase(phrase.text, clock.tz, clock.now)  # type: ignore[attr-defined]
    if isinstance(result, PhraseError):  # only a time that has not happened yet may refuse
        assert result.code == "future_time", (phrase.text, result)
        return
    assert result.request.vehicle_number == "42", "a mention, channel or link is no vehicle"
    ignored = " ".join(i.message for i in result.inferred if i.kind == "ignored")
    for junk in phrase.junk:
        assert f"“{junk}”" in ignored, (phrase.text, result.inferred)
    assert _says(result, "No camera named") == (phrase.cameras is None), phrase.text
    assert _says(result, "No day given") == (phrase.day is None), phrase.text
    assert _says(result, "No length given") == (phrase.length is None), phrase.text
    assert _says(result, "A regular (real-time) recall") == (not phrase.timelapse), phrase.text
    for slack_word in ("amp", "here", "U0AMY", "safety", "rotating"):
        assert slack_word not in ignored, (phrase.text, ignored)
