"""The words of the phrase language: vocabularies the grammar looks up by meaning.

Regular expressions for multi-word lexemes live in ``lexer.py``; this module holds the plain
word sets and tables, so that adding a synonym is a one-line change in one place.
"""

from __future__ import annotations

from bot.recall_terms import CameraPosition

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45,
    "forty five": 45, "fortyfive": 45, "sixty": 60, "ninety": 90,
}  # fmt: skip

UNIT_SECONDS: dict[str, int] = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "wk": 604800, "wks": 604800, "week": 604800, "weeks": 604800,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip

# Words around a time that change nothing about it.
APPROX_WORDS = frozenset("around about approx approximately roughly circa ca ~ near".split())
# "at 3", "@ 3": a bare number after these is a clock time.
AT_WORDS = APPROX_WORDS | {"at", "@", "by"}
# "2 min ending at 3pm": the window ends at the clock time.
END_WORDS = frozenset("until till til ending ends end before".split())
AGO_WORDS = frozenset("ago back earlier prior".split())
RANGE_WORDS = frozenset("- to through thru until till til and".split())
# A length said before these, then a time, is a window centred on the time: "1 min either
# side of 3pm" is 2:59-3:01pm (each side), "2 min around 3:01pm" is 3:00-3:02pm (in all).
EACH_SIDE_OF: tuple[tuple[str, ...], ...] = (
    ("before", "and", "after"), ("either", "side", "of"), ("on", "either", "side", "of"),
    ("each", "side", "of"), ("on", "each", "side", "of"), ("both sides", "of"),
    ("on", "both sides", "of"), ("either", "way", "of"),
)  # fmt: skip
IN_ALL_AROUND: tuple[tuple[str, ...], ...] = (
    ("around",), ("centred", "on"), ("centered", "on"), ("centering", "on"),
    ("centring", "on"), ("surrounding",),
)  # fmt: skip
# Who a "driver" belongs to in a story ("the driver said"): then it is not the camera.
DETERMINERS = frozenset("the a an our my his her their your that this whose which".split())
# After "driver", words that make it the person, not the camera: what a driver does in an
# incident note ("driver hit a pole") and what alerts say of them ("Driver distraction").
DRIVER_AS_PERSON = frozenset(
    """
    hit hits said says say reported reports claims claimed states stated was is were had has
    did didn't does doesn't backed backs ran runs rolled swerved swerves braked brakes crashed
    struck stopped left called failed got went came drove turned made told tells thinks
    thought saw sees lost fell took distraction distracted drowsiness drowsy fatigue fatigued
    behavior behaviour performance event events alert alerts coaching score name id phone
    cell seatbelt smoking yawning obstruction violation safety app log logs hos report
    complaint asleep texting eating
    """.split()
)
# "friday last week"
LAST_WEEK = frozenset({"last week", "past week", "previous week"})
# Words an asset's name stops at ("asset Yard Jockey 3 at 3pm").
NAME_STOPS = frozenset("at @ by for from on in between and or with please pls plz".split())

# Words that join camera names into one list.
JOINERS = frozenset("and & + , / plus or nor with".split())
# Words that turn the camera names after them into exclusions.
NEGATIONS = frozenset("except excluding exclude without minus no not sans skip".split())

# "dash cam", "the camera": camera words that name no position.
GENERIC_CAMERA_PREFIXES = frozenset(
    "the a an all any every each both dash dashboard motive video that this those these its "
    "my your our their which what whose his her".split()
)

CAMERA_SETS: dict[str, frozenset[CameraPosition]] = {
    "cam_front": frozenset({CameraPosition.FRONT_FACING}),
    "cam_driver": frozenset({CameraPosition.DRIVER_FACING}),
    "cam_narrow": frozenset({CameraPosition.FRONT_NARROW_FACING}),
    "cam_left": frozenset({CameraPosition.SIDE_LEFT}),
    "cam_right": frozenset({CameraPosition.SIDE_RIGHT}),
    "cam_rear": frozenset({CameraPosition.REAR}),
    "cam_both": frozenset({CameraPosition.FRONT_FACING, CameraPosition.DRIVER_FACING}),
    "cam_sides": frozenset({CameraPosition.SIDE_LEFT, CameraPosition.SIDE_RIGHT}),
    "cam_ext": frozenset(
        {CameraPosition.SIDE_LEFT, CameraPosition.SIDE_RIGHT, CameraPosition.REAR}
    ),
}

# Camera words that are also everyday words: (words before, words after) that make them narrative.
# "in front of", "left turn", "right now", "backed into", "came back", "inside the yard".
NARRATIVE_CONTEXT: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "front": (frozenset({"in", "up"}), frozenset({"of", "desk", "office", "gate", "yard"})),
    "left": (
        frozenset("he she they driver who just had has have was were is turned turning".split()),
        frozenset("turn turns turned lane hand the a his her its early work without".split()),
    ),
    "right": (
        frozenset("all turned turning turn".split()),
        frozenset(
            "now after before at around when then away turn turns lane hand there here on into "
            "behind next side".split()
        ),
    ),
    "back": (
        frozenset("came come comes went go goes going drove drive driving got get was is".split()),
        frozenset("into in onto to from out of away home there here up then".split()),
    ),
    "backup": (frozenset(), frozenset("into in onto to from".split())),
    "back up": (frozenset(), frozenset("into in onto to from".split())),
    "inside": (frozenset(), frozenset("the a of lane yard gate".split())),
    "both": (frozenset(), frozenset("trucks vehicles units assets trailers times".split())),
    "all": (frozenset(), frozenset("right day night morning good".split())),
}

# Words of asking for footage (politeness, request verbs, footage and target nouns, function
# words): they carry nothing for the recall and are understood as such. Every other word the
# grammar cannot place, the incident's own words too ("harsh braking", "hit a pole"), is reported
# back as ignored: the requester sees what was not read, never a silent drop.
FILLER_WORDS = frozenset(
    """
    pls please plz can could would will you u ya i we me us our my need needs want wanted get
    got grab grabbing pull pulling pulled fetch request requesting recall send show give find
    check look see let lets let's have has had is was be been are were it its it's this that
    these those there here the of for at on from in to into with by only just also and or but
    then so some any a an clip clips video videos footage vid vids recording recordings camera
    cameras cam cams dashcam dashcams dash hey hi hello thanks thank thx ty asap urgent quick
    quickly he she they him her them his their when where what which who how why during while
    after before exactly starting start starts begin beginning time exact did do does watch
    review view sec clip's truck vehicle unit asset trailer van bus tractor long
    """.split()
)

# Between targets: "trucks 42 and 43", "42, 43, 1207", "truck 42 & 43".
LIST_GLUE = frozenset({"and", ",", "&", "plus", "+"})
