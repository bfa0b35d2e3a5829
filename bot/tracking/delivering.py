"""One answer, delivered once: claim, deliver, record; shared by recalls and image captures.

The right to deliver is claimed in the store (recording an attempt id) before the notifier is
called and recorded after, so a crash between the two repeats an answer at most once and never
loses it. A try that fails is tried again after a back-off kept in the store; a refusal for
good (the channel archived or gone) ends the answer 'undeliverable' after
``delivery_refusals`` tries, audited once, and the requester is told some other way. The audit
line of a delivery, or of giving up, is written in the transaction that records it
(``together``): whoever sees the answer's end sees its line.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from bot.plumbing import logs
from bot.plumbing.crashpoints import checkpoint
from bot.store import Origin
from bot.tracking.notifier import DeliveryRefused
from bot.tracking.schedule import TrackingPolicy

_log = logging.getLogger("recallbot.tracker")


class Answerable(Protocol):
    """A finished thing whose answer is owed (a recall, a capture)."""

    @property
    def id(self) -> str:
        """recallbot's id."""

    @property
    def delivery_tries(self) -> int:
        """Failed tries so far."""

    @property
    def origin(self) -> Origin | None:
        """Where it was asked for."""

    @property
    def state(self) -> str:
        """How it ended."""

    def about(self) -> dict[str, str | None]:
        """What log lines about it carry."""


Item = TypeVar("Item", bound=Answerable)
Item_co = TypeVar("Item_co", bound=Answerable, covariant=True)


class Deliveries(Protocol[Item_co]):
    """The store's queries of the right to deliver (``bot.store.followed.Followed``)."""

    def claim_delivery(
        self, item_id: str, attempt: str, now: datetime, stale_before: datetime
    ) -> Item_co | None:
        """The item, claimed for ``attempt``; None when someone else holds it."""

    def record_delivery(
        self, item_id: str, attempt: str, now: datetime, answer_ts: str | None = None
    ) -> bool:
        """Delivered."""

    def retry_delivery(self, item_id: str, attempt: str, note: str, at: datetime) -> bool:
        """Failed: try again at ``at``."""

    def give_up_delivery(self, item_id: str, attempt: str, note: str) -> bool:
        """Refused for good: ended."""


@dataclass
class DeliverOnce(Generic[Item]):
    """Delivers one kind of answer through ``send`` (the notifier's ``deliver``)."""

    part: Deliveries[Item]
    policy: TrackingPolicy
    send: Callable[[Item, str], str | None]  # (item, attempt) -> the answer's message id
    tell_elsewhere: Callable[[Item, str], None]  # the notifier's ``undeliverable``
    audit: Callable[..., None]  # (action, item, **detail): the store's audit, about the item
    together: Callable[[], AbstractContextManager[object]]  # the store's one transaction
    clock: Callable[[], datetime]
    noun: str = "recall"  # for log lines

    def deliver(self, item: Item) -> Item | None:
        """Claim, deliver, record: exactly once, or at worst once more after a crash. The item
        as delivered, or None when it was not (someone else holds it, or this try failed)."""
        with logs.context(**item.about()):
            return self._deliver(item)

    def _deliver(self, item: Item) -> Item | None:
        now = self.clock()
        attempt = secrets.token_hex(6)
        claimed = self.part.claim_delivery(item.id, attempt, now, now - self.policy.delivery_lease)
        if claimed is None:
            return None  # someone else delivered it, or is delivering it now
        try:
            answer_ts = self.send(claimed, attempt)
        except DeliveryRefused as refused:
            self._refused(claimed, attempt, refused)
            return None
        except Exception as exc:  # a surprise: its traceback, and a try later
            _log.exception("delivering %s %s failed", self.noun, item.id)
            self._refused(claimed, attempt, DeliveryRefused(f"{type(exc).__name__}: {exc}"))
            return None
        checkpoint("after_deliver")
        with self.together():
            self.part.record_delivery(item.id, attempt, self.clock(), answer_ts)
            self.audit("delivered", claimed, attempt=attempt, state=claimed.state,
                       to=_where(claimed))  # fmt: skip
        return claimed

    def _refused(self, item: Item, attempt: str, refused: DeliveryRefused) -> None:
        """A try failed: end the answer when it is refused for good and has been tried enough,
        else try again after a back-off (one log line, no audit row: retries are routine)."""
        tries = item.delivery_tries + 1
        if refused.permanent and tries >= self.policy.delivery_refusals:
            self._give_up(item, attempt, refused.reason, tries)
            return
        wait = self.policy.delivery_wait(tries, refused.needs_admin)
        admin = "; an admin must fix the Slack app" if refused.needs_admin else ""
        _log.warning("answer of %s %s not delivered (try %d): %s%s; trying again in %.0f s",
                     self.noun, item.id, tries, refused.reason, admin,
                     wait.total_seconds())  # fmt: skip
        self.part.retry_delivery(item.id, attempt, refused.reason, self.clock() + wait)

    def _give_up(self, item: Item, attempt: str, reason: str, tries: int) -> None:
        """End the answer 'undeliverable' (audited once), and tell the requester elsewhere."""
        with self.together():
            ended = self.part.give_up_delivery(item.id, attempt, reason)
            if ended:
                self.audit("undeliverable", item, attempt=attempt, reason=reason, tries=tries,
                           to=_where(item))  # fmt: skip
        if not ended:
            return  # the claim went stale and another attempt holds it
        _log.warning("answer of %s %s given up after %d tries: %s", self.noun, item.id, tries,
                     reason)  # fmt: skip
        try:
            self.tell_elsewhere(item, reason)
        except DeliveryRefused as refused:
            _log.warning("could not tell the requester of %s %s: %s", self.noun, item.id, refused)
        except Exception:
            _log.exception("could not tell the requester of %s %s", self.noun, item.id)


def _where(item: Answerable) -> dict[str, Any] | None:
    return item.origin.model_dump() if item.origin else None
