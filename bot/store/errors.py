"""What the store raises."""

from __future__ import annotations

from bot.errors import StoreError

__all__ = ["DraftUsed", "StoreError"]


class DraftUsed(StoreError):
    """A preview's Request came again (a second press, or another person's tampered id)."""
