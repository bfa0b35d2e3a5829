"""Cameras: names, lists, exclusions, unknown names, and narrative words that are not cameras."""

import pytest

from tests.phrase_table import Case, check, err, ok

Y3PM = "2026-11-23T21:00:00Z"
BASE = "truck 42 yesterday 3pm"
FRONT, DRIVER, NARROW = "front_facing", "driver_facing", "front_narrow_facing"
LEFT, RIGHT, REAR = "side_left", "side_right", "rear"
OMNI = f"{LEFT} {RIGHT} {REAR}"


def cams(words: str, expected: str | None) -> Case:
    return ok(f"{BASE} {words}", Y3PM, cams=expected)


CASES: list[Case] = [
    ok(BASE, Y3PM, cams=None),
    cams("all cams", None),
    cams("all cameras", None),
    cams("every camera", None),
    cams("front", FRONT),
    cams("front only", FRONT),
    cams("front cam", FRONT),
    cams("front camera only", FRONT),
    cams("road", FRONT),
    cams("road cam", FRONT),
    cams("forward", FRONT),
    cams("forward facing", FRONT),
    cams("outward", FRONT),
    cams("road-facing", FRONT),
    cams("road facing camera", FRONT),
    cams("driver cam", DRIVER),
    cams("driver facing", DRIVER),
    cams("driver-facing", DRIVER),
    cams("driver only", DRIVER),
    cams("inside", DRIVER),
    cams("inward", DRIVER),
    cams("in-cab", DRIVER),
    cams("interior", DRIVER),
    cams("inward facing camera", DRIVER),
    cams("cab cam", DRIVER),
    cams("both", f"{FRONT} {DRIVER}"),
    cams("both cameras", f"{FRONT} {DRIVER}"),
    cams("dual", f"{FRONT} {DRIVER}"),
    cams("dual facing", f"{FRONT} {DRIVER}"),
    cams("narrow", NARROW),
    cams("front narrow", NARROW),
    cams("left", LEFT),
    cams("left side", LEFT),
    cams("driver side", LEFT),
    cams("driver's side cam", LEFT),
    cams("right", RIGHT),
    cams("right side camera", RIGHT),
    cams("passenger side", RIGHT),
    cams("rear", REAR),
    cams("back", REAR),
    cams("back cam", REAR),
    cams("backup camera", REAR),
    cams("omnicam", OMNI),
    cams("omni cam", OMNI),
    cams("exterior", OMNI),
    cams("front and rear", f"{FRONT} {REAR}"),
    cams("rear and front", f"{FRONT} {REAR}"),
    cams("front+driver", f"{FRONT} {DRIVER}"),
    cams("front & driver", f"{FRONT} {DRIVER}"),
    cams("driver and front", f"{FRONT} {DRIVER}"),
    cams("front, left, rear", f"{FRONT} {LEFT} {REAR}"),
    cams("front narrow and right", f"{NARROW} {RIGHT}"),
    cams("everything except driver", f"{FRONT} {NARROW} {OMNI}"),
    cams("no driver cam", f"{FRONT} {NARROW} {OMNI}"),
    cams("without driver", f"{FRONT} {NARROW} {OMNI}"),
    cams("all but rear", f"{FRONT} {DRIVER} {NARROW} {LEFT} {RIGHT}"),
    cams("except driver and rear", f"{FRONT} {NARROW} {LEFT} {RIGHT}"),
    cams("except for the driver cam", f"{FRONT} {NARROW} {OMNI}"),
    cams("both except driver", FRONT),
    cams("front and rear, no driver", f"{FRONT} {REAR}"),
    cams("no driver, front only", FRONT),
    cams("- driver says he got cut off", None),
    cams("in front of the dock", None),
    cams("he made a left turn", None),
    cams("customer complaint - backed into dock door", None),
    cams("came back to the yard", None),
    cams("dash cam footage", None),
    cams("from the camera", None),
    cams("inside the yard", None),
    err(f"{BASE} roof cam", "unknown_camera"),
    err(f"{BASE} thermal camera", "unknown_camera"),
    err(f"{BASE} 360 cam", "unknown_camera"),
    err(f"{BASE} front only no front", "unknown_camera"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_cameras(case: Case) -> None:
    check(case)
