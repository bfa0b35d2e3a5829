"""``with thing:`` for anything that has a ``close()``."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class ClosedOnExit:
    """Mixin: the object is its own context manager, closed when the block ends."""

    def close(self) -> None:
        """Release what the object holds (subclasses override)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
