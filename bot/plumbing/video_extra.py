"""Whether the ``video`` extra (PyAV and Pillow) can be imported, said in one line.

Commands that need it ask at start, so that a missing or broken install is one sentence
before anything runs, not a traceback per clip later. It imports them for real: a package
that is present but fails to load (a broken wheel, a missing library) counts as missing."""

from __future__ import annotations

from importlib import import_module

INSTALL = "pip install 'recallbot[video]' (from a clone: pip install '.[video]'; make demo does it)"
"""How to install the extra, for the line that says it is missing."""

_MODULES = (("PyAV", "av"), ("Pillow", "PIL.Image"))


def missing_video() -> str | None:
    """'PyAV (No module named 'av')': what of the extra does not import, or None."""
    missing = []
    for name, module in _MODULES:
        try:
            import_module(module)
        except ImportError as exc:
            missing.append(f"{name} ({exc})")
    return " and ".join(missing) or None
