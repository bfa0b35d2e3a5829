"""Which of the company's geofences a person means by the words they typed.

"the Elm St yard", "elm st yard" and "elm yard" all mean "Elm St yard": a place matches when
every word typed (less "the", "at", punctuation; "street" as "st") is one of its name's words.
A whole-name match wins; one partial match is taken and said; two or more are an ambiguity
listing them (never a silent guess: the wrong yard is the wrong trucks' footage); none gives
a did-you-mean from names that are close.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.motive import Geofence

_FILLER = frozenset({"the", "at", "in", "of", "a"})
_SAME = {"street": "st", "avenue": "ave", "av": "ave", "road": "rd", "saint": "st"}


def words(name: str) -> tuple[str, ...]:
    """A place name as comparable words."""
    found = re.findall(r"[a-z0-9]+", name.casefold())
    return tuple(_SAME.get(word, word) for word in found if word not in _FILLER)


@dataclass(frozen=True)
class PlaceMatch:
    """The one geofence meant; ``note`` says so when the name typed was not its own."""

    place: Geofence
    note: str | None = None


@dataclass(frozen=True)
class PlaceAmbiguous:
    """Several geofences fit what was typed: the person must say which."""

    typed: str
    places: tuple[Geofence, ...]

    def message(self) -> str:
        """What to tell the person."""
        shown = " or ".join(f"“{place.name}”" for place in self.places)
        return f"“{self.typed}” could be {shown}. Say which one."


@dataclass(frozen=True)
class PlaceUnknown:
    """No geofence fits; ``suggestions`` are names close to what was typed."""

    typed: str
    suggestions: tuple[str, ...] = ()

    def message(self) -> str:
        """What to tell the person."""
        if self.suggestions:
            shown = ", ".join(f"“{name}”" for name in self.suggestions)
            return (
                f"There is no place “{self.typed}” among the company's geofences. Did you mean "
                f"{shown}?"
            )
        return (
            f"There is no place “{self.typed}” among the company's geofences. Name a geofence as "
            "Motive's dashboard shows it."
        )


PlaceAnswer = PlaceMatch | PlaceAmbiguous | PlaceUnknown


def match_place(typed: str, places: list[Geofence]) -> PlaceAnswer:
    """The geofence ``typed`` means among ``places`` (see the module's rules)."""
    wanted = words(typed)
    if not wanted:
        return PlaceUnknown(typed)
    whole = [place for place in places if words(place.name) == wanted]
    if len(whole) == 1:
        return PlaceMatch(whole[0])
    fits = whole or [place for place in places if set(wanted) <= set(words(place.name))]
    if len(fits) == 1:
        return PlaceMatch(fits[0], note=f"“{typed}” is the geofence “{fits[0].name}”.")
    if fits:
        return PlaceAmbiguous(typed, tuple(sorted(fits, key=lambda place: place.name)))
    by_words = {" ".join(words(place.name)): place.name for place in places}
    close = difflib.get_close_matches(" ".join(wanted), list(by_words), n=3, cutoff=0.7)
    return PlaceUnknown(typed, tuple(by_words[key] for key in close))
