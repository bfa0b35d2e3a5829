"""Which safety events are requested without a click, and within what budget.

``RECALLBOT_AUTO_RECALL`` names the event types; ``RECALLBOT_AUTO_BUDGET`` the minutes of
quota a day (in the team's zone) such requests may spend. The budget counts decisions, not
only the recalls Motive created: an event decided 'due' holds its minutes until it is requested
(or refused: a recall Motive refused spent nothing), so events that pile up while their
messages cannot be posted never add up to more than the budget. The decision is made when the
event's message is posted, so the message can say what was done; one whose message could not
go out is decided again at the next attempt, against the budget then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from bot.alerts.events import SafetyEvent
from bot.policy import Policy
from bot.recall import CameraPosition
from bot.store import AutoDecision, Store

AUTO_ACTOR = "recallbot"
"""Who automatic requests are made and audited as (never a Slack user id)."""

@dataclass(frozen=True)
class AutoRules:
    """The team's automatic-request rules."""

    types: frozenset[str]
    budget_minutes: int
    policy: Policy

    def wanted(self, event: SafetyEvent) -> bool:
        """Whether this event's type is requested without a click."""
        return event.type.lower() in self.types

    def decide(
        self, store: Store, event: SafetyEvent, minutes: int, zone: tzinfo, now: datetime
    ) -> AutoDecision:
        """'due' when today's budget has room for ``minutes`` more, 'over_budget' (audited)
        when it has not; recorded with the event in the same transaction."""
        day = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        decided, spent, new = store.alerts.decide(event.id, minutes, self.budget_minutes,
                                                  day.astimezone(UTC), now)  # fmt: skip
        if decided == "over_budget" and new:
            store.audit.add(AUTO_ACTOR, "refused", event=event.id, reason="auto_budget_spent",
                            spent_minutes=spent, budget_minutes=self.budget_minutes)  # fmt: skip
        return decided

    def cameras(self) -> tuple[CameraPosition, ...] | None:
        """Every camera, unless the driver-facing camera is kept to some people: then the
        automatic request (made by nobody in particular) leaves it out."""
        policy = self.policy
        restricted = policy.driver_facing if policy.driver_facing is not None else policy.requesters
        return (CameraPosition.FRONT_FACING,) if restricted else None
