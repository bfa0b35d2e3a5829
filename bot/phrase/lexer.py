"""Turns a phrase into lexemes with one master regular expression.

Each alternative is a lexeme kind; at every position the first alternative that matches wins,
so specific forms ("truck 42", "3:00pm", "nov 22") are listed before general ones (numbers,
words). One compiled pattern scanned with ``finditer`` keeps lexing linear in the input and
fast (the scan runs in C); the grammar then works on a short list of tokens.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from bot.phrase.slack_text import read_slack_text

_END = r"(?![\w])"
_MER = r"[ap]\.?\s?m\.?" + _END
_ISH = r"(?:\s*-?\s*ish" + _END + r")?"
_UNIT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?)"
_NUMWORD = (
    r"(?:forty[\s-]?five|half(?:\s+an?)?|one|two|three|four|five|six|seven|eight|nine|ten"
    r"|eleven|twelve|fifteen|twenty|thirty|forty|sixty|ninety)"
)
_MONTH_NOT_MAY = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTH = r"(?:" + _MONTH_NOT_MAY + r"|may)"
_DAYN = r"(?>3[01]|[12]\d|0?[1-9])"
_ORD = r"(?:st|nd|rd|th)"
_YEAR_TAIL = r"(?:,?\s+(?:19|20)\d{2}(?![\w:]))?"
_NOT_CLOCK_AHEAD = r"(?!\d|\s*(?::\d|[ap]\.?\s?m\.?" + _END + r"|o'?\s?clock))"
_ID = r"(?=[\w-]*\d)[^\W_](?:[\w-]*[^\W_])?"
# What cannot be a vehicle id after "truck": a clock time or a clip length ("truck 3pm",
# "truck 2 min"); day and week units are left out so "truck 42 day before yesterday" stays whole.
_CLOCKLIKE = (
    r"(?:\d{1,2}+(?::\d{2}|\s*" + _MER + r"|[ap]" + _END + r"|\s*o'?\s?clock)"
    r"|\d{1,4}+\s*-?\s*ish(?![\w])"
    r"|\d++(?:\.\d++)?+\s*-?\s*(?:(?:seconds?|secs?|minutes?|mins?|hours?|hrs?)"
    + _END
    + r"|[smh]"
    + _END
    + r"))"
)
_CAMSUF = r"(?:[\s-]*(?:cams?|cameras?|views?))?" + _END
_FACING = r"(?:[\s-]*facing)?"

# A month day ("nov 22", "22nd of nov", "3rd may"), as the forms that start with a word and
# those that start with a number (see _FORMS).
_MDATE_WORDS = (
    r"(?:"
    + _MONTH
    + r"\.?\s*(?:the\s+)?"
    + _DAYN
    + _ORD
    + r"?"
    + _NOT_CLOCK_AHEAD
    + _YEAR_TAIL
    + r")"
)
_MDATE_NUMBERS = (
    r"(?:"
    + _DAYN
    + _ORD
    + r"?\s+(?:of\s+)?"
    + _MONTH_NOT_MAY
    + r"\.?"
    + _END
    + _YEAR_TAIL
    + r"|"
    + _DAYN
    + _ORD
    + r"\s+(?:of\s+)?may"
    + _END
    + _YEAR_TAIL
    + r")"
)
# A length ("1h30m", "2 min", "90s"; "hour-long", "two minutes"), likewise.
_DURATION_NUMBERS = (
    r"(?P<hm_h>\d{1,2}+)\s*h(?:rs?)?\s*(?P<hm_m>\d{1,2}+)\s*m(?:ins?)?"
    + _END
    + r"|(?P<d_amt>\d++(?:\.\d++)?+)\s*-?\s*(?P<d_unit>"
    + _UNIT
    + r")"
    + _END
    + r"(?P<d_half>\s+and\s+a\s+half)?"
    + r"|(?P<g_amt>\d++(?:\.\d++)?+)(?P<g_unit>[smhd])"
    + _END
)
_DURATION_WORDS = (
    r"(?P<l_unit>hour|minute|min|hr)[\s-]+long"
    + _END
    + r"|(?P<w_amt>"
    + _NUMWORD
    + r"|an?(?=\s+(?:minute|min|hour|hr|day|week|second|sec)))[\s-]+"
    + r"(?P<w_unit>"
    + _UNIT
    + r")"
    + _END
    + r"(?P<w_half>\s+and\s+a\s+half)?"
)

# (kind, pattern) in priority order. Group names inside a pattern are unique across the table.
_LEXEMES: tuple[tuple[str, str], ...] = (
    ("quoted", r'"(?P<q_text>[^"\n]{1,200})"'),
    (
        "target",
        r"(?P<t_kw>trucks?|units?|vehicles?|vehs?|tractors?|vans?|bus(?:es)?|assets?|trailers?)"
        r"(?:\s*(?:no\.?|num(?:ber)?\.?|nbr\.?|id)(?=[\s#:\d]))?\s*[#:-]?\s*"
        r'(?:"(?P<t_q>[^"\n]{1,100})"|(?!' + _CLOCKLIKE + r")(?P<t_id>" + _ID + r"))" + _END,
    ),
    ("hashid", r"\#\s?(?P<h_id>" + _ID + r")" + _END),
    (
        "iso",
        r"(?P<iso_d>\d{4}-\d{1,2}-\d{1,2})[t\s](?P<iso_t>\d{1,2}:\d{2}(?::\d{2})?)(?:\.\d+)?"
        # Not before am/pm: "2026-12-04 3:00 PM" is a date and a 12-hour clock, not 03:00.
        r"(?P<iso_z>z" + _END + r"|[+-]\d{2}:?\d{2})?(?![\w:]|\s*" + _MER + r")",
    ),
    (
        "ymd",
        r"(?P<y_y>(?:19|20)\d{2})(?P<y_sep>[-/.])(?P<y_m>\d{1,2})(?P=y_sep)(?P<y_d>\d{1,2})"
        r"(?![\w:/.-])",
    ),
    (
        "mdy",
        r"(?P<n_a>\d{1,2}+)(?P<n_sep>[/-])(?P<n_b>\d{1,2}+)(?:(?P=n_sep)(?P<n_y>\d{4}|\d{2}))?"
        r"(?![\w:/.-]|\s*(?:" + _MER + r"|o'?\s?clock|" + _UNIT + _END + r"))",
    ),
    ("mdate", r"(?:" + _MDATE_WORDS + r"|" + _MDATE_NUMBERS + r")"),
    ("dom", r"(?:on\s+)?the\s+(?P<dom_d>\d{1,2})" + _ORD + _END),
    ("ordinal", r"(?P<ord_d>\d{1,2}+)" + _ORD + _END),
    ("duration", _DURATION_NUMBERS + r"|" + _DURATION_WORDS),
    (
        "clock",
        r"(?P<c1h>\d{1,2}+):(?P<c1m>\d{2})(?::(?P<c1s>\d{2}))?(?!\d)"
        r"(?:\s*(?P<c1a>[ap])\.?\s?m\.?" + _END + r"|(?P<c1p>[ap])" + _END + r")?"
        r"(?P<c1z>z"
        + _END
        + r")?(?P<c1ish>"
        + _ISH
        + r")"
        + r"|(?P<c2h>\d{1,2}+)\.(?P<c2m>\d{2})\s*(?P<c2a>[ap])\.?\s?m\.?"
        + _END
        + r"(?P<c2ish>"
        + _ISH
        + r")"
        + r"|(?P<c6h>\d{1,2})(?P<c6m>\d{2})\s*(?P<c6a>[ap])\.?\s?m\.?"
        + _END
        + r"(?P<c6ish>"
        + _ISH
        + r")"
        + r"|(?P<c3h>\d{1,2}+)(?:\s*(?P<c3a>[ap])\.?\s?m\.?|(?P<c3p>[ap]))"
        + _END
        + r"(?P<c3ish>"
        + _ISH
        + r")"
        + r"|(?P<c4h>\d{1,2}+)\s*o'?\s?clock"
        + _END
        # "3ish", "3 ish", "1504-ish": an hour (or HHMM) said to be approximate
        + r"|(?P<c5h>\d{1,4}+)\s*-?\s*ish"
        + _END,
    ),
    ("noon", r"(?:12\s*)?(?:noon|midday|mid-day)" + _END),
    ("midnight", r"(?:12\s*)?midnight" + _END),
    (
        "day",
        r"(?P<day_w>(?:the\s+)?day\s+before\s+yesterday|yesterday|yest|yday|yda|ystdy|ystrdy"
        r"|ystd|today|tonight"
        r"|tonite|tomorrow|tmrw|tmr|tomorow|earlier\s+today|last\s+night)" + _END,
    ),
    (
        "thispod",
        r"this\s+(?:(?P<tp_part>morning|afternoon|evening)|(?P<tp_mer>[ap])\.?\s?m\.?)" + _END,
    ),
    (
        "pod",
        r"(?:(?P<pod_pre>in\s+the|at)\s+)?"
        r"(?P<pod_w>morning|afternoon|evening|night|overnight|lunch(?:time)?)" + _END,
    ),
    ("vague", r"(?:(?:last|this|past|previous|next)\s+)?(?:week|month|weekend|year)" + _END),
    (
        "weekday",
        r"(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:rs(?:day)?|r)?|fri(?:day)?"
        r"|sat(?:urday)?|sun(?:day)?)\.?" + _END,
    ),
    ("month", r"(?P<mo>" + _MONTH_NOT_MAY + r")\.?" + _END),
    (
        "zone",
        r"(?P<z_iana>(?:africa|america|antarctica|asia|atlantic|australia|europe|indian|pacific"
        r"|etc)/[a-z_+-]+(?:/[a-z_+-]+)?)"
        r"|(?P<z_region>eastern|central|mountain|pacific|alaska|hawaii)"
        r"(?:\s+(?P<z_kind>standard|daylight))?(?:\s+time)?"
        + _END
        + r"|(?P<z_abbr>[ecmp][sd]t|ak[sd]t|h[sd]t)"
        + _END
        + r"|(?P<z_gen>et|ct|mt|pt)"
        + _END
        + r"|(?P<z_utc>utc|gmt|zulu)(?:\s*(?P<z_off>[+-]\s?\d{1,2}(?::?\d{2})?))?"
        + _END
        + r"|(?P<z_local>(?:our|my|your|local)\s+(?:time|tz)(?:\s+zone)?|local)"
        + _END
        + r"|(?P<z_z>z)"
        + _END,
    ),
    ("timelapse", r"(?:time[\s-]?lapse|t/?l)" + _END),
    ("regular", r"(?:regular|real[\s-]?time)" + _END),
    ("plusminus", r"\+\s*/?\s*-|±|plus\s+or\s+minus" + _END),
    ("cam_sides", r"(?:both\s+)?sides?[\s-]+(?:cams?|cameras?|views?)" + _END + r"|both\s+sides"),
    (
        "cam_narrow",
        r"(?:(?:front|forward|road)[\s-]+)?narrow(?:[\s-]*(?:angle|facing))?" + _CAMSUF,
    ),
    ("cam_left", r"(?:driver(?:'?s)?[\s-]+side|left(?:[\s-]+side)?)" + _FACING + _CAMSUF),
    (
        "cam_right",
        r"(?:passenger(?:'?s)?(?:[\s-]+side)?|right(?:[\s-]+side)?)" + _FACING + _CAMSUF,
    ),
    (
        "cam_driver",
        r"(?:driver(?:'?s)?|cab(?:in)?)(?:[\s-]*facing|[\s-]*(?=cam|view))"
        + _CAMSUF
        + r"|(?:inward|inside|in[\s-]?cab|interior)"
        + _FACING
        + _CAMSUF,
    ),
    ("cam_front", r"(?:front|road|forward|outward)" + _FACING + _CAMSUF),
    ("cam_rear", r"(?:rear|back[\s-]?up|back|reverse)" + _FACING + _CAMSUF),
    ("cam_ext", r"omni[\s-]?cams?" + _END + r"|exterior" + _CAMSUF),
    ("cam_both", r"(?:both|dual)" + _FACING + _CAMSUF),
    (
        "cam_all",
        r"(?:all|every|each)\s+(?:the\s+)?(?:cams?|cameras?|views?|angles?)"
        + _END
        + r"|(?:all|everything)"
        + _END,
    ),
    ("driver_word", r"driver(?![\w'])"),
    ("cam_unknown", r"(?P<cu>[^\W_][\w°'-]*?)[\s-]*(?:cams?|cameras?)" + _END),
    ("cam_noun", r"(?P<cn>windshield|windscreen|mirrors?|roof|bumper|cargo|sideview)" + _END),
    ("ident", r"(?!\d{1,2}(?::\d{2})?-\d)(?=[\w-]*\d)(?=[\d_-]*+[^\W\d_])[^\W_][\w-]*[^\W_]"),
    ("num", r"\d+(?:\.\d+)?"),
    ("word", r"[^\W\d_]+(?:'[^\W\d_]+)*"),
    ("other", r"\S"),
)

# Which characters each lexeme can start with: "d" a digit, "l" a letter, "o" anything else.
_STARTS: dict[str, str] = {
    "quoted": "o", "hashid": "o", "iso": "d", "ymd": "d", "mdy": "d", "mdate": "dl",
    "ordinal": "d", "duration": "dl", "clock": "d", "noon": "dl", "midnight": "dl",
    "cam_unknown": "dl", "ident": "dl", "num": "d", "other": "dlo", "plusminus": "lo",
}  # fmt: skip


# The first two characters each lexeme can start with, when not every two its _STARTS allows:
# lower case, any digit written "0" and any space " ", "z*" for "z" then anything. A token is
# matched against the lexemes that can start with its first two characters only, since every
# lexeme a pattern holds costs a try: a plain word tries 4 to 6 rather than 32, "42 " 7 rather
# than 13. tests/test_phrase_lexer.py derives these from the patterns and names any pair
# missing here; a lexeme not listed is tried wherever its _STARTS allows.
_PREFIXES: dict[str, str] = {
    "target": "as|bu|tr|un|va|ve",
    "iso": "00",
    "ymd": "00",
    "mdy": "0-|0/|00",
    "mdate": "0 |00|0n|0r|0s|0t|ap|au|de|fe|ja|ju|ma|no|oc|se",
    "dom": "on|th",
    "ordinal": "00|0n|0r|0s|0t",
    "duration": "0 |0-|0.|00|0d|0h|0m|0s|0w|a |a-|an|ei|el|fi|fo|ha|ho|hr|mi|ni|on|se|si|te|th|tw",
    "clock": "0 |0-|0.|00|0:|0a|0i|0o|0p",
    "noon": "00|mi|no",
    "midnight": "00|mi",
    "day": "da|ea|la|th|tm|to|yd|ye|ys",
    "thispod": "th",
    "pod": "af|at|ev|in|lu|mo|ni|ov",
    "vague": "la|mo|ne|pa|pr|th|we|ye",
    "weekday": "fr|mo|sa|su|th|tu|we",
    "month": "ap|au|de|fe|ja|ju|ma|no|oc|se",
    "zone": "af|ak|al|am|an|as|at|au|cd|ce|cs|ct|ea|ed|es|et|eu|gm|ha|hd|hs|in|lo|md|mo|ms|mt|my"
    "|ou|pa|pd|ps|pt|ut|yo|z*",
    "timelapse": "t/|ti|tl",
    "regular": "re",
    "plusminus": "pl",
    "cam_sides": "bo|si",
    "cam_narrow": "fo|fr|na|ro",
    "cam_left": "dr|le",
    "cam_right": "pa|ri",
    "cam_driver": "ca|dr|in",
    "cam_front": "fo|fr|ou|ro",
    "cam_rear": "ba|re",
    "cam_ext": "ex|om",
    "cam_both": "bo|du",
    "cam_all": "al|ea|ev",
    "driver_word": "dr",
    "cam_noun": "bu|ca|mi|ro|si|wi",
}
_PAIRS = {kind: frozenset(pairs.split("|")) for kind, pairs in _PREFIXES.items()}

# Lexemes whose forms that start with a digit ("d") and those that start with a letter ("l")
# are written apart: a pattern holds only the forms that can start its tokens, since compiling
# each form costs (a length's in full ~0.7 ms, in the ten patterns of words it is in).
_FORMS: dict[str, dict[str, str]] = {
    "mdate": {"d": _MDATE_NUMBERS, "l": _MDATE_WORDS},
    "duration": {"d": _DURATION_NUMBERS, "l": _DURATION_WORDS},
}
_CLASSES = {"digit": "d", "letter": "l", "other": "o"}


def _written(char: str) -> str:
    """An ASCII character as _PREFIXES writes it."""
    return "0" if char.isdigit() else " " if char.isspace() else char.lower()


def _led(start: str) -> str:
    """What ``start`` (as _can_start takes it) begins with, as _STARTS writes it."""
    if start in _CLASSES:
        return _CLASSES[start]
    return "d" if start[0] == "0" else "l" if start[0].isalpha() else "o"


def _can_start(kind: str, start: str) -> bool:
    """Whether lexeme ``kind`` can start with ``start``: one or two ASCII characters as
    _PREFIXES writes them (one when the second is the phrase's end or not ASCII), or "digit",
    "letter" (any other letter) or "other"."""
    if _led(start) not in _STARTS.get(kind, "l"):
        return False
    first = start[0]
    pairs = _PAIRS.get(kind)
    if start in _CLASSES or pairs is None or not first.isalnum() or f"{first}*" in pairs:
        return True
    return start in pairs if len(start) == 2 else any(pair[0] == first for pair in pairs)


@functools.cache
def _compile(kinds: tuple[str, ...], led: str, flags: int) -> re.Pattern[str]:
    """The lexemes ``kinds`` as one pattern, in priority order, each in its forms that start
    with ``led`` (see _FORMS). Compiled on first use, once for all the starts that share it: a
    phrase needs a few, and compiling all costs ~30 ms."""
    chosen = "|".join(
        f"(?P<{k}>{_FORMS.get(k, {}).get(led, p)})" for k, p in _LEXEMES if k in kinds
    )
    # The trailing \s* moves the scan to the next token within the same call.
    return re.compile(f"(?:{chosen})\\s*", flags)


# The lexemes that close the order (an unknown camera, a camera's place, an id, a number, a
# word, any other character): most can start most tokens, so every pattern would hold them and
# each compile pay for them again (~0.2 ms, in about 30 patterns a process). They are matched
# as patterns of their own, one per set of them a start allows, where the lexemes before them
# did not match: the first alternative that matches wins either way, so the tokens are the
# same, and a token that falls through costs a second, short match (tests/test_phrase_lexer.py
# checks that they close the order).
_GENERIC = frozenset({"cam_unknown", "cam_noun", "ident", "num", "word", "other"})


class _Patterns(dict[str, tuple[re.Pattern[str] | None, re.Pattern[str]]]):
    """The patterns to match where a token starts, by its first two characters: its specific
    lexemes (None: no lexeme but the generic ones can start there), then its generic ones,
    less the lexemes ``left_out`` (ones the phrase cannot hold)."""

    def __init__(self, flags: int, left_out: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.flags = flags
        self.left_out = left_out

    def __missing__(self, start: str) -> tuple[re.Pattern[str] | None, re.Pattern[str]]:
        char = start[0]
        if start.isascii():
            written = "".join(map(_written, start))
        elif char.isascii():
            written = _written(char)
        else:
            written = "digit" if char.isdecimal() else "letter" if char.isalpha() else "other"
        kinds = [k for k, _ in _LEXEMES if k not in self.left_out and _can_start(k, written)]
        led = _led(written)
        specific = tuple(k for k in kinds if k not in _GENERIC)
        generic = tuple(k for k in kinds if k in _GENERIC)
        patterns = (
            _compile(specific, led, self.flags) if specific else None,
            _compile(generic, led, self.flags),
        )
        if start.isascii():  # the rest are looked up again: what the phrases hold is unbounded
            self[start] = patterns
        return patterns


# Case-sensitive matching of lower-cased text is faster than IGNORECASE; the latter is kept for
# the rare text whose length changes when lower-cased (then spans would not line up).
_LOWERED = _Patterns(0)
# An unknown camera ("dock cam") ends in "cam" or "camera": a phrase without those letters is
# matched without it, since its lazy scan of every word was a sixth of a generic match.
_LOWERED_NO_CAM = _Patterns(0, frozenset({"cam_unknown"}))
_ANY_CASE = _Patterns(re.IGNORECASE)

_TRANSLATE = str.maketrans(
    {
        **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-"),
        **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"'),
        **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4`"), "'"),
        **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None),
    }
)


_new_token = object.__new__


class Token:
    """One lexeme: its kind, the text as typed, and the regex match holding its parts.

    Patterns run on the lower-cased phrase; the text and parts of a token are sliced from the
    phrase as typed, so "TX-4471" keeps its case. A plain slotted class rather than a dataclass,
    filled in by ``tokenize`` without an ``__init__``: a phrase makes a dozen of these, and
    calling a Python ``__init__`` through the class cost ~0.3 us a token (a sixth of the lexer).
    """

    __slots__ = ("kind", "low", "match", "source", "text")

    kind: str
    low: str  # the text lower-cased, runs of spaces as one
    match: re.Match[str]
    source: str  # the phrase as typed (normalized)
    text: str

    def __repr__(self) -> str:
        return f"Token({self.kind!r}, {self.text!r})"

    def group(self, name: str) -> str | None:
        """A named part of the lexeme as typed, or None when that part was not present."""
        try:
            start, end = self.match.span(name)
        except IndexError:  # a part of a lexeme this token's pattern does not hold
            return None
        return None if start < 0 else self.source[start:end]


def normalize(text: str) -> str:
    """Slack's encoding read as words (``bot.phrase.slack_text``), and look-alike characters
    (en dashes, curly quotes, full-width digits) folded to plain ASCII."""
    text = read_slack_text(text)
    if text.isascii() and "`" not in text:  # the one ASCII character either would change
        return text
    return unicodedata.normalize("NFKC", text).translate(_TRANSLATE)


def tokenize(text: str) -> list[Token]:
    """Split a phrase into tokens; every non-space character ends up in exactly one token."""
    source = normalize(text)
    lowered = source.lower()
    patterns = _LOWERED if "cam" in lowered else _LOWERED_NO_CAM
    if len(lowered) != len(source):
        lowered, patterns = source, _ANY_CASE
    relower = lowered is source  # matched on the text as typed: parts are lower-cased here
    tokens: list[Token] = []
    end = len(lowered)
    position = end - len(lowered.lstrip())
    while position < end:
        specific, generic = patterns[lowered[position : position + 2]]
        match = (specific and specific.match(lowered, position)) or generic.match(lowered, position)
        if match is None or match.lastgroup is None:  # pragma: no cover - "other" matches \S
            break
        token = _new_token(Token)
        token.kind = kind = match.lastgroup
        token.match = match
        token.source = source
        start, stop = match.span(kind)
        token.text = source[start:stop]
        low = lowered[start:stop].lower() if relower else lowered[start:stop]
        token.low = low if low.isalnum() else " ".join(low.split())
        tokens.append(token)
        position = match.end()
    return tokens
