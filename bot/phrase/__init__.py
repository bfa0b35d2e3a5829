"""The phrase language: what people type, read into a Motive recall request.

``parse_phrase(text, tz, now)`` is the one entry point; the modules behind it are the lexer,
the grammar (tokens to a ``Draft`` of what was said) and the resolvers (the draft, "now" and a
zone to a ``RecallRequest``, with every inference reported).
"""

from bot.phrase.context import Context
from bot.phrase.parser import parse_phrase
from bot.phrase.result import Inference, InferenceKind, ParsedPhrase, PhraseError

__all__ = [
    "Context",
    "Inference",
    "InferenceKind",
    "ParsedPhrase",
    "PhraseError",
    "parse_phrase",
]
