"""Slack's message text read as the words a person typed.

Slack sends ``&amp;``, ``&lt;`` and ``&gt;`` for ``&``, ``<`` and ``>``; wraps mentions
(``<@U123>``, ``<@U123|amy>``), channels (``<#C024BE7LR|safety>``), specials (``<!here>``) and
links (``<https://x/12|incident 12>``, ``<mailto:a@b.co|a@b.co>``) in angle brackets; and
carries mrkdwn (``*bold*``, ``_italic_``, ``~strike~``, `` `code` ``) and emoji shortcodes
(``:rotating_light:``). None of that is language: mentions, channels, specials, bare links and
emoji are dropped; a link's label is kept in quotes, so the grammar reports it as ignored rather
than reading "incident 12" as a vehicle; markup keeps the words inside. Every surface reads text
through here (``tokenize`` calls it), so a command, a mention, a shortcut's message and the
modal's prefill all read the same.
"""

from __future__ import annotations

import re

# Compiled on first use, through re's own cache: most phrases need none of these, and compiling
# them cost ~0.75 ms of every start (the emoji's, which a clock's ":" needs, is compiled here).
_ENTITY = r"<([^<>\n]{0,500})>"
_LINK = r"(?i)(?:[a-z][a-z0-9+.-]*:)"  # https:, mailto:, tel:, slack:
_CODE_BLOCK = r"(?s)```(.*?)```"
# The look-behinds come after the first sign, so that the scan for that sign runs in C.
_MARKUP = r"(?s)([*_~`])(?<![\w*_~`][*_~`])(?=[^\s*_~`])(.+?)(?<=[^\s*_~`])\1(?![\w*_~`])"
_EMOJI = re.compile(r":(?<!\w:)[a-z][a-z0-9_+'-]*:(?!\w)", re.IGNORECASE)
_ESCAPES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))  # &amp; last: "&amp;lt;" is "&lt;"
_SIGNS = re.compile(r"[<&*_~`:]")  # one scan in C (a set's isdisjoint hashes every character)
_MARKUP_SIGNS = re.compile(r"[*_~`]")


def _entity(match: re.Match[str]) -> str:
    inner = match[1]
    if inner[:1] in "@#!":  # a user, a channel, a special (@here)
        return " "
    target, _, label = inner.partition("|")
    if re.match(_LINK, target):
        label = label.strip().replace('"', "'")
        return f' "{label}" ' if label else " "
    return match[0]  # not Slack's: "<3pm" typed with an escaped "<" never gets here


def read_slack_text(text: str) -> str:
    """The words of a Slack message (plain text passes through unchanged, and fast)."""
    if not _SIGNS.search(text):
        return text
    # Each step only where its sign is: a phrase with a clock ("9:15am") has a ":" and no other.
    if "<" in text:
        text = re.sub(_ENTITY, _entity, text)
    if "```" in text:
        text = re.sub(_CODE_BLOCK, lambda m: f" {m[1]} ", text)
    if _MARKUP_SIGNS.search(text):
        text = re.sub(_MARKUP, lambda m: m[2], text)
    if ":" in text:
        text = _EMOJI.sub(" ", text)
    if "&" in text:
        for escaped, plain in _ESCAPES:
            text = text.replace(escaped, plain)
    return text
