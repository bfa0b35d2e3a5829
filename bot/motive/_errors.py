"""One exception hierarchy for everything Motive (or the way to it) can answer.

Every error carries the HTTP status (None when no answer arrived) and Motive's own message, so
a person can be told what Motive said, not just that something failed.
"""

from __future__ import annotations


class MotiveError(Exception):
    """Base of every error the Motive client raises."""

    def __init__(
        self, message: str, *, status: int | None = None, motive_message: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.motive_message = motive_message


class MotiveBadRequest(MotiveError):
    """Motive refused the request because it breaks a rule (400, or 422 for a rule)."""

    def __init__(self, message: str, *, status: int | None = None, motive_message: str = "",
                 rule: str | None = None) -> None:  # fmt: skip
        super().__init__(message, status=status, motive_message=motive_message)
        self.rule = rule


class MotiveAuthError(MotiveError):
    """The API key or token was refused (401)."""


class MotivePermissionError(MotiveError):
    """The key works but may not do this, or the feature is off for the company (403)."""


class MotiveNotFound(MotiveError):
    """No such vehicle, asset or recall request (404)."""


class MotiveDuplicate(MotiveError):
    """Motive already has this recall request (409, or 422 saying so).

    ``existing_id`` is the id of the recall Motive already has, when its answer names it.
    """

    def __init__(self, message: str, *, status: int | None = None, motive_message: str = "",
                 existing_id: str | None = None) -> None:  # fmt: skip
        super().__init__(message, status=status, motive_message=motive_message)
        self.existing_id = existing_id


class MotiveQuotaExhausted(MotiveError):
    """The company's monthly recall minutes for this type are spent."""


class MotiveRateLimited(MotiveError):
    """Motive kept answering 429 after the client backed off as far as it may."""

    def __init__(self, message: str, *, status: int | None = None, motive_message: str = "",
                 retry_after: float | None = None) -> None:  # fmt: skip
        super().__init__(message, status=status, motive_message=motive_message)
        self.retry_after = retry_after


class MotiveUnavailable(MotiveError):
    """Motive could not be reached or kept failing (5xx, timeouts, dropped connections,
    answers that are not JSON)."""


class MotiveCreateOutcomeUnknown(MotiveUnavailable):
    """A create may or may not have reached Motive, and asking again could not tell which.

    Nothing is retried after this: a second create could spend quota twice.
    """
