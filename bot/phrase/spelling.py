"""Words the grammar could not place that were meant as its own: a misspelt key word, or
another language.

A default must never stand in for a word that was misread: ``truck 42 yestrday 3pm`` is not
"today at 3pm", and ``aset TRL-0093`` is no vehicle. A word one or two edits away from the day,
time, camera, length or type vocabulary, or from a target's keyword right before a number or id,
is refused with a did-you-mean; a phrase in another language gets "English only".
Only words the grammar left over are looked at, so this costs nothing on a clean phrase.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Set
from functools import lru_cache

from bot.phrase.result import PhraseProblem
from bot.recall_terms import PhraseErrorCode

VOCABULARY = frozenset(
    """
    yesterday today tonight tomorrow morning afternoon evening midnight noon
    monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    front driver rear narrow passenger forward interior inside inward outward backup reverse
    camera cameras facing left right both
    timelapse regular realtime minutes minute seconds second hours hour ago before after
    around until between ending
    """.split()
)
"""Key words worth a did-you-mean (five letters or more: shorter ones are too close to too
many ordinary words)."""

TARGET_KEYWORDS = frozenset(
    "truck trucks unit units vehicle vehicles tractor trailer asset".split()
)
"""The words that name a target ("truck 42"): a word one edit from one of these, standing
right before a number or id, was meant as it (four letters are enough there: "truk 42")."""

# In a fixed order, so that a tie between two key words is always decided the same way.
_KEYS = tuple(sorted(VOCABULARY))
_TARGETS = tuple(sorted(TARGET_KEYWORDS))

# Real words one edit from the vocabulary that people write in incident notes.
_ORDINARY = frozenset(
    """
    drive drives drivers driven river fronts rears hourly timer forwards forwarded sides
    bother brother earlier hours minuet later lefty righty mourning reverb second seconded
    light lights sight might fight tight bright reversed reverses track trick trunk tuck
    struck truce knit init unix assert trainer traitor
    """.split()
)

# Common words of the other languages fleets in North America write in.
_FOREIGN = frozenset(
    """
    ayer hoy anoche mañana manana camion camión camioneta unidad minutos minuto segundos hora
    horas tarde noche cámara camara delantera conductor ayer antier gestern heute morgen uhr
    minuten sekunden lastwagen fahrzeug kamera vorgestern hier aujourd'hui demain heures
    caméra avant-hier hoje ontem caminhão caminhao câmera
    """.split()
)

_EXAMPLE = "“truck 42 yesterday 3pm 2 min”"


def _distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from ``a`` to ``b``, or
    ``limit + 1`` once it is certain to exceed ``limit``. What both words begin and end with
    is left out first (it changes no count, and "yestrday" against "yesterday" is then "r"
    against "er")."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    shorter = min(len(a), len(b))
    head = 0
    while head < shorter and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < shorter - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a, b = a[head : len(a) - tail], b[head : len(b) - tail]
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=64)
def _of_length(known: tuple[str, ...], length: int, limit: int) -> tuple[tuple[str, Set[str]], ...]:
    """The keys (in ``known``'s order) a word of ``length`` letters can be within ``limit``
    edits of (one edit changes the length by one at most), each with its letters."""
    return tuple((key, frozenset(key)) for key in known if abs(len(key) - length) <= limit)


def _nearest(low: str, known: tuple[str, ...], limit: int) -> str | None:
    """The first key (in ``known``'s order) fewest edits from ``low``, within ``limit``.

    ``low`` is never a key itself, so one edit is the least there can be and the first key one
    edit away is the answer. Most keys are ruled out before the edit count (a Python loop, the
    cost of a phrase with left-over words): a length more than ``limit`` apart, or letters that
    differ by more than the edits can change (one edit adds or removes at most two distinct
    letters, a swap none)."""
    letters = frozenset(low)
    best, best_distance = None, limit + 1
    for key, key_letters in _of_length(known, len(low), limit):
        if len(letters ^ key_letters) > 2 * limit:
            continue
        distance = _distance(low, key, limit)
        if distance == 1:
            return key
        if distance < best_distance:
            best, best_distance = key, distance
    return best


@lru_cache(maxsize=4096)
def suggestion(word: str, before_id: bool = False) -> str | None:
    """The key word ``word`` was probably meant as, if it is close to one and not a word in
    its own right; ``before_id``: it stands where a target's keyword would ("truk 42"), and a
    keyword wins a tie there ("unti 42" is "unit", not "until"). Remembered per word: the
    words of incident notes ("harsh", "customer") come back phrase after phrase."""
    low = word.lower()
    if (
        len(low) < (4 if before_id else 5)
        or low in VOCABULARY
        or low in TARGET_KEYWORDS
        or low in _ORDINARY
        or not low.isalpha()
    ):
        return None
    limit = 2 if len(low) >= 8 else 1
    for known in (_TARGETS, _KEYS) if before_id else (_KEYS,):
        if (best := _nearest(low, known, limit)) is not None:
            return best
    return None


def _foreign_script(text: str) -> bool:
    """Letters of a script other than Latin (Cyrillic, Greek, CJK, Arabic...)."""
    return not text.isascii() and any(
        ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN") for ch in text
    )


def check_words(text: str, ignored: list[str], before_ids: list[str]) -> None:
    """Refuse a phrase whose left-over words were meant as key words, or are another
    language (``PhraseProblem``); a phrase whose every word was placed passes at once.
    ``before_ids``: the left-over words that stand right before a number or id."""
    words = [w.strip(".,;:!?'\"") for phrase in ignored for w in phrase.split()]
    if _foreign_script(text) or any(w.lower() in _FOREIGN for w in words):
        raise PhraseProblem(
            PhraseErrorCode.NOT_ENGLISH,
            f"recallbot reads requests in English only, for example {_EXAMPLE} or “asset "
            "TRL-0093 today 9:15am 3 min front only”.",
        )
    for word in words:
        meant = suggestion(word, before_id=word in before_ids)
        if meant is not None:
            raise PhraseProblem(
                PhraseErrorCode.UNKNOWN_WORD,
                f"I don't know the word “{word}”. Did you mean “{meant}”? Fix it and ask "
                f"again, e.g. {_EXAMPLE}.",
            )
