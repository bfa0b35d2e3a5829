"""Which vehicle or asset a phrase names: exactly one, kept as typed."""

from __future__ import annotations

from dataclasses import dataclass

from bot.phrase.draft import Draft
from bot.phrase.result import Inference, InferenceKind, PhraseProblem
from bot.recall import PhraseErrorCode


@dataclass(frozen=True, slots=True)
class Target:
    """The one vehicle number or asset name a request is for."""

    vehicle_number: str | None = None
    asset_name: str | None = None


def _distinct(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _listed(names: list[str]) -> str:
    quoted = [f"“{n}”" for n in names[:4]]
    return ", ".join(quoted[:-1]) + f" and {quoted[-1]}"


def resolve_target(draft: Draft) -> tuple[Target, list[Inference]]:
    """The single target of a draft, or the refusal that explains why there is not one."""
    vehicles, assets = _distinct(draft.vehicles), _distinct(draft.assets)
    named = {n.casefold() for n in vehicles + assets}
    loose = [n for n in _distinct(draft.loose_ids) if n.casefold() not in named]
    if vehicles and assets:
        raise PhraseProblem(
            PhraseErrorCode.BOTH_VEHICLE_AND_ASSET,
            f"The phrase names both a vehicle (“{vehicles[0]}”) and an asset (“{assets[0]}”). "
            f"A recall is for one of them: ask for each separately, e.g. "
            f"“truck {vehicles[0]} yesterday 3pm” and “asset {assets[0]} yesterday 3pm”.",
        )
    kind = "asset" if assets else "truck"
    everything = (vehicles or assets) + loose
    if len(everything) > 1:
        raise PhraseProblem(
            PhraseErrorCode.MULTIPLE_VEHICLES,
            f"I see more than one vehicle or asset: {_listed(everything)}. A recall is for one "
            f"at a time, e.g. “{kind} {everything[0]} yesterday 3pm 2 min”. If a number is a "
            "time, write it as one (“3pm”, “15:00”).",
        )
    if vehicles:
        return Target(vehicle_number=vehicles[0]), []
    if assets:
        return Target(asset_name=assets[0]), []
    if loose:
        note = Inference(
            kind=InferenceKind.TARGET,
            message=f"“{loose[0]}” taken as the vehicle number (say “truck {loose[0]}” or "
            f"“asset {loose[0]}” to be explicit).",
        )
        return Target(vehicle_number=loose[0]), [note]
    raise PhraseProblem(
        PhraseErrorCode.NO_VEHICLE,
        "I couldn't tell which vehicle or asset you mean. Name it, e.g. “truck 42 yesterday "
        '3pm 2 min” or “asset "Yard Jockey 3" today 9:15am”.',
    )
