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
    ``limit + 1`` once it is certain to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
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


def suggestion(word: str, before_id: bool = False) -> str | None:
    """The key word ``word`` was probably meant as, if it is close to one and not a word in
    its own right; ``before_id``: it stands where a target's keyword would ("truk 42"), and a
    keyword wins a tie there ("unti 42" is "unit", not "until")."""
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
        best = min(known, key=lambda key: _distance(low, key, limit))
        if _distance(low, best, limit) <= limit:
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
