"""Every id recallbot gives Slack (actions, callbacks, blocks), in one place as enums.

Handlers match on these and builders emit them, so an id cannot be misspelled in one of the
two (the manifest's callback id is checked against ``CallbackId`` by a test).
"""

from enum import StrEnum


class Command(StrEnum):
    """Slash commands (the manifest's are checked against this by a test)."""

    RECALL = "/recall"


class ActionId(StrEnum):
    """Buttons and inputs in messages."""

    SUBMIT = "recall_submit"
    EDIT = "recall_edit"
    CANCEL = "recall_cancel"
    REFRESH = "recall_refresh"
    OPEN_LINK = "recall_open_link"  # a link button: Slack still sends an action to acknowledge
    TARGET_SEARCH = "recall_target_search"  # the modal's vehicle/asset select, options from us
    ALERT_ROAD = "alert_recall_road"  # an alert's buttons: road-facing around the event,
    ALERT_ALL = "alert_recall_all"  # every camera around it,
    ALERT_EDIT = "alert_recall_edit"  # or the modal, prefilled with the event
    RECALL_HERE = "where_recall_here"  # a where-was answer: the preview of 2 min around then
    PLACE_PICK = "place_pick"  # a place's vehicles, more than one request takes: tick some,
    PLACE_CHOSEN = "place_preview_chosen"  # then preview the ones ticked
    ALERT_LOOK = "alert_look_now"  # a still from the alert's vehicle now, in its thread
    ANSWER_LOOK = "recall_look_now"  # a still from a recall's vehicle now, in its thread


class CallbackId(StrEnum):
    """Shortcuts and modals."""

    FROM_MESSAGE = "recall_from_message"
    EDIT_MODAL = "recall_edit_modal"


class BlockId(StrEnum):
    """Blocks whose state or position matters to a handler."""

    PREVIEW_ACTIONS = "recall_preview_actions"
    ANSWER_ACTIONS = "recall_answer_actions"
    TARGET = "recall_target"
    DATE = "recall_date"
    TIME = "recall_time"
    DURATION = "recall_duration"
    CAMERAS = "recall_cameras"
    KIND = "recall_kind"
    ALERT_ACTIONS = "alert_recall_actions"
    CHECK = "recall_check"  # the modal's footage and quota check, updated when it returns
    PLACE_PICK = "place_pick_"  # a prefix: one checkboxes block per ten of a place's vehicles
    WHERE_ACTIONS = "where_actions"
