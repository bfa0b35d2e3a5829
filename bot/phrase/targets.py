"""Which vehicle or asset a phrase names: exactly one, kept as typed."""

from __future__ import annotations

from bot.phrase.draft import Draft
from bot.phrase.result import Inference, InferenceKind, PhraseProblem, Target
from bot.recall_terms import PhraseErrorCode


def _distinct(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _listed(names: list[str]) -> str:
    """ "“42”, “43” and “1207”" (the first five, and how many more)."""
    quoted = [f"“{n}”" for n in names]
    if len(quoted) > 6:
        quoted = [*quoted[:5], f"{len(names) - 5} more"]
    return ", ".join(quoted[:-1]) + f" and {quoted[-1]}" if len(quoted) > 1 else quoted[0]


def _unnamed(draft: Draft, named_ids: list[str]) -> tuple[list[str], list[str]]:
    """The bare numbers of a list ("trucks 42 and 43"), and the stray ones, less any id the
    phrase named already. Most phrases have neither: skipping the sets then saves ~1 us."""
    if not (draft.listed_ids or draft.loose_ids):
        return [], []
    named = {n.casefold() for n in named_ids}
    listed = [n for n in _distinct(draft.listed_ids) if n.casefold() not in named]
    named |= {n.casefold() for n in listed}
    stray = [n for n in _distinct(draft.loose_ids) if n.casefold() not in named]
    return listed, stray


def resolve_targets(draft: Draft, most: int) -> tuple[list[Target], list[Inference]]:
    """Every vehicle and asset a draft names, in order (at most ``most``), or the refusal
    that explains why there is none. Bare numbers are taken as vehicle numbers, said."""
    vehicles, assets = _distinct(draft.vehicles), _distinct(draft.assets)
    listed, stray = _unnamed(draft, vehicles + assets)
    loose = listed + stray
    everything = vehicles + assets + loose
    if stray and len(everything) > 1:
        kind = "asset" if assets and not vehicles else "truck"
        raise PhraseProblem(
            PhraseErrorCode.MULTIPLE_VEHICLES,
            f"I see more than one vehicle or asset ({_listed(everything)}), but not a list of "
            f"them. For one, say e.g. “{kind} {everything[0]} yesterday 3pm 2 min”; for several, "
            f"join them with “and”: “{kind}s {everything[0]} and {everything[1]} …”. If a "
            "number is a time, write it as one (“3pm”, “15:00”).",
        )
    if len(everything) > most:
        raise PhraseProblem(
            PhraseErrorCode.MULTIPLE_VEHICLES,
            f"I see {len(everything)} vehicles or assets ({_listed(everything)}): one request "
            f"takes at most {most} (RECALLBOT_MAX_TARGETS). Ask for them in smaller groups, "
            f"e.g. “trucks {' and '.join(everything[:2])} yesterday 3pm”. If a number is a "
            "time, write it as one (“3pm”, “15:00”).",
        )
    if not everything:
        raise PhraseProblem(
            PhraseErrorCode.NO_VEHICLE,
            "I couldn't tell which vehicle or asset you mean. Name it, e.g. “truck 42 yesterday "
            '3pm 2 min” or “asset "Yard Jockey 3" today 9:15am”.',
        )
    targets = [Target(vehicle_number=v) for v in vehicles]
    targets += [Target(asset_name=a) for a in assets]
    targets += [Target(vehicle_number=n) for n in loose]
    notes = []
    if loose:
        said = _listed(loose) if len(loose) > 1 else f"“{loose[0]}”"
        numbers = "vehicle numbers" if len(loose) > 1 else "the vehicle number"
        example = loose[0]
        notes.append(Inference(
            kind=InferenceKind.TARGET,
            message=f"{said} taken as {numbers} (say “truck {example}” or “asset {example}” "
            "to be explicit).",
        ))  # fmt: skip
    return targets, notes


def resolve_target(draft: Draft) -> tuple[Target, list[Inference]]:
    """The single target of a draft (the modal's one field), or why there is not one."""
    vehicles, assets = _distinct(draft.vehicles), _distinct(draft.assets)
    if vehicles and assets:
        raise PhraseProblem(
            PhraseErrorCode.BOTH_VEHICLE_AND_ASSET,
            f"The phrase names both a vehicle (“{vehicles[0]}”) and an asset (“{assets[0]}”). "
            "The form is for one of them: use /recall to ask for both at once.",
        )
    targets, notes = resolve_targets(draft, most=1_000)
    if len(targets) > 1:
        names = [t.vehicle_number or t.asset_name or "" for t in targets]
        raise PhraseProblem(
            PhraseErrorCode.MULTIPLE_VEHICLES,
            f"I see more than one vehicle or asset: {_listed(names)}. The form is for one at a "
            "time; use /recall to ask for several at once.",
        )
    return targets[0], notes
