"""Motive's safety events, turned into incident threads with the recall one click away.

The core (no Slack here): reading events (``events``), the window a button asks for
(``window``), and recording each event once, however often Motive delivers it (the store's
``alerts`` part). ``bot.slack.alerts`` posts and edits the messages.
"""

from bot.alerts.events import (
    DEFAULT_ALERT_TYPES,
    EventMedia,
    EventShapes,
    NotAnEvent,
    SafetyEvent,
    event_words,
    is_event,
    read_event,
)
from bot.alerts.window import AlertWindow

__all__ = [
    "DEFAULT_ALERT_TYPES",
    "AlertWindow",
    "EventMedia",
    "EventShapes",
    "NotAnEvent",
    "SafetyEvent",
    "event_words",
    "is_event",
    "read_event",
]
