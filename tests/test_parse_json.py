"""`recallbot parse`'s JSON line of a recall is written from parts (``ParsedPhrase.json_text``):
it must be exactly what encoding ``to_json()`` writes, for every shape an answer takes."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.phrase import ParsedPhrase, parse_phrase
from bot.phrase import result as result_module
from bot.phrase.result import Inference, InferenceKind, encode_json

ZONE = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 24, 16, 30, tzinfo=ZONE)
TARGETS = ["truck 42", "unit 1207 and truck 88", 'asset "Yard “Jockey” 3"', 'asset "back\\\\slash"',
           "trucks 42, 43, 44", "#0077", "trailer TRL-9", 'asset "tab\there"']  # fmt: skip
TIMES = ["yesterday 3pm", "3:00-3:02pm yesterday", "2h ago", "11/20 3pm", "3pm ± 1 min",
         "nov 22 2:30pm", "yesterday 15:00 UTC", "around 3pm yesterday"]  # fmt: skip
LENGTHS = ["", "2 min", "timelapse 15 min", "a minute"]
CAMERAS = ["", "front only", "everything except driver", "omnicam", "front and rear"]
NOISE = ["", "pls", "customer complaint – backed into dock door ünd so", "grab video"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TARGETS), st.sampled_from(TIMES), st.sampled_from(LENGTHS),
       st.sampled_from(CAMERAS), st.sampled_from(NOISE))  # fmt: skip
def test_a_recalls_json_text_is_exactly_its_encoded_object(
    target: str, when: str, length: str, cameras: str, noise: str
) -> None:
    parsed = parse_phrase(" ".join(filter(None, [noise, target, when, length, cameras])), ZONE,
                          NOW, max_targets=5)  # fmt: skip
    if not isinstance(parsed, ParsedPhrase):
        return
    assert parsed.json_text() == encode_json(parsed.to_json())
    assert json.loads(parsed.json_text()) == parsed.to_json()


def test_remembered_inferences_are_bounded_and_keyed_by_kind_and_message() -> None:
    """A long --jsonl run meets ever new messages: the texts kept stay bounded, and two
    inferences with one message but different kinds are never confused."""
    kept = result_module._INFERENCE_TEXTS_KEPT
    for n in range(kept * 3):
        note = Inference(InferenceKind.CLOCK, f"message {n}")
        assert result_module._inference_text(note) == encode_json(note.to_json())
    assert len(result_module._INFERENCE_TEXTS) <= kept
    same = "the same words"
    for kind in (InferenceKind.DAY, InferenceKind.ZONE):
        note = Inference(kind, same)
        assert json.loads(result_module._inference_text(note))["kind"] == kind.value


def test_a_long_note_is_not_remembered_and_no_cameras_is_an_empty_list() -> None:
    """A note quoting a long phrase would make the remembered texts large; an empty camera
    choice (the parser refuses one, a caller may build it) is written as the encoder would."""
    noise = "blah " * 200
    parsed = parse_phrase(f"truck 42 yesterday 3pm {noise}", ZONE, NOW)
    assert isinstance(parsed, ParsedPhrase)
    assert parsed.json_text() == encode_json(parsed.to_json())
    assert all(len(note.message) <= result_module._INFERENCE_LONGEST_KEPT
               for note in result_module._INFERENCE_TEXTS)  # fmt: skip
    none = parsed._replace(camera_positions=())
    assert none.json_text() == encode_json(none.to_json())
