"""What the store raises."""

from __future__ import annotations


class StoreError(Exception):
    """The store cannot be used (e.g. it was made by a newer recallbot)."""


class DraftUsed(StoreError):
    """A preview's Request came again (a second press, or another person's tampered id)."""
