"""Plain-text descriptions of what recallbot understood, for the terminal."""

from __future__ import annotations

from bot.phrase import ParsedPhrase, PhraseError
from bot.recall import CAMERA_WORDS
from bot.timefmt import clock_text, local_text, utc_text


def describe_parsed(parsed: ParsedPhrase) -> list[str]:
    """Lines that show a request the way the requester will be asked to confirm it."""
    request = parsed.request
    target = (
        f"vehicle {request.vehicle_number}"
        if request.vehicle_number is not None
        else f"asset {request.asset_name}"
    )
    cameras = (
        "every camera"
        if request.camera_positions is None
        else ", ".join(CAMERA_WORDS[p] for p in request.camera_positions)
    )
    minutes = f"{request.duration} min"
    lines = [
        f"{target} · {request.recall_type} · {minutes} · {cameras}",
        f"{local_text(parsed.local_start)} to {clock_text(parsed.local_end)}"
        f"  ({utc_text(request.start_time)} to {utc_text(request.end_time)[11:]})",
    ]
    lines += [f"· {inference.message}" for inference in parsed.inferred]
    return lines


def describe(text: str, result: ParsedPhrase | PhraseError) -> str:
    """A phrase and what became of it, as an indented block."""
    if isinstance(result, PhraseError):
        body = [f"✗ {result.code}: {result.message}"]
    else:
        first, *rest = describe_parsed(result)
        body = [f"✓ {first}", *(f"  {line}" for line in rest)]
    return "\n".join([f"» {text}", *(f"  {line}" for line in body)])
