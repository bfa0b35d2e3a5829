"""Events: ``@recallbot <phrase>`` in a thread, the Home tab opened, and redelivered events
dropped by id."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App
from slack_bolt.response import BoltResponse

from bot.phrase import PhraseError
from bot.slack import blocks
from bot.slack.blocks import Message
from bot.store import Origin
from handlers.deps import Deps, failed

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def mention_text(text: str) -> str:
    """A mention's phrase: user mentions removed and Slack's &amp; &lt; &gt; undone."""
    return html.unescape(_MENTION.sub(" ", text)).strip()


def register(app: App, deps: Deps) -> None:
    """Wire events and the redelivery filter."""
    desk, store = deps.desk, deps.store

    @app.middleware
    def drop_redelivered(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not store.inbound.first_time(f"slack-event:{event_id}", desk.clock()):
            return BoltResponse(status=200, body="")  # Slack retried it: answer once only
        return next()

    @app.event("app_mention")
    def mentioned(event: dict[str, Any]) -> None:
        user, channel = event["user"], event["channel"]
        thread = event.get("thread_ts") or event["ts"]
        phrase = mention_text(event.get("text", ""))
        written = datetime.fromtimestamp(float(event["ts"]), UTC)

        def tell(message: Message) -> None:
            deps.poster.ephemeral(channel, user, message, thread_ts=thread)

        look = deps.looks.read(phrase, written)
        if look is not None:  # "@recallbot look truck 42": the picture in this thread
            deps.requests.run(lambda: tell(deps.looks.look_phrase(
                look, user, channel, event.get("team"), thread)),
                failed(tell, "asking Motive for the picture"))  # fmt: skip
            return

        def preview() -> None:
            root = event.get("thread_ts")
            context = desk.thread_root(channel, root) if root and root != event["ts"] else None
            parsed = desk.read(phrase, user, now=written, context=context)
            if isinstance(parsed, PhraseError):
                desk.record_refusal(phrase, parsed, user)
                tell(blocks.phrase_error(phrase, parsed))
                return
            origin = Origin(surface="slack", team_id=event.get("team"), channel_id=channel,
                            thread_ts=thread, user_id=user)  # fmt: skip
            tell(desk.preview(phrase, parsed, user, origin))

        deps.checks.run(preview, failed(tell, "checking it with Motive"))

    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any]) -> None:
        if event.get("tab") == "home":
            deps.checks.run(lambda: deps.home.opened(event["user"]))
