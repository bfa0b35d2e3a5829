"""The safety events of a chaos run: raised throughout through the Motive sandbox's admin API,
each meeting one of issue 20's faults in turn, and the checks the run ends with.

Events are hard brakes (requested automatically, within ``RECALLBOT_AUTO_BUDGET``) and
forward-collision warnings (posted, requested by a click only), on a vehicle that records all
day, 30 sandbox minutes before they are raised and at least three sandbox minutes apart, so no
two automatic requests ask for the same footage and Motive has reason to refuse none. In turn an
event is left alone, has its clip host trickle (a ``trickle`` fault on its clip's path, so the
download meets ``RECALLBOT_DOWNLOAD_DEADLINE``), is delivered again out of order and re-signed
once its clip is out (the first version, then the latest with fresh signatures), or arrives in
a Slack refusal window (the bot removed from the alerts channel for a few seconds, then invited
back, as when nobody invited it yet).

What must hold at the end: each event one top-level message, Motive's clip in each thread with
no file twice (twice at most when the app was killed: the documented window), and the
automatic recalls Motive created each day (in the team's zone) adding up to exactly what the
rules allow: min(budget, what the events asked), to the minute. An answer
to an automatic request, or Motive's clip, due inside a refusal window ends there (Slack
refused it for good: the bot was not in the channel), which the rules allow and the run counts.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bot.plumbing.timefmt import iso_utc
from bot.sandbox.faults import Fault, FaultKind
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.slack import SlackSandbox
from bot.store import Delivery, Store, TrackedRecall
from bot.store.schema import ALERT_MEDIA_OWED, ALERT_POST_OWED

ALERTS_CHANNEL = "C0ALERTS"
VEHICLE = "Truck 300"  # records all day, an AI dashcam: 2-minute recalls
AUTO_TYPE = "hard_brake"
TYPES = (AUTO_TYPE, "forward_collision_warning")
WINDOW_MINUTES = 2  # RECALLBOT_ALERT_WINDOW's default, 1m,1m
SPACING = timedelta(minutes=3)  # sandbox time between two events: windows never overlap
REDELIVER_AFTER_S = 3.0  # real seconds: Motive's clip has been delivered by then
REFUSED = "not_in_channel"  # what Slack answers inside a refusal window
EPISODES = ("none", "slow clip hosts", "out-of-order and re-signed deliveries",
            "Slack refusal windows")  # fmt: skip


@dataclass
class AlertFigures:
    """What the events did and what the end found."""

    events: int = 0
    messages: int = 0  # top-level messages in the alerts channel
    clips: int = 0  # files of Motive's own clips in the threads
    spent: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """Per day of decision: minutes of automatic recalls created, allowed, and asked for."""
    undeliverable: int = 0  # automatic requests' answers refused for good in a refusal window
    clips_refused: int = 0  # Motive's clips refused for good in a refusal window
    repeats: int = 0  # files shared once more in the documented window (a kill mid-upload)

    def summary(self) -> str:
        """One line."""
        budget = "; ".join(f"{day}: {spent} of {allowed} min allowed ({asked} asked)"
                           for day, (spent, allowed, asked) in sorted(self.spent.items()))
        return (f"{self.events} safety events, {self.messages} alert messages, {self.clips} "
                f"clip files; automatic recalls {budget or 'none'}; {self.undeliverable} answers "
                f"and {self.clips_refused} clips refused for good in a refusal window; "
                f"{self.repeats} files repeated in the documented window")  # fmt: skip


class AlertChaos:
    """Raises the events (a thread's work) and checks what became of them."""

    def __init__(self, motive: MotiveSandbox, slack: SlackSandbox, count: int, every_s: float,
                 budget: int, faults: Counter[str], seed: int) -> None:  # fmt: skip
        """``faults``: the run's fault counter, where each episode is counted."""
        self.motive, self.slack = motive, slack
        self.count, self.budget, self.faults = count, budget, faults
        # No closer in sandbox time than SPACING, whatever the clock's speed.
        self.every_s = max(every_s, SPACING.total_seconds() / motive.clock.speed * 1.2)
        self.figures = AlertFigures()
        self.raised: list[dict[str, Any]] = []
        self._random = random.Random(seed)  # noqa: S311 - chaos, not cryptography

    def settings(self) -> dict[str, str]:
        """The app's alert settings (its webhook is registered with the sandbox already; the
        safety net reads Motive's list often, for deliveries given up while the app was down)."""
        return {"RECALLBOT_ALERTS_CHANNEL": ALERTS_CHANNEL, "RECALLBOT_AUTO_RECALL": AUTO_TYPE,
                "RECALLBOT_AUTO_BUDGET": str(self.budget), "RECALLBOT_ALERT_NET_EVERY": "10"}

    # -- raising ---------------------------------------------------------------------------------

    def raise_all(self) -> None:
        """Raise ``count`` events, one every ``every_s`` seconds, each with its episode."""
        later: list[tuple[float, int]] = []  # when to redeliver which event
        for number in range(self.count):
            episode = EPISODES[number % len(EPISODES)]
            if episode != "none":
                self.faults[episode] += 1
            if episode == "Slack refusal windows":
                self.slack.remove_bot(ALERTS_CHANNEL)
            event = self._raise(TYPES[number % len(TYPES)])
            if episode == "slow clip hosts":
                self.motive.faults.arm(Fault(kind=FaultKind.TRICKLE, delay=1.0,
                                             path=f"/media/events/{event['id']}/"))  # fmt: skip
            elif episode == "out-of-order and re-signed deliveries":
                later.append((time.monotonic() + REDELIVER_AFTER_S, int(event["id"])))
            elif episode == "Slack refusal windows":
                time.sleep(self._random.uniform(2.0, 5.0))
                self.slack.invite_bot(ALERTS_CHANNEL)
            later = self._redeliver_due(later)
            time.sleep(self.every_s)
        while later:
            time.sleep(0.2)
            later = self._redeliver_due(later)

    def _raise(self, kind: str) -> dict[str, Any]:
        start = self.motive.clock.now().replace(microsecond=0) - timedelta(minutes=30)
        body = {"vehicle_number": VEHICLE, "type": kind, "start_time": iso_utc(start),
                "end_time": iso_utc(start + timedelta(seconds=4)), "start_speed": 80.0,
                "end_speed": 40.0, "location": "Joliet, IL"}  # fmt: skip
        answer = httpx.post(f"{self.motive.url}/_sandbox/safety_events", json=body, timeout=10)
        answer.raise_for_status()
        event: dict[str, Any] = answer.json()
        self.raised.append(event)
        self.figures.events += 1
        return event

    def _redeliver_due(self, later: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """Send the first version of each due event again (after its update: out of order),
        then its latest, signed afresh; the rest, still to come."""
        now = time.monotonic()
        for _, event_id in [item for item in later if item[0] <= now]:
            for version in ("first", "latest"):
                httpx.post(f"{self.motive.url}/_sandbox/safety_events/{event_id}/redeliver",
                           json={"version": version}, timeout=10).raise_for_status()  # fmt: skip
        return [item for item in later if item[0] > now]

    # -- the end ---------------------------------------------------------------------------------

    def owed(self, store: Store) -> int:
        """Events not yet recorded, or whose message, automatic request or clip is owed."""
        owed = f"{ALERT_POST_OWED} OR {ALERT_MEDIA_OWED}"  # the store's own text
        owing = f"SELECT COUNT(*) AS n, SUM({owed}) AS owed FROM alerts"  # noqa: S608
        rows = next(store.db.query(owing))
        return len(self.raised) - int(rows["n"]) + int(rows["owed"] or 0)

    def check(
        self, store: Store, recalls: list[TrackedRecall], zone: ZoneInfo, killed: bool
    ) -> list[str]:
        """The end's checks (``killed``: the app was SIGKILLed during the run); the problems
        found (the figures are kept)."""
        problems = self._messages_and_clips(store, killed)
        problems += self._budget(store, {r.id: r for r in recalls}, zone)
        for recall in recalls:
            if recall.origin is None or recall.origin.channel_id != ALERTS_CHANNEL:
                continue
            refused = REFUSED in (recall.delivery_note or "")
            if recall.delivery is Delivery.UNDELIVERABLE and refused:
                self.figures.undeliverable += 1
            elif recall.delivery is not Delivery.DELIVERED:
                problems.append(f"{recall.id}: its answer ended {recall.delivery}: "
                                f"{recall.delivery_note}")  # fmt: skip
        return problems

    def _messages_and_clips(self, store: Store, killed: bool) -> list[str]:
        problems: list[str] = []
        top = [m for m in self.slack.posted(ALERTS_CHANNEL) if m.thread_ts is None]
        self.figures.messages = len(top)
        for event in self.raised:
            mark = f"Motive event {event['id']}"
            mine = [m for m in top if mark in str(m.blocks)]
            if len(mine) != 1:
                problems.append(f"event {event['id']}: {len(mine)} alert messages")
                continue
            names = Counter(f.name for f in self.slack.shared_files(ALERTS_CHANNEL, mine[0].ts))
            clip = [n for n in names if n.startswith(f"event-{event['id']}-")]
            self.figures.clips += sum(names[n] for n in clip)
            twice = sorted(n for n, seen in names.items() if seen == 2)
            if twice and killed and max(names.values()) == 2:
                self.figures.repeats += len(twice)
            elif max(names.values(), default=0) > 1:
                problems.append(f"event {event['id']}: files shared more than once: {dict(names)}")
            row = store.alerts.get(str(event["id"]))
            note = row.media_note if row is not None else None
            if note is not None and REFUSED in note:
                self.figures.clips_refused += 1
            elif note is not None:
                problems.append(f"event {event['id']}: Motive's clip failed: {note}")
            elif not clip:
                problems.append(f"event {event['id']}: Motive's clip is not in its thread")
        return problems

    def _budget(self, store: Store, by_id: dict[str, TrackedRecall], zone: ZoneInfo) -> list[str]:
        """Per day of decision: minutes of automatic recalls Motive created == min(budget,
        minutes the wanted events asked for)."""
        problems: list[str] = []
        asked: Counter[str] = Counter()
        spent: Counter[str] = Counter()
        created = {str(r.id): r.minutes for r in self.motive.rules.recalls.values()}
        for row in store.db.query("SELECT id, auto, auto_at, recall_id FROM alerts "
                                  "WHERE auto IS NOT NULL"):  # fmt: skip
            day = datetime.fromisoformat(row["auto_at"]).astimezone(zone).date().isoformat()
            asked[day] += WINDOW_MINUTES
            if row["auto"] == "refused":
                problems.append(f"event {row['id']}: its automatic request was refused")
            recall = by_id.get(row["recall_id"] or "")
            if row["auto"] == "requested" and recall is not None:
                spent[day] += created.get(recall.motive_id or "", 0)
            elif row["auto"] not in ("over_budget", "refused"):
                problems.append(f"event {row['id']}: automatic request left {row['auto']}")
        wanted = sum(1 for e in self.raised if e["type"] == AUTO_TYPE)
        if sum(asked.values()) != wanted * WINDOW_MINUTES:
            problems.append(f"{sum(asked.values()) // WINDOW_MINUTES} automatic decisions for "
                            f"{wanted} {AUTO_TYPE} events")  # fmt: skip
        for day in asked:
            allowed = min(self.budget // WINDOW_MINUTES * WINDOW_MINUTES, asked[day])
            self.figures.spent[day] = (spent[day], allowed, asked[day])
            if spent[day] != allowed:
                problems.append(f"{day}: automatic recalls spent {spent[day]} min, the rules "
                                f"allow {allowed} (budget {self.budget}, asked {asked[day]})")
        return problems
