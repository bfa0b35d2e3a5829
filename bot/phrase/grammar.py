"""The grammar: reads tokens into a ``Draft`` of what the phrase said.

One left-to-right pass. Each token kind has a reader; readers look at their neighbours where a
word's meaning depends on them ("at 3" is a time, "for 2" a duration, "no driver cam" an
exclusion, "in front of" narrative). Plain numbers that no rule claims stay loose until the end,
when they are settled as the vehicle, as a clock time, or reported.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.phrase import lexicon as lx
from bot.phrase.clock import clock_from_digits, could_be_clock, from_iso, read_clock
from bot.phrase.draft import (
    ClockTime,
    DayKind,
    DaySpec,
    Draft,
    PartOfDay,
    Said,
    TimeRange,
)
from bot.phrase.lexer import Token
from bot.phrase.result import PhraseProblem
from bot.phrase.zones import UnknownZoneError, fixed_offset_spec, read_zone, utc_spec
from bot.recall_terms import CameraPosition, PhraseErrorCode, RecallType

_DAY_WORDS: dict[str, tuple[int, PartOfDay | None]] = {
    "yesterday": (1, None), "yest": (1, None), "yday": (1, None), "yda": (1, None),
    "ystd": (1, None), "ystdy": (1, None), "ystrdy": (1, None),
    "today": (0, None), "earlier today": (0, None),
    "tonight": (0, PartOfDay.NIGHT), "tonite": (0, PartOfDay.NIGHT),
    "last night": (1, PartOfDay.NIGHT),
    "day before yesterday": (2, None), "the day before yesterday": (2, None),
}  # fmt: skip
_FUTURE_DAY_WORDS = frozenset({"tomorrow", "tmrw", "tmr", "tomorow"})
_PARTS: dict[str, PartOfDay] = {
    "morning": PartOfDay.MORNING, "am": PartOfDay.MORNING,
    "afternoon": PartOfDay.AFTERNOON, "pm": PartOfDay.AFTERNOON,
    "evening": PartOfDay.EVENING, "night": PartOfDay.NIGHT, "overnight": PartOfDay.NIGHT,
    "lunch": PartOfDay.LUNCH, "lunchtime": PartOfDay.LUNCH,
}  # fmt: skip
_DAY_MODIFIERS = frozenset({"last", "this", "on", "past", "previous", "next"})
_CLOCK_KINDS = frozenset({"clock", "noon", "midnight"})
# Tokens after which a plain number is a clock time: "yesterday 3", "this morning 6".
_DAYISH_KINDS = frozenset(
    {"day", "weekday", "mdy", "ymd", "mdate", "dom", "ordinal", "thispod", "pod", "iso"}
)
_CAMERA_KINDS = frozenset(lx.CAMERA_SETS) | {"driver_word"}
_SILENT_WORDS = (
    lx.FILLER_WORDS | lx.AT_WORDS | lx.NEGATIONS | lx.JOINERS | _DAY_MODIFIERS | {"between"}
)
# Words a list of excluded cameras runs through: "except for the driver and rear cams".
_NEGATION_GLUE = frozenset({"and", "or", "nor", "&", ",", "the", "for"})
_HALF = {"half": 0.5, "half a": 0.5, "half an": 0.5}
# The first words of a centred window's words, so most lengths look no further.
_WINDOW_FIRST = frozenset(words[0] for words in (*lx.EACH_SIDE_OF, *lx.IN_ALL_AROUND))
# The groups of the lexer's ``duration`` lexeme, in the forms that start with a number: "1h30m"
# (hours, minutes), "2 min and a half" (amount, unit, half), "90s" (amount, unit letter); and
# in those that start with a word: "hour-long" (unit), "two minutes and a half".
_NUMBER_LENGTHS = ("hm_h", "hm_m", "d_amt", "d_unit", "d_half", "g_amt", "g_unit")
_WORD_LENGTHS = ("l_unit", "w_amt", "w_unit", "w_half")


def _amount(text: str) -> float:
    text = " ".join(text.lower().replace("-", " ").split())
    if text in _HALF:
        return _HALF[text]
    if text in lx.NUMBER_WORDS:
        return lx.NUMBER_WORDS[text]
    return float(text)


class _Reader:
    """One pass over the tokens of a phrase."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.used = [False] * len(tokens)
        self.glue: set[int] = set()  # words read as part of a centred window ("around")
        self.loose: list[int] = []
        self.draft = Draft()

    # -- neighbours -------------------------------------------------------------------------

    def low(self, i: int) -> str:
        """The lower-cased text of token ``i``, or "" outside the phrase."""
        return self.tokens[i].low if 0 <= i < len(self.tokens) else ""

    def kind(self, i: int) -> str:
        """The kind of token ``i``, or "" outside the phrase."""
        return self.tokens[i].kind if 0 <= i < len(self.tokens) else ""

    def free(self, i: int) -> bool:
        """Whether token ``i`` exists and no reader has claimed it yet."""
        return 0 <= i < len(self.tokens) and not self.used[i]

    def span(self, first: int, last: int) -> str:
        """The phrase's own text from token ``first`` through token ``last``."""
        first_token, last_token = self.tokens[first], self.tokens[last]
        start, end = first_token.match.start(), last_token.match.end(last_token.kind)
        return first_token.source[start:end]

    def take(self, *indices: int) -> None:
        """Claim tokens that a reader consumed beside its own."""
        for i in indices:
            self.used[i] = True

    # -- the pass ---------------------------------------------------------------------------

    def read(self) -> Draft:
        """Read every token, then settle the numbers no rule claimed."""
        for i, token in enumerate(self.tokens):
            if not self.used[i]:
                self.used[i] = True
                _READERS[token.kind](self, i)
        self._settle_loose()
        self._settle_last_week()
        return self.draft

    # -- targets ----------------------------------------------------------------------------

    def _quoted(self, i: int) -> None:
        self.draft.ignored.append(self.tokens[i].group("q_text") or self.tokens[i].text)

    def _target(self, i: int) -> None:
        token = self.tokens[i]
        value = token.group("t_q") or token.group("t_id") or ""
        keyword = (token.group("t_kw") or "").lower()
        names = (
            self.draft.assets if keyword.startswith(("asset", "trailer")) else self.draft.vehicles
        )
        names.append(value.strip())

    def _named_asset(self, i: int) -> bool:
        """ "asset Yard Jockey 3 yesterday 3pm": the words after "asset" up to the next word
        that is not part of a name (a time, a day, "at"...) name the asset."""
        last = i
        while (
            self.free(last + 1)
            and self.kind(last + 1) in {"word", "num", "ident"}
            and self.low(last + 1) not in lx.NAME_STOPS
        ):
            last += 1
        if last == i:
            return False
        self.take(*range(i + 1, last + 1))
        self.draft.assets.append(self.span(i + 1, last))
        return True

    def _settle_last_week(self) -> None:
        """ "friday last week", "on friday at 3pm last week": the weekday of last week."""
        draft = self.draft
        if not draft.vague:  # most phrases: no "last week" to look for
            return
        weeks = [v for v in draft.vague if " ".join(v.lower().split()) in lx.LAST_WEEK]
        weekdays = [d for d in draft.days if d.kind is DayKind.WEEKDAY]
        if len(weeks) != 1 or len(weekdays) != 1:
            return
        (week,), (day,) = weeks, weekdays
        draft.vague.remove(week)
        draft.days[draft.days.index(day)] = day._replace(
            modifier="last week", text=f"{day.text} {week}"
        )

    def _hashid(self, i: int) -> None:
        self.draft.vehicles.append(self.tokens[i].group("h_id") or "")

    def _loose(self, i: int) -> None:
        self.loose.append(i)

    def _settle_loose(self) -> None:
        """Decide what numbers no rule claimed are: a clock time, the vehicle, or extra ids."""
        if not self.loose:  # most phrases: no list of targets to look for (~1 us each)
            return
        draft = self.draft
        if not draft.has_time_point():
            hhmm = [i for i in self.loose if self._is_hhmm(i)]
            named = bool(draft.vehicles or draft.assets)
            ids = [i for i in self.loose if i not in hhmm]
            # "truck 42 yesterday 1504": with the target named, a lone HHMM is the time.
            # "TX-4471 yesterday 1504": an id that cannot be a time leaves the HHMM as the time.
            if len(hhmm) == 1 and (named or len(ids) == 1):
                self._time_at(hhmm[0])
                self.loose.remove(hhmm[0])
        listed = self._listed()
        for i in self.loose:
            text, kind = self.tokens[i].text, listed.get(i, "stray")
            if kind == "vehicle":
                draft.vehicles.append(text)
            elif kind == "asset":
                draft.assets.append(text)
            else:
                (draft.listed_ids if kind == "listed" else draft.loose_ids).append(text)

    def _listed(self) -> dict[int, str]:
        """Bare numbers joined to a target or to each other by "and", "," or "&" ("trucks 42
        and 43", "42, 43, 1207"): a list of targets, not stray numbers. Each is a "vehicle" or
        an "asset" when the list starts at a keyword that says so ("trailers 88 and 89"), else
        "listed" (taken as a vehicle number, which is an inference)."""
        kinds = {i: self._keyword_kind(t) for i, t in enumerate(self.tokens)
                 if t.kind in ("target", "hashid")}  # fmt: skip
        listed: dict[int, str] = {}
        loose = set(self.loose)
        for i in sorted(loose):
            before = i - 2
            if i >= 2 and self.low(i - 1) in lx.LIST_GLUE and (before in kinds or before in loose):
                if before in loose:
                    listed.setdefault(before, "listed")
                listed[i] = kinds.get(before) or listed[before]
        return listed

    @staticmethod
    def _keyword_kind(token: Token) -> str:
        """What a target's own word says it is: "#42" says neither."""
        keyword = (token.group("t_kw") or "").lower()
        if not keyword:
            return "listed"
        return "asset" if keyword.startswith(("asset", "trailer")) else "vehicle"

    def _is_hhmm(self, i: int) -> bool:
        text = self.tokens[i].text
        return self.kind(i) == "num" and len(text) == 4 and could_be_clock(text)

    # -- days -------------------------------------------------------------------------------

    def _iso(self, i: int) -> None:
        token = self.tokens[i]
        y, m, d = (int(x) for x in (token.group("iso_d") or "").split("-"))
        self.draft.days.append(DaySpec(DayKind.ISO, token.text, numbers=(y, m, d)))
        self.draft.clocks.append(from_iso(token.text, token.group("iso_t") or ""))
        offset = token.group("iso_z")
        if offset and offset.lower() == "z":
            self.draft.zones.append(utc_spec(token.text))
        elif offset:
            self.draft.zones.append(fixed_offset_spec(token.text, offset))

    def _ymd(self, i: int) -> None:
        token = self.tokens[i]
        numbers = tuple(int(token.group(g) or 0) for g in ("y_y", "y_m", "y_d"))
        self.draft.days.append(DaySpec(DayKind.ISO, token.text, numbers=numbers))

    def _mdy(self, i: int) -> None:
        token = self.tokens[i]
        numbers = [int(token.group("n_a") or 0), int(token.group("n_b") or 0)]
        if year := token.group("n_y"):
            numbers.append(int(year))
        self.draft.days.append(DaySpec(DayKind.NUMERIC, token.text, numbers=tuple(numbers)))

    def _mdate(self, i: int) -> None:
        self.draft.days.append(DaySpec(DayKind.MONTH_NAME, self.tokens[i].text))

    def _day_of_month(self, i: int) -> None:
        token = self.tokens[i]
        day = int(token.group("dom_d") or token.group("ord_d") or 0)
        self.draft.days.append(DaySpec(DayKind.DAY_OF_MONTH, token.text, numbers=(day,)))

    def _day(self, i: int) -> None:
        token = self.tokens[i]
        word = token.low
        if word in _FUTURE_DAY_WORDS:
            self.draft.futures.append(token.text)
            return
        offset, part = _DAY_WORDS[word]
        self.draft.days.append(DaySpec(DayKind.OFFSET, token.text, offset=offset, part=part))

    def _this_part(self, i: int) -> None:
        token = self.tokens[i]
        part = _PARTS[(token.group("tp_part") or f"{token.group('tp_mer')}m").lower()]
        self.draft.days.append(DaySpec(DayKind.OFFSET, token.text, offset=0, part=part))

    def _part(self, i: int) -> None:
        token = self.tokens[i]
        part = _PARTS[(token.group("pod_w") or "").lower()]
        if self.low(i - 1) == "last":  # "last evening"
            self.draft.days.append(DaySpec(DayKind.OFFSET, token.text, offset=1, part=part))
        else:
            self.draft.parts.append(Said(part, token.text))

    def _vague(self, i: int) -> None:
        token = self.tokens[i]
        target = self.draft.futures if token.low.startswith("next") else self.draft.vague
        target.append(token.text)

    def _weekday(self, i: int) -> None:
        token = self.tokens[i]
        weekday = lx.WEEKDAYS[(token.group("wd") or "").lower()]
        modifier = self.low(i - 1) if self.low(i - 1) in _DAY_MODIFIERS else None
        if modifier == "next":
            self.draft.futures.append(f"next {token.text}")
            return
        text = f"{self.tokens[i - 1].text} {token.text}" if modifier else token.text
        self.draft.days.append(DaySpec(DayKind.WEEKDAY, text, weekday=weekday, modifier=modifier))

    def _zone(self, i: int) -> None:
        token = self.tokens[i]
        if token.group("z_z") and self.kind(i - 1) not in _CLOCK_KINDS:
            self.draft.ignored.append(token.text)  # a lone "z" names UTC only after a time
            return
        try:
            self.draft.zones.append(read_zone(token))
        except UnknownZoneError as exc:
            raise PhraseProblem(
                PhraseErrorCode.INVALID_TIME,
                f"{exc}. Name a zone like “CT”, “pacific”, “EST”, “UTC” or “America/Chicago”.",
            ) from None

    # -- times ------------------------------------------------------------------------------

    def _is_clockish(self, i: int) -> bool:
        if not self.free(i):
            return False
        return self.kind(i) in _CLOCK_KINDS or (
            self.kind(i) == "num" and could_be_clock(self.tokens[i].text)
        )

    def _clock_of(self, i: int) -> ClockTime:
        token = self.tokens[i]
        approximate = self.low(i - 1) in lx.APPROX_WORDS and i - 1 not in self.glue
        if token.kind == "num":
            return clock_from_digits(token.text, token.text, approximate)
        return read_clock(token, approximate)

    def _range_end(self, i: int) -> int | None:
        """The index of the clock that ends a range starting at ``i`` ("3:00-3:02pm")."""
        joiner, end = i + 1, i + 2
        if not self.free(joiner) or self.low(joiner) not in lx.RANGE_WORDS:
            return None
        if self.low(joiner) == "and" and self.low(i - 1) != "between":
            return None
        if self.kind(end) in _CLOCK_KINDS and self.free(end):
            return end
        if self.kind(i) in _CLOCK_KINDS and self._is_clockish(end):
            return end
        return None

    def _ends_window(self, i: int) -> bool:
        before = i - 1 if self.low(i - 1) != "at" else i - 2
        word = self.low(before)
        return word in lx.END_WORDS or (word == "to" and self.low(before - 1) == "up")

    def _ends_before_clock(self, i: int) -> bool:
        clock = i + 2 if self.low(i + 1) == "at" else i + 1
        return self._is_clockish(clock)

    def _time_at(self, i: int) -> None:
        """Read a clock time at ``i``: alone, as the end of the window, or as a range start."""
        clock = self._clock_of(i)
        if clock.text.lower().endswith("z"):
            self.draft.zones.append(utc_spec(clock.text))
        end = self._range_end(i)
        if end is not None:
            self.take(i + 1, end)
            last = self._clock_of(end)
            self.draft.ranges.append(TimeRange(clock, last, self.span(i, end)))
        elif self._ends_window(i):
            self.draft.end_clocks.append(clock)
        else:
            self.draft.clocks.append(clock)

    def _num(self, i: int) -> None:
        text = self.tokens[i].text
        if self.low(i + 1) in {"-", "to", "or"} and self.kind(i + 2) == "duration":
            # "2-3 min": two lengths; the duration after the joiner is read on its own.
            self.take(i + 1)
            first = _amount(text) * self._length_of(i + 2)[1]
            self.draft.durations.append(Said(round(first), self.span(i, i + 2)))
            return
        if self.low(i - 1) == "for" and text.isdigit() and 1 <= int(text) <= 60:
            self.draft.durations.append(Said(int(text) * 60, f"for {text}"))
            return
        if could_be_clock(text) and (
            self.low(i - 1) in lx.AT_WORDS or self._beside_day(i) or self._range_end(i)
        ):
            self._time_at(i)
            return
        self._loose(i)

    def _beside_day(self, i: int) -> bool:
        """ "yesterday 3", "monday 1504", "6 this morning", "9 last night": a time, not an id."""
        if self.kind(i - 1) in _DAYISH_KINDS:
            return True
        return self.kind(i + 1) in {"thispod", "pod"} or self.low(i + 1) in {
            "last night",
            "tonight",
        }

    def _duration(self, i: int) -> None:
        token = self.tokens[i]
        seconds, unit, text, after = self._duration_value(i)
        following, before = self.low(after), self.low(i - 1)
        if following in lx.AGO_WORDS:
            self.take(after)
            said = Said(seconds, f"{text} {self.tokens[after].text}")
            self._time_back(said, in_days=unit >= lx.UNIT_SECONDS["day"])
        elif following == "later" or (following == "from" and self.low(after + 1) == "now"):
            self.draft.futures.append(f"{text} {following}")
        elif before == "in":
            self.draft.futures.append(f"in {text}")
        elif before in {"last", "past", "previous"}:  # "the last 2 minutes"
            said = Said(seconds, f"{before} {text}")
            self.draft.relatives.append(said)
            self.draft.durations.append(said)
        elif (window := self._window_words(after)) is not None:
            last, each_side = window
            self.take(*range(after, last + 1))
            self.glue.update(range(after, last + 1))
            total = seconds * 2 if each_side else seconds
            clock = last + 2 if self.low(last + 1) == "at" else last + 1
            self.draft.centred.append(Said(total, self.span(i, clock)))
        else:
            self.draft.durations.append(Said(seconds, token.text))

    def _window_words(self, first: int) -> tuple[int, bool] | None:
        """After a length: the words of a centred window ("either side of", "around") and
        whether the length is each side, when a clock time follows them."""
        if self.low(first) not in _WINDOW_FIRST:
            return None
        for sequences, each_side in ((lx.EACH_SIDE_OF, True), (lx.IN_ALL_AROUND, False)):
            for words in sequences:
                last = first + len(words) - 1
                if all(self.free(first + k) and self.low(first + k) == w
                       for k, w in enumerate(words)):  # fmt: skip
                    clock = last + 2 if self.low(last + 1) == "at" else last + 1
                    if self._is_clockish(clock):
                        return last, each_side
        return None

    def _plusminus(self, i: int) -> None:
        """ "3pm ± 1 min", "3pm +/- 1" (minutes): a window centred on the time."""
        amount = i + 1
        if self.free(amount) and self.kind(amount) == "duration":
            seconds = self._length_of(amount)[0]
        elif self.free(amount) and self.kind(amount) == "num":
            seconds = round(float(self.tokens[amount].text) * 60)
        else:
            self.draft.ignored.append(self.tokens[i].text)
            return
        self.take(amount)
        first = i - 1 if self.kind(i - 1) in _CLOCK_KINDS else i
        self.draft.centred.append(Said(seconds * 2, self.span(first, amount)))

    def _duration_value(self, i: int) -> tuple[int, int, str, int]:
        """Seconds said at ``i`` (joining "1 hour 30 minutes"), the seconds of its unit, its
        text, and the next index."""
        seconds, unit = self._length_of(i)
        text = self.tokens[i].text
        after = i + 1
        joined = after + 1 if self.low(after) == "and" else after
        if self.kind(joined) == "duration" and self.free(joined):
            more = self._length_of(joined)[0]
            if more < unit:
                self.take(*range(after, joined + 1))
                return seconds + more, unit, f"{text} {self.tokens[joined].text}", joined + 1
        return seconds, unit, text, after

    def _length_of(self, i: int) -> tuple[int, int]:
        """The seconds a ``duration`` token says, and the seconds of its unit. A pattern holds
        the lexeme's forms that start as its tokens do (``lexer._FORMS``), and their groups are
        asked of the match in one call: a group at a time, a form the pattern lacked raised
        inside ``Token.group`` (~1 us, up to three times for "two minutes")."""
        match = self.tokens[i].match
        if "hm_h" in match.re.groupindex:  # the forms that start with a number
            hours, minutes, amount, unit, half, bare, letter = match.group(*_NUMBER_LENGTHS)
            if hours:  # "1h30m"
                return int(hours) * 3600 + int(minutes or 0) * 60, lx.UNIT_SECONDS["h"]
            if not amount:  # "90s"
                amount, unit = bare, letter
        else:
            long_unit, amount, unit, half = match.group(*_WORD_LENGTHS)
            if long_unit:  # "hour-long": one of the unit
                return lx.UNIT_SECONDS[long_unit.lower()], lx.UNIT_SECONDS[long_unit.lower()]
        unit_seconds = lx.UNIT_SECONDS[(unit or "m").lower()]
        return round((_amount(amount or "0") + (0.5 if half else 0.0)) * unit_seconds), unit_seconds

    def _time_back(self, said: Said[int], in_days: bool) -> None:
        """ "20 min ago" is a moment; "2 days ago" is a day (and "1.5 days ago" neither)."""
        if in_days:
            days, rest = divmod(said.value, lx.UNIT_SECONDS["day"])
            if rest:
                self.draft.vague.append(said.text)
            else:
                self.draft.days.append(DaySpec(DayKind.OFFSET, said.text, offset=days))
            return
        self.draft.relatives.append(said)

    # -- recall type and cameras ------------------------------------------------------------

    def _recall_type(self, i: int) -> None:
        token = self.tokens[i]
        kind = RecallType.TIMELAPSE if token.kind == "timelapse" else RecallType.REGULAR
        self.draft.recall_types.append(Said(kind, token.text))
        after = self.tokens[i + 1].text if self.free(i + 1) and self.kind(i + 1) == "num" else ""
        if after.isdigit() and 1 <= int(after) <= 60:  # "timelapse 10", "tl 15": minutes
            self.take(i + 1)
            self.draft.durations.append(Said(int(after) * 60, self.span(i, i + 1)))

    def _is_camera(self, i: int) -> bool:
        return self.kind(i) in _CAMERA_KINDS

    def _narrative(self, i: int) -> bool:
        """Whether a camera word is used as an everyday word here ("in front of", "left turn")."""
        context = lx.NARRATIVE_CONTEXT.get(self.tokens[i].low)
        if context is None:
            return False
        before, after = context
        return self.low(i - 1) in before or self.low(i + 1) in after

    def _negated(self, i: int) -> bool:
        """Whether the camera at ``i`` is in a list after "except", "no", "all but"..."""
        if self.low(i + 1) == "only":
            return False
        k = i - 1
        while k >= 0:
            word = self.low(k)
            if word in lx.NEGATIONS:
                return True
            if word == "but" and self.kind(k - 1) == "cam_all":
                return True
            if word not in _NEGATION_GLUE and not self._is_camera(k):
                return False
            k -= 1
        return False

    def _include(self, i: int, positions: frozenset[CameraPosition]) -> None:
        cameras = self.draft.cameras
        cameras.texts.append(self.tokens[i].text)
        if self._negated(i):
            cameras.excluded |= positions
        else:
            cameras.included |= positions

    def _camera(self, i: int) -> None:
        if self._narrative(i):  # "in front of", "left turn": a word of the story, said back
            self.draft.ignored.append(self.tokens[i].text)
            return
        self._include(i, lx.CAMERA_SETS[self.tokens[i].kind])

    def _driver_word(self, i: int) -> None:
        """ "driver" is the in-cab camera, unless it is the person in a story: "the driver",
        "his driver", or followed by what the driver did ("driver hit a pole")."""
        prev, after = self.low(i - 1), self.low(i + 1)
        listed = (
            prev in lx.NEGATIONS
            or after in {"only", "facing"}
            or (prev in lx.JOINERS and self._is_camera(i - 2))
            or (after in lx.JOINERS and self._is_camera(i + 2))
            or (prev == "for" and self.low(i - 2) in lx.NEGATIONS)
            or self._is_camera(i - 1)
            or self._is_camera(i + 1)
        )
        story = prev in lx.DETERMINERS or after in lx.DRIVER_AS_PERSON
        if listed or not story:
            self._include(i, frozenset({CameraPosition.DRIVER_FACING}))
        else:
            self.draft.cameras.people.append(self.tokens[i].text)

    def _all_cameras(self, i: int) -> None:
        if self._narrative(i):
            self.draft.ignored.append(self.tokens[i].text)
        else:
            self.draft.cameras.said_all = True

    def _unknown_camera(self, i: int) -> None:
        token = self.tokens[i]
        name = (token.group("cu") or token.group("cn") or "").lower()
        if self._narrative(i):
            self.draft.ignored.append(token.text)
        elif name not in lx.GENERIC_CAMERA_PREFIXES:
            self.draft.cameras.unknown.append(token.text)

    # -- everything else --------------------------------------------------------------------

    def _word(self, i: int) -> None:
        token = self.tokens[i]
        if token.low == "now":
            self.draft.nows.append(token.text)
        elif token.low == "ago":  # "a few minutes ago": a time, but not one we can place
            self.draft.vague.append(token.text)
        elif token.low in lx.END_WORDS and self._ends_before_clock(i):
            return  # "until 3pm": read with the clock time (see _ends_window)
        elif token.low in {"asset", "assets", "trailer"} and self._named_asset(i):
            return
        elif token.low in lx.APPROX_WORDS:
            self._approximate(i)
        elif token.low not in _SILENT_WORDS:
            self.draft.ignored.append(token.text)
            if self.kind(i + 1) in {"num", "ident"}:  # where a keyword stands: "truk 42"
                self.draft.before_ids.append(token.text)

    def _approximate(self, i: int) -> None:
        """ "about", "~": said of the clock time after it, that clock is approximate (see
        ``_clock_of``); said anywhere else ("about 20 min ago"), the whole time is."""
        if not (self.kind(i + 1) in _CLOCK_KINDS or self._is_clockish(i + 1)):
            self.draft.approximate.append(self.tokens[i].text)

    def _other(self, i: int) -> None:
        """Punctuation and symbols carry nothing on their own ("~" is "about")."""
        if self.tokens[i].low in lx.APPROX_WORDS:
            self._approximate(i)


_READERS: dict[str, Callable[[_Reader, int], None]] = {
    "quoted": _Reader._quoted,
    "target": _Reader._target,
    "hashid": _Reader._hashid,
    "iso": _Reader._iso,
    "ymd": _Reader._ymd,
    "mdy": _Reader._mdy,
    "mdate": _Reader._mdate,
    "dom": _Reader._day_of_month,
    "ordinal": _Reader._day_of_month,
    "duration": _Reader._duration,
    "clock": _Reader._time_at,
    "noon": _Reader._time_at,
    "midnight": _Reader._time_at,
    "day": _Reader._day,
    "thispod": _Reader._this_part,
    "pod": _Reader._part,
    "vague": _Reader._vague,
    "month": _Reader._vague,
    "weekday": _Reader._weekday,
    "zone": _Reader._zone,
    "timelapse": _Reader._recall_type,
    "regular": _Reader._recall_type,
    "driver_word": _Reader._driver_word,
    "cam_all": _Reader._all_cameras,
    "cam_unknown": _Reader._unknown_camera,
    "cam_noun": _Reader._unknown_camera,
    "plusminus": _Reader._plusminus,
    "ident": _Reader._loose,
    "num": _Reader._num,
    "word": _Reader._word,
    "other": _Reader._other,
    **dict.fromkeys(lx.CAMERA_SETS, _Reader._camera),
}
"""The reader of each token kind (built once; a phrase only looks readers up)."""


def read_draft(tokens: list[Token]) -> Draft:
    """What the tokens of a phrase said, sorted by meaning."""
    return _Reader(tokens).read()
