"""The two failures every command answers the same way (one line, exit 2), kept in a module
that imports nothing, so ``recallbot parse`` can catch them without loading the store's or the
settings' libraries."""

from __future__ import annotations


class SetupError(Exception):
    """recallbot cannot start as configured; the message says what to set or fix."""


class StoreError(Exception):
    """The store cannot be used (e.g. it was made by a newer recallbot)."""
