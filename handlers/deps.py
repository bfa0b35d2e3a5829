"""What every listener shares: its dependencies (``Deps``) and the two things several do
(open the modal and check it after the ack; tell the person when work after the ack failed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.form import ModalContext
from bot.plumbing.background import Background, OnError, ShuttingDown
from bot.slack import blocks
from bot.slack.alerts import AlertDesk
from bot.slack.blocks import Message
from bot.slack.desk import SlackDesk
from bot.slack.forms import FormDesk, OpenForm
from bot.slack.home import HomeDesk
from bot.slack.looks import LookDesk
from bot.slack.notify import SlackPoster
from bot.slack.previews import Previews
from bot.store import Store


@dataclass(frozen=True)
class Deps:
    """What the listeners need."""

    desk: SlackDesk
    poster: SlackPoster
    store: Store
    forms: FormDesk
    home: HomeDesk
    checks: Background
    requests: Background
    looks: LookDesk
    records: Background  # audit lines kept out of the ack's way, and out of the clicks' queue
    previews: Previews  # on the checks pool's threads: here, or in preview processes
    alerts: AlertDesk | None = None  # None: RECALLBOT_ALERTS_CHANNEL is not set


def open_form(
    deps: Deps, trigger_id: str, opened: OpenForm, context: ModalContext, user: str
) -> None:
    """Open the modal now; check it with Motive after the ack when it names enough."""
    view = deps.forms.show(trigger_id, opened, context)
    if opened.form.complete:
        unchecked = [
            ":warning: The footage and quota check could not be run; Request checks again."
        ]
        deps.checks.run(
            lambda: deps.forms.show_check(view, opened, context, user),
            lambda exc: deps.forms.show_check(view, opened, context, user, unchecked),
        )


def failed(tell: Callable[[Message], object], doing: str, after: str = "") -> OnError:
    """What the person is told when work done for them after the ack fails (the log has why)."""

    def answer(exc: BaseException) -> None:
        if isinstance(exc, ShuttingDown):
            text = f":warning: recallbot restarted before {doing}. Nothing was spent; ask again."
        else:
            text = f":warning: Something went wrong while {doing}. {after or 'Nothing was spent.'}"
        tell(blocks.notice(text))

    return answer
