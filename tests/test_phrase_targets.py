"""Targets: which vehicles or assets, kept as typed; several only as a list, never none."""

import pytest

from tests.phrase_table import Case, check, err, ok

Y3PM = "2026-11-23T21:00:00Z"  # yesterday 3pm in Chicago, at the reference clock

CASES: list[Case] = [
    ok("truck 42 yesterday 3pm", Y3PM),
    ok("unit 42 yesterday 3pm", Y3PM),
    ok("vehicle 42 yesterday 3pm", Y3PM),
    ok("veh 42 yesterday 3pm", Y3PM),
    ok("tractor 42 yesterday 3pm", Y3PM),
    ok("van 42 yesterday 3pm", Y3PM),
    ok("bus 42 yesterday 3pm", Y3PM),
    ok("#42 yesterday 3pm", Y3PM),
    ok("truck no. 42 yesterday 3pm", Y3PM),
    ok("truck number 42 yesterday 3pm", Y3PM),
    ok("truck # 42 yesterday 3pm", Y3PM),
    ok("unit#1207 yesterday 3pm", Y3PM, v="1207"),
    ok("truck42 yesterday 3pm", Y3PM),
    ok("Truck 42 YESTERDAY 3PM", Y3PM),
    ok("yesterday 3pm truck 42", Y3PM),
    ok("truck 042 yesterday 3pm", Y3PM, v="042"),
    ok("truck TX-4471 yesterday 3pm", Y3PM, v="TX-4471"),
    ok("TX-4471 yesterday 3pm", Y3PM, v="TX-4471"),
    ok("#A12 yesterday 3pm", Y3PM, v="A12"),
    ok("asset TRL-0093 yesterday 3pm", Y3PM, a="TRL-0093"),
    ok("trailer 88 yesterday 3pm", Y3PM, a="88"),
    ok("asset yj3 yesterday 3pm", Y3PM, a="yj3"),
    ok('asset "Yard Jockey 3" yesterday 3pm', Y3PM, a="Yard Jockey 3"),
    ok("asset “Yard Jockey 3” yesterday 3pm", Y3PM, a="Yard Jockey 3"),
    ok("pull 1207 yesterday 3pm 2 min", Y3PM, v="1207", dur=2),
    ok("truck 42 yesterday 3pm #42", Y3PM),
    ok("truck 42 yesterday 3pm unit 42", Y3PM),
    ok("pull TX-4471 yesterday 1504", "2026-11-23T21:04:00Z", v="TX-4471"),
    ok("truck 42 1504 yesterday", "2026-11-23T21:04:00Z"),
    ok("truck 12 may have hit a pole yesterday 3pm", Y3PM, v="12"),
    err("truck 42 yesterday 3pm 77", "multiple_vehicles"),
    err("1207 1504", "multiple_vehicles"),
    err("truck 1 and 2 and 3 and 4 and 5 and 6 yesterday 3pm", "multiple_vehicles"),
    err("yesterday 3pm 2 min", "no_vehicle"),
    err("the truck yesterday 3pm", "no_vehicle"),
    err('pull "Yard Jockey 3" yesterday 3pm', "no_vehicle"),
    err("", "no_vehicle"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_target(case: Case) -> None:
    check(case)


@pytest.mark.parametrize(("phrase", "targets"), [
    ("truck 42 and truck 43 yesterday 3pm", ["v42", "v43"]),
    ("trucks 42 and 43 yesterday 3pm", ["v42", "v43"]),
    ("42, 43, 1207 at 3pm 2 min", ["v42", "v43", "v1207"]),
    ("truck 42 & 43 yesterday 3pm", ["v42", "v43"]),
    ("truck 42 and asset TRL-0093 yesterday 3pm", ["v42", "aTRL-0093"]),
    ("trailer 88 trailer 89 yesterday 3pm", ["a88", "a89"]),
    ("truck 42 and truck 42 yesterday 3pm", ["v42"]),
])  # fmt: skip
def test_several_targets_listed_give_one_request_each(phrase: str, targets: list[str]) -> None:
    from bot.phrase import ParsedPhrase, parse_phrase
    from tests.phrase_table import TUE

    result = parse_phrase(phrase, TUE.tz, TUE.now)
    assert isinstance(result, ParsedPhrase), result
    named = [f"v{r.vehicle_number}" if r.vehicle_number else f"a{r.asset_name}"
             for r in result.every]  # fmt: skip
    assert named == targets
    assert len({(r.start_time, r.duration, r.camera_positions) for r in result.every}) == 1
    contract = result.to_json()
    assert len(contract["requests"]) == len(targets)
    assert (contract["request"] is None) == (len(targets) > 1)


def test_more_targets_than_allowed_are_refused_with_the_limit() -> None:
    from bot.phrase import PhraseError, parse_phrase
    from tests.phrase_table import TUE

    result = parse_phrase("trucks 1, 2 and 3 yesterday 3pm", TUE.tz, TUE.now, max_targets=2)
    assert isinstance(result, PhraseError)
    assert result.code == "multiple_vehicles"
    assert "at most 2" in result.message
