"""``/recall``: help, status, list, quota, or a phrase to preview (or request at once)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond

from bot import blocks
from bot.blocks import Message
from bot.ids import Command
from bot.phrase import ParsedPhrase, PhraseError
from bot.store import Origin
from handlers import Deps, failed, reply


def register(app: App, deps: Deps) -> None:
    """Wire /recall."""
    desk = deps.desk

    def answer(respond: Respond, replace: bool = False) -> Callable[[Message], None]:
        def send(message: Message) -> None:
            respond(**reply(message, replace_original=replace))

        return send

    @app.command(Command.RECALL)
    def recall(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        text = (command.get("text") or "").strip()
        user, now = command["user_id"], desk.clock()  # "today" is when it was typed
        word, _, rest = text.partition(" ")
        subcommand = word.lower()
        if subcommand in ("", "help"):
            ack(**reply(blocks.help_message()))
            return
        if subcommand in ("status", "list", "quota"):
            ack()
            lookups = {
                "status": lambda: desk.status(rest, user),
                "list": lambda: desk.recent(user),
                "quota": desk.quota,
            }
            job = lookups[subcommand]
            deps.checks.run(
                lambda: answer(respond)(job()), failed(answer(respond), "looking that up")
            )
            return
        parsed: ParsedPhrase | PhraseError | None = None
        if desk.zones.cached(user) is not None:  # no Slack call needed: answer errors at once
            parsed = desk.read(text, user, now=now)
            if isinstance(parsed, PhraseError):
                ack(**reply(blocks.phrase_error(text, parsed)))
                deps.requests.run(partial(desk.record_refusal, text, parsed, user))
                return
        ack(**reply(blocks.checking(text)))
        origin = Origin(surface="slack", team_id=command.get("team_id"),
                        channel_id=command["channel_id"], user_id=user)  # fmt: skip

        def preview() -> None:
            read = parsed or desk.read(text, user, now=now)
            if isinstance(read, PhraseError):
                desk.record_refusal(text, read, user)
                shown = blocks.phrase_error(text, read)
            else:
                shown = desk.preview(text, read, user, origin, command.get("response_url"))
            answer(respond, replace=True)(shown)

        deps.checks.run(preview, failed(answer(respond, replace=True), "checking it with Motive"))
