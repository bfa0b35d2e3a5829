"""Which safety events are requested without a click, and within what budget.

``RECALLBOT_AUTO_RECALL`` names the event types; ``RECALLBOT_AUTO_BUDGET`` the minutes of
quota a day (in the team's zone) such requests may spend, counted from the store (a recall
Motive refused spent nothing). The decision is made once per event, before its message is
posted, so the message can say what was done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Literal

from bot.alerts.events import SafetyEvent
from bot.policy import Policy
from bot.recall import CameraPosition
from bot.store import Store

AUTO_ACTOR = "recallbot"
"""Who automatic requests are made and audited as (never a Slack user id)."""

AutoDecision = Literal["due", "over_budget"]


@dataclass(frozen=True)
class AutoRules:
    """The team's automatic-request rules."""

    types: frozenset[str]
    budget_minutes: int
    policy: Policy

    def decide(
        self, store: Store, event: SafetyEvent, minutes: int, zone: tzinfo, now: datetime
    ) -> AutoDecision | None:
        """None when this type is not requested automatically; else 'due' when today's
        budget has room for ``minutes`` more, 'over_budget' when it has not (audited)."""
        if event.type.lower() not in self.types:
            return None
        day = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        spent = store.recalls.minutes_requested_by(AUTO_ACTOR, day.astimezone(UTC))
        if spent + minutes <= self.budget_minutes:
            return "due"
        store.audit.add(AUTO_ACTOR, "refused", event=event.id, reason="auto_budget_spent",
                        spent_minutes=spent, budget_minutes=self.budget_minutes)  # fmt: skip
        return "over_budget"

    def cameras(self) -> tuple[CameraPosition, ...] | None:
        """Every camera, unless the driver-facing camera is kept to some people: then the
        automatic request (made by nobody in particular) leaves it out."""
        policy = self.policy
        restricted = policy.driver_facing if policy.driver_facing is not None else policy.requesters
        return (CameraPosition.FRONT_FACING,) if restricted else None
