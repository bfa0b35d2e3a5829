"""``/recall``: help, status, list, quota, or a phrase to preview (or request at once)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Ack, App

from bot.ids import Command
from bot.phrase import PhraseError
from bot.phrase.questions import LookPhrase, Reading
from bot.slack import blocks
from bot.slack.blocks import Message
from bot.slack.previews import Asked
from bot.store import Origin
from handlers.deps import Deps, failed


def _responder(
    deps: Deps, command: dict[str, Any], replace: bool = False
) -> Callable[[Message], None]:
    """Send a message through the command's response_url (ephemeral), over the poster's
    kept-alive connections."""

    def send(message: Message) -> None:
        deps.poster.respond(command["response_url"], message, replace)

    return send


def _look_up(deps: Deps, subcommand: str, rest: str, command: dict[str, Any]) -> None:
    """status / list / quota, answered after the ack."""
    desk, user, channel = deps.desk, command["user_id"], command["channel_id"]
    lookups: dict[str, Callable[[], Message]] = {
        "status": lambda: desk.status(rest, user, channel),
        "list": lambda: desk.recent(user, channel),
        "quota": desk.quota,
    }
    send = _responder(deps, command)
    deps.checks.run(lambda: send(lookups[subcommand]()), failed(send, "looking that up"))


def _look(deps: Deps, ack: Ack, command: dict[str, Any], phrase: LookPhrase) -> None:
    """A look ("look truck 42"): "Checking…", then the core, the status message and Motive
    on the Request pool; the asker is told where the picture will appear."""
    text = (command.get("text") or "").strip()
    ack(**blocks.checking(text).ephemeral())
    send = _responder(deps, command, replace=True)
    user, channel, team = command["user_id"], command["channel_id"], command.get("team_id")
    deps.requests.run(lambda: send(deps.looks.look_phrase(phrase, user, channel, team)),
                      failed(send, "asking Motive for a picture"))  # fmt: skip


def _read_phrase(deps: Deps, ack: Ack, command: dict[str, Any]) -> None:
    """A phrase: its error in the ack when that needs no Slack call, else "Checking…" and the
    preview (or the error) after it; a look goes its own way."""
    desk, text = deps.desk, (command.get("text") or "").strip()
    user, now = command["user_id"], desk.clock()  # "today" is when it was typed
    parsed: Reading | None = None
    if desk.zones.cached(user) is not None:  # read once (a look is always now: any zone will do)
        parsed = desk.read(text, user, now=now)
    else:
        parsed = deps.looks.read(text, now)  # only whether it is a look; the rest after the ack
    if isinstance(parsed, LookPhrase):
        _look(deps, ack, command, parsed)
        return
    if isinstance(parsed, PhraseError):
        ack(**blocks.phrase_error(text, parsed).ephemeral())
        deps.records.run(partial(desk.record_refusal, text, parsed, user))
        return
    ack(**blocks.checking(text).ephemeral())
    origin = Origin(surface="slack", team_id=command.get("team_id"),
                    channel_id=command["channel_id"], user_id=user)  # fmt: skip
    asked = Asked(text, user, origin, command["response_url"], now)
    deps.previews.run(asked, parsed,
                      failed(_responder(deps, command, replace=True), "checking it with Motive"))


def register(app: App, deps: Deps) -> None:
    """Wire /recall."""

    @app.command(Command.RECALL)
    def recall(ack: Ack, command: dict[str, Any]) -> None:
        word, _, rest = (command.get("text") or "").strip().partition(" ")
        subcommand = word.lower()
        if subcommand in ("", "help"):
            ack(**blocks.help_message().ephemeral())
        elif subcommand in ("status", "list", "quota"):
            ack()
            _look_up(deps, subcommand, rest, command)
        else:
            _read_phrase(deps, ack, command)
